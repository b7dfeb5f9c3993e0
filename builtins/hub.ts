/*
 * hub [-b] [-t] [-B] [srvname] [group]     (defaults hubfs, io)
 * hub -l
 *
 * Persistent rc shells on hubs (ANTS's hub, bimodal). If no hub host answers on
 * $NAMESPACE/srvname, start one (`ants-rc --hubd srvname`, detached: shell/hubd.ts) and
 * ask it for the group's shell (ctl `new GROUP` with this process's /proc/N/ns, so the
 * shell sees this namespace); then, unless -b, attach: lines typed go to GROUP0, and
 * GROUP1 and GROUP2 are printed as they come. Both are read on the one 9P connection, and
 * the hubfs answers pending reads as each write happens, so output and prompts keep the
 * order they were written in. On attach the last screenful of the backlog is shown (-B:
 * all of it; -t when starting a host: hubs keep no backlog for new readers).
 *
 * Ctrl-C writes `interrupt` to GROUP0.note (the shell's foreground command stops, the
 * shell does not); Ctrl-D writes `eof GROUP0` to ctl; Ctrl-\ or a line `%detach` leaves
 * the shell running. Other lines starting with % are hubshell's: %attach GROUP, %remote
 * GROUP (a new shell on this host, attached), %list, %status, %eof, %fear, %calm, %trunc,
 * %notrunc, %freeze, %melt; %err, %in, %out, %fortun and %echoes are taken and ignored
 * (their delays are not needed here). When the shell exits the client says so, with the
 * shell's status, and returns it.
 *
 * hub -l lists the live hosts from the registry $NAMESPACE/hubs (ns/hubreg.ts), never by
 * mounting /srv entries.
 */
import { readWhole } from '../ns/nsfile.js';
import fs from 'node:fs';
import nodePath from 'node:path';
import { mountDial } from '../ns/9p/post.js';
import { isLive } from '../ns/9p/transport.js';
import { defaultSrvDir } from '../ns/dev/srv.js';
import { Eintr } from '../ns/errors.js';
import { isTtyChan } from '../ns/hostvfs.js';
import { liveHubs, validGroup } from '../ns/hubreg.js';
import type { Namespace } from '../ns/namespace.js';
import { dropLock, spawnDetached, takeLock } from '../ns/spawnd.js';
import { type Fid, NsError, OREAD, OWRITE } from '../ns/types.js';
import type { Chan } from '../ns/vfs.js';
import type { ProcLike } from './types.js';
import { cmd, errText, Exit, getopts, sleep, usage } from './cmd/lib.js';

const USAGE = 'usage: hub [-b] [-t] [-B] [srvname] [group] | hub -l';
/** How long to wait for a host we started to answer. */
const START_WAIT = 10_000;

/** What a proc of the interpreter has beyond ProcLike: its note group and descriptors. */
interface ShellProc {
  ng?: { readonly quitSignal: AbortSignal; interrupted: boolean };
  fds?: { get(fd: number): Chan | undefined };
}

function srvDir(p: ProcLike): string {
  const ns = p.vfs as Partial<Namespace>;
  return ns.kernel?.srv.dir ?? defaultSrvDir();
}

/** Make sure a host answers on dir/name, starting one if none does; true if we started it. */
async function ensureHost(p: ProcLike, dir: string, name: string): Promise<boolean> {
  const sock = nodePath.join(dir, name);
  if (await isLive(sock)) return false;
  const lock = name + '.lock';
  const deadline = Date.now() + START_WAIT;
  let started = false;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    if (!started && takeLock(dir, lock)) {
      if (spawnDetached(['--hubd', name, 'locked'], { ...process.env, NAMESPACE: dir }) === undefined) {
        dropLock(dir, lock);
        throw new NsError('cannot start the hub host');
      }
      started = true;
    }
    await sleep(delay, p.signal);
    if (await isLive(sock)) return started;
    if (Date.now() > deadline) throw new NsError('hub host did not answer');
  }
}

async function openIn(root: Fid, name: string, mode: number): Promise<Fid> {
  const w = await root.walk([name]);
  if (!w.fid) throw new NsError(`'${name}' does not exist`);
  try {
    await w.fid.open(mode);
  } catch (e) {
    await w.fid.clunk().catch(() => {});
    throw e;
  }
  return w.fid;
}

