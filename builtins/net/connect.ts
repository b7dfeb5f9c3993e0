/*
 * Clients that join the terminal to a connection:
 *
 *   aux/dial [-e] addr     (dial)   stdin to the connection, the connection to stdout;
 *   telnet [-r] [net!]host[!port]   the same, answering telnet option requests with
 *                                   refusals and keeping other IAC sequences off the screen;
 *   con [-r] [net!]host[!service]   as aux/dial, with con's default service (telnet).
 *
 * Each runs until the far end closes. At end of its standard input, the connection is
 * half-closed (a zero-length write, see ns/net/conv.ts) so a server that reads to end of
 * file answers and hangs up; -e (aux/dial) hangs up at end of input instead.
 */
import type { ProcLike } from '../types.js';
import { cmd, errText, Exit, getopts, usage } from '../cmd/lib.js';
import { type Conn, dial, netmkaddr } from './dial.js';
import { unlessInterrupted } from '../../ns/sleepon.js';

/** Reject when p is interrupted, so a blocked command stops at Ctrl-C. */
export function interruptible<T>(p: ProcLike, work: Promise<T>): Promise<T> {
  return unlessInterrupted(work, p.signal).catch((e) => {
    throw p.signal.aborted ? new Exit('interrupted') : e;
  });
}

/** dial for a command: `cmd: can't dial ADDR: why` and status on failure. */
export async function dialOrSay(p: ProcLike, name: string, addr: string): Promise<Conn> {
  try {
    return await interruptible(p, dial(p.vfs, addr));
  } catch (e) {
    if (e instanceof Exit) throw e;
    const why = errText(e);
    await p.err(`${name}: can't dial ${addr}: ${why}`);
    throw new Exit(why);
  }
}

type Filter = (b: Buffer, reply: (r: Buffer) => void) => Buffer;

/** Copy both ways until the far end closes; resolves to the status. */
async function converse(p: ProcLike, c: Conn, opts: { hangupAtEof?: boolean; filter?: Filter } = {}): Promise<string> {
  let done = false;
  // When the far end closes, the read of standard input is given up, not left pending:
  // a pending read of the terminal would take the next line typed at the prompt.
  const stop = new AbortController();
  const toNet = (async () => {
    try {
      for (;;) {
        const b = await p.read(0, 8192, stop.signal);
        if (done) return;
        if (b.length === 0) break;
        await c.data.write(b);
      }
      if (opts.hangupAtEof) await c.ctl.write(Buffer.from('hangup'));
      else await c.data.write(Buffer.alloc(0));
    } catch {
      // the connection went away; the other direction ends too
    }
  })();
  const fromNet = (async () => {
    for (;;) {
      const b = await c.data.read(65536);
      if (b.length === 0) return;
      const out = opts.filter ? opts.filter(b, (r) => void c.data.write(r).catch(() => {})) : b;
      if (out.length > 0) await p.write(1, out);
    }
  })();
  try {
    await interruptible(p, fromNet);
  } finally {
    done = true;
    stop.abort();
    c.data.close();
    c.ctl.close();
  }
  void toNet;
  return '';
}

const IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240;

/** Telnet's IAC sequences: refuse every option, pass data (and IAC IAC as one 255) through. */
function telnetFilter(): Filter {
  let state = 0; // 0 data, 1 after IAC, 2 after DO/DONT/WILL/WONT, 3 in SB, 4 IAC in SB
  let verb = 0;
  return (b, reply) => {
    const out: number[] = [];
    for (const c of b) {
      switch (state) {
        case 0:
          if (c === IAC) state = 1;
          else out.push(c);
          break;
        case 1:
          if (c === IAC) {
            out.push(IAC);
            state = 0;
          } else if (c >= WILL && c <= DONT) {
            verb = c;
            state = 2;
          } else state = c === SB ? 3 : 0;
          break;
        case 2:
          if (verb === DO) reply(Buffer.from([IAC, WONT, c]));
          else if (verb === WILL) reply(Buffer.from([IAC, DONT, c]));
          state = 0;
          break;
        case 3:
          if (c === IAC) state = 4;
          break;
        case 4:
          state = c === SE ? 0 : 3;
          break;
      }
    }
    return out.length === b.length ? b : Buffer.from(out);
  };
}

export const auxdial = cmd('dial', async (p, argv) => {
  const o = getopts(argv, 'e');
  if (!o || o.args.length !== 1) return usage(p, 'usage: dial [-e] addr');
  const c = await dialOrSay(p, 'dial', o.args[0]!);
  return converse(p, c, { hangupAtEof: o.has.has('e') });
});

export const telnet = cmd('telnet', async (p, argv) => {
  const o = getopts(argv, 'dnrCNT');
  if (!o || o.args.length !== 1) return usage(p, 'usage: telnet [-dnrCNT] net!host[!service]');
  const c = await dialOrSay(p, 'telnet', netmkaddr(o.args[0]!, 'tcp', 'telnet'));
  return converse(p, c, { filter: telnetFilter() });
});

export const con = cmd('con', async (p, argv) => {
  const o = getopts(argv, 'drCs:l:c:');
  if (!o || o.args.length !== 1) return usage(p, 'usage: con [-drC] [-l remuser] [-c cmd] net!host[!service]');
  const c = await dialOrSay(p, 'con', netmkaddr(o.args[0]!, 'net', 'telnet'));
  return converse(p, c);
});