async function readAllOf(f: Fid): Promise<string> {
  const parts: Buffer[] = [];
  for (let off = 0; ; ) {
    const b = await f.read(off, 8192);
    if (b.length === 0) break;
    parts.push(b);
    off += b.length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** A host's connection: its root, and the small conversations hub has with ctl. */
class Host {
  constructor(
    readonly name: string,
    readonly root: Fid,
  ) {}

  async ctlText(): Promise<string> {
    const f = await openIn(this.root, 'ctl', OREAD);
    try {
      return await readAllOf(f);
    } finally {
      await f.clunk().catch(() => {});
    }
  }

  async ctl(msg: string): Promise<void> {
    const f = await openIn(this.root, 'ctl', OWRITE);
    try {
      await f.write(0, Buffer.from(msg));
    } finally {
      await f.clunk().catch(() => {});
    }
  }

  /** Bytes a new reader of hub gets as backlog, from ctl's `ring` and the hub's `written`. */
  backlog(ctl: string, hub: string): number {
    const ring = Number(/ ring ([0-9]+)/.exec(ctl)?.[1] ?? 0);
    const trunc = / trunc 1/.test(ctl.split('\n')[0] ?? '');
    const line = ctl.split('\n').find((l) => l.startsWith(hub + ' '));
    const written = Number(/ written ([0-9]+)/.exec(line ?? '')?.[1] ?? 0);
    return trunc ? 0 : Math.min(ring, written);
  }
}

/**
 * The terminal as hub writes it: in the order things were asked to be written (the
 * shell's output, then the note that it exited), and what hub says itself on a line of
 * its own.
 */
class Term {
  private bol = true;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly p: ProcLike) {}

  write(fd: number, b: Buffer): Promise<void> {
    if (b.length === 0) return this.chain;
    this.bol = b[b.length - 1] === 10;
    return (this.chain = this.chain.then(() => this.p.write(fd, b)).catch(() => {}));
  }

  say(text: string): Promise<void> {
    const nl = this.bol ? '' : '\n';
    this.bol = true;
    return (this.chain = this.chain.then(() => this.p.err(nl + text)));
  }
}

type Outcome = { kind: 'detach' } | { kind: 'exited'; status: string } | { kind: 'attach'; group: string } | { kind: 'hungup' };

/** The last n lines of text (all of it if n is 0). */
function tail(text: string, n: number): string {
  if (n <= 0) return text;
  let at = text.length;
  if (text.endsWith('\n')) at--;
  for (let i = 0; i < n && at > 0; i++) at = text.lastIndexOf('\n', at - 1);
  return at <= 0 ? text : text.slice(at + 1);
}

/**
 * Attached to group: relay until the shell exits or the user leaves. The output and
 * status reads are ours to take back (`live`), never the user's interrupt's.
 */
async function attach(p: ProcLike, host: Host, group: string, all: boolean, term: Term, typed: { text: string }): Promise<Outcome> {
  const sp = p as ProcLike & ShellProc;
  const live = new AbortController();
  const fids: Fid[] = [];
  let finish!: (o: Outcome) => void;
  const done = new Promise<Outcome>((r) => (finish = r));
  const end = (o: Outcome): void => {
    finish(o);
    live.abort();
  };
  const hungup = (e: unknown): void => {
    if (!live.signal.aborted && !(e instanceof NsError && e.message === Eintr)) end({ kind: 'hungup' });
  };
  // Ctrl-\ (a quit to our note group) detaches; the interrupt posted with it is spent on that.
  const quit = (): void => {
    if (sp.ng) sp.ng.interrupted = false;
    end({ kind: 'detach' });
  };
  try {
    const ctl = await host.ctlText();
    const left = [host.backlog(ctl, group + '1'), host.backlog(ctl, group + '2')];
    const input = await openIn(host.root, group + '0', OWRITE);
    const note = await openIn(host.root, group + '0.note', OWRITE);
    const outs = [await openIn(host.root, group + '1', OREAD), await openIn(host.root, group + '2', OREAD)];
    const status = await openIn(host.root, group + '.status', OREAD);
    fids.push(input, note, ...outs, status);
    const total = left[0]! + left[1]!;
    await term.say(`[hub ${host.name} · ${group} · ${total} bytes of backlog · %detach or Ctrl-\\ to leave]`);

    // Output: the backlog is gathered until both hubs have given theirs, then its tail
    // is shown; what comes meanwhile waits behind it.
    const back: Buffer[][] = [[], []];
    const early: [number, Buffer][] = [];
    let shown = total === 0;
    const show = (fd: number, b: Buffer): Promise<void> => {
      if (shown) return term.write(fd, b);
      const i = fd - 1;
      const n = Math.min(left[i]!, b.length);
      if (n > 0) back[i]!.push(b.subarray(0, n));
      if (n < b.length) early.push([fd, b.subarray(n)]);
      left[i]! -= n;
      if (left[0] !== 0 || left[1] !== 0) return Promise.resolve();
      // Each hub's tail on its own descriptor: on a terminal they share the screen.
      shown = true;
      const rows = all ? 0 : Math.max(4, (process.stdout.rows ?? 24) - 2);
      for (const [j, bufs] of back.entries()) if (bufs.length > 0) void term.write(j + 1, Buffer.from(tail(Buffer.concat(bufs).toString('utf8'), rows)));
      let last = Promise.resolve();
      for (const [f, e] of early.splice(0)) last = term.write(f, e);
      return last;
    };
    const pump = async (f: Fid, fd: number): Promise<void> => {
      for (let off = 0; !live.signal.aborted; ) {
        const b = await f.read(off, 8192, live.signal);
        // A read answered as this attachment ended is its own reader's, not the next one's.
        if (b.length === 0 || live.signal.aborted) return;
        off += b.length;
        await show(fd, b);
      }
    };
    // A status line `exited STATUS` ends the attachment; written after the shell's last output, it is read after it.
    const watch = async (): Promise<void> => {
      let buf = '';
      for (let off = 0; !live.signal.aborted; ) {
        const b = await status.read(off, 1024, live.signal);
        if (b.length === 0 || live.signal.aborted) return;
        off += b.length;
        buf += b.toString('utf8');
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const l = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (l.startsWith('exited ')) return end({ kind: 'exited', status: l.slice(7) });
        }
      }
    };
    void pump(outs[0]!, 1).catch(hungup);
    void pump(outs[1]!, 2).catch(hungup);
    void watch().catch(hungup);

    // Input: a line at a time to GROUP0, % lines are ours.
    sp.ng?.quitSignal.addEventListener('abort', quit, { once: true });
    if (sp.ng?.quitSignal.aborted) quit();
    const tty = isTtyChan(sp.fds?.get(0));
    const send = (f: Fid, s: string): Promise<number> => f.write(0, Buffer.from(s));
    const command = async (line: string): Promise<void> => {
      const [verb = '', arg] = line.slice(1).trim().split(/\s+/);
      switch (verb) {
        case 'detach':
          return end({ kind: 'detach' });
        case 'attach':
        case 'remote':
          if (!arg) return term.say(`hub: usage: %${verb} group`);
          if (verb === 'remote') await host.ctl(`new ${arg}\n${await nsText(p)}`);
          return end({ kind: 'attach', group: arg });
        case 'list': {
          const names = (await host.ctlText()).split('\n').slice(1).map((l) => l.split(' ')[0]).filter((n) => n);
          return term.write(1, Buffer.from(['ctl', ...names].sort().join('\n') + '\n'));
        }
        case 'status':
          return term.write(1, Buffer.from(await host.ctlText()));
        case 'eof':
          return host.ctl(`eof ${group}0`);
        case 'fear':
        case 'calm':
        case 'trunc':
        case 'notrunc':
        case 'freeze':
        case 'melt':
          return host.ctl(verb);
        case 'err':
        case 'in':
        case 'out':
        case 'fortun':
        case 'echoes':
          return;
        default:
          return term.say(`hub: unknown command %${verb}`);
      }
    };
    // Lines typed after one that ends this attachment (%attach, %remote) are the next one's.
    const lines = async (): Promise<void> => {
      for (let nl = typed.text.indexOf('\n'); nl >= 0 && !live.signal.aborted; nl = typed.text.indexOf('\n')) {
        const line = typed.text.slice(0, nl + 1);
        typed.text = typed.text.slice(nl + 1);
        if (line.startsWith('%')) await command(line);
        else await send(input, line);
      }
    };
    const relay = async (): Promise<void> => {
      await lines();
      while (!live.signal.aborted) {
        let b: Buffer;
        try {
          b = await p.read(0, 8192, live.signal);
        } catch (e) {
          if (live.signal.aborted) return;
          // A terminal we cannot read: the output goes on, and Ctrl-\ still detaches.
          if (!(e instanceof NsError && e.message === Eintr)) return;
          if (sp.ng?.quitSignal.aborted) return quit();
          // Ctrl-C: the hub shell's interrupt, not ours.
          if (sp.ng) sp.ng.interrupted = false;
          await send(note, 'interrupt\n');
          continue;
        }
        if (b.length === 0) {
          // Ctrl-D: end of file for the shell's next read; a pipe's end is the end of our input.
          if (typed.text !== '') await send(input, typed.text);
          typed.text = '';
          await host.ctl(`eof ${group}0`);
          if (!tty) return;
          continue;
        }
        typed.text += b.toString('utf8');
        await lines();
      }
    };
    void relay().catch(hungup);
    return await done;
  } finally {
    sp.ng?.quitSignal.removeEventListener('abort', quit);
    live.abort();
    await Promise.all(fids.map((f) => f.clunk().catch(() => {})));
  }
}

/** This process's namespace as text (/proc/N/ns), for the host to replay; empty when there is none. */
function nsText(p: ProcLike): Promise<string> {
  return readWhole(p.vfs, `/proc/${p.pid}/ns`).catch(() => '');
}

function hostPid(dir: string, name: string): string {
  try {
    return fs.readFileSync(nodePath.join(dir, name + '.pid'), 'utf8').trim();
  } catch {
    return '?';
  }
}

export const hub = cmd('hub', async (p, argv) => {
  const o = getopts(argv, 'btlB');
  if (!o || o.args.length > 2) return usage(p, USAGE);
  const dir = srvDir(p);
  if (o.has.has('l')) {
    for (const h of liveHubs(dir)) await p.write(1, `${h.name.padEnd(12)} pid ${h.pid}  /srv/${h.name}\n`);
    return '';
  }
  const name = o.args[0] ?? 'hubfs';
  let group = o.args[1] ?? 'io';
  // The host takes the names validGroup allows; saying so here spares a wait for a host
  // that would refuse to start.
  if (!validGroup(name) || name.startsWith('.')) {
    await p.err(`hub: bad srv name ${name}`);
    return 'bad srv name';
  }
  if (!validGroup(group)) {
    await p.err(`hub: bad group name ${group}`);
    return 'bad group name';
  }
  let started: boolean;
  try {
    started = await ensureHost(p, dir, name);
  } catch (e) {
    if (e instanceof Exit) throw e;
    await p.err(`hub: ${name}: ${errText(e)}`);
    return errText(e);
  }
  // Until the shell is running, Ctrl-C flushes what is asked of a host that does not
  // answer; once attached, Ctrl-C is the hub shell's and the relay's reads carry their own.
  let settingUp = true;
  const fsrv = await mountDial('unix!' + nodePath.join(dir, name), { interrupt: p.signal, signal: () => (settingUp ? p.signal : undefined) });
  const root = await fsrv.attach(p.get('user')[0] ?? 'none', '');
  const host = new Host(name, root);
  try {
    if (started && o.has.has('t')) await host.ctl('trunc');
    try {
      await host.ctl(`new ${group}\n${await nsText(p)}`);
    } catch (e) {
      const why = errText(e) === 'unknown control message' ? 'not a hub host' : errText(e);
      await p.err(`hub: ${name}: ${why}`);
      return why;
    }
    settingUp = false;
    if (o.has.has('b')) {
      await p.err(`hub: ${started ? `hubfs /srv/${name} created; ` : ''}shell ${group} running in ants-rc --hubd (pid ${hostPid(dir, name)})`);
      return '';
    }
    const term = new Term(p);
    const typed = { text: '' };
    let prev = group;
    for (;;) {
      let r: Outcome;
      try {
        r = await attach(p, host, group, o.has.has('B'), term, typed);
      } catch (e) {
        if (group === prev) throw e;
        await term.say(`hub: can't attach ${group}: ${errText(e)}`);
        group = prev;
        continue;
      }
      switch (r.kind) {
        case 'detach':
          await term.say(`hub: detached from ${name} (its ${group} shell goes on)`);
          return '';
        case 'hungup':
          await term.say(`hub: ${name} hung up`);
          return 'hungup';
        case 'exited':
          await term.say(`hub: ${name}: ${group} shell exited (status '${r.status.replace(/'/g, "''")}')`);
          return r.status;
        case 'attach':
          prev = group;
          group = r.group;
          break;
      }
    }
  } finally {
    await root.clunk().catch(() => {});
  }
});
