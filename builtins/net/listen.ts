/*
 * Servers (listen(8)):
 *
 *   aux/listen1 [-1tv] addr cmd [args ...]
 *       announce addr; for each call run cmd in a child whose namespace is a copy of
 *       listen1's, with $net the conversation directory, standard input and output the
 *       connection's data file, standard error kept, and /dev/cons bound to the
 *       connection. -1: take one call, wait for its command, exit with its status.
 *       -v: say `incoming call for ADDR from REMOTE in DIR` on standard error.
 *   aux/listen [-q] [-d srvdir] [net]
 *       announce every service in srvdir (default /bin/service) named PROTO PORT
 *       (`tcp2500`, `udp7`) on net (default tcp), and for each call run that file as an
 *       rc script (`. file DIR`) set up as listen1 sets up its command.
 *
 * Calls are served concurrently; the listener stops at an interrupt, which closes the
 * announcement (and so frees the port).
 */
import { MREPL, nsOps } from '../nsops.js';
import type { ProcLike, Shell } from '../types.js';
import { cmd, errText, Exit, getopts, usage } from '../cmd/lib.js';
import { ORDWR } from '../../ns/types.js';
import { type Announced, announce, connAddr, listen } from './dial.js';
import { interruptible } from './connect.js';

/** Run argv for one call, set up as listen(8) sets up a service. */
async function serve(p: ProcLike, sh: Shell, call: Announced, argv: string[]): Promise<string> {
  const dir = call.dir;
  let vfs = p.vfs;
  const ops = nsOps(p.vfs);
  if (ops) {
    vfs = ops.copy();
    try {
      await nsOps(vfs)!.bind(dir + '/data', '/dev/cons', MREPL);
    } catch {
      // no /dev/cons to cover
    }
  }
  let stdin, stdout;
  try {
    stdin = await vfs.open(dir + '/data', ORDWR);
    stdout = await vfs.open(dir + '/data', ORDWR);
  } catch (e) {
    stdin?.close();
    call.ctl.close();
    return errText(e);
  }
  try {
    return await sh.runForked(p, argv, (c) => {
      c.vfs = vfs;
      c.set('net', [dir]);
      c.setFd(0, stdin);
      c.setFd(1, stdout);
    });
  } finally {
    call.ctl.close();
  }
}

async function announceOrSay(p: ProcLike, name: string, addr: string): Promise<Announced> {
  try {
    return await interruptible(p, announce(p.vfs, addr));
  } catch (e) {
    if (e instanceof Exit) throw e;
    const why = errText(e);
    await p.err(`${name}: can't announce ${addr}: ${why}`);
    throw new Exit(why);
  }
}

/** Take calls on a until interrupted (or, with one, a single call); each goes to handle. */
async function loop(p: ProcLike, a: Announced, one: boolean, handle: (call: Announced) => Promise<string>): Promise<string> {
  try {
    for (;;) {
      let call: Announced;
      try {
        call = await interruptible(p, listen(p.vfs, a.dir));
      } catch (e) {
        if (e instanceof Exit) throw e;
        throw new Exit(errText(e));
      }
      const r = handle(call);
      if (one) return await r;
      r.catch(() => {});
    }
  } finally {
    a.ctl.close();
  }
}

export const listen1 = cmd('listen1', async (p, argv, sh) => {
  const o = getopts(argv, '1tvd:');
  if (!o || o.args.length < 2) return usage(p, 'usage: listen1 [-1tv] address cmd args...');
  const [addr, ...rest] = o.args as [string, ...string[]];
  const a = await announceOrSay(p, 'listen1', addr);
  return loop(p, a, o.has.has('1'), async (call) => {
    if (o.has.has('v')) {
      const remote = await connAddr(p.vfs, call.dir, 'remote');
      await p.err(`incoming call for ${addr} from ${remote} in ${call.dir}`);
    }
    return serve(p, sh, call, rest);
  });
});

export const auxlisten = cmd('listen', async (p, argv, sh) => {
  const o = getopts(argv, 'qd:t:n:p:');
  if (!o || o.args.length > 1) return usage(p, 'usage: listen [-q] [-d srvdir] [-t trustsrvdir] [net]');
  const dir = o.val.get('d')?.[0] ?? '/bin/service';
  let net = o.args[0] ?? 'tcp';
  let root = '';
  const slash = net.lastIndexOf('/');
  if (slash >= 0) {
    root = net.slice(0, slash);
    net = net.slice(slash + 1);
  }
  let names: string[];
  try {
    const path = dir.startsWith('/') || dir.startsWith('#') ? dir : `${p.cwd}/${dir}`;
    names = (await p.vfs.readdir(path)).map((d) => d.name);
  } catch (e) {
    await p.err(`listen: can't read ${dir}: ${errText(e)}`);
    return 'no service directory';
  }
  const services = names.filter((n) => n.startsWith(net) && /^\d+$/.test(n.slice(net.length)));
  if (services.length === 0) {
    if (!o.has.has('q')) await p.err(`listen: no ${net} services in ${dir}`);
    return 'no services';
  }
  const all = services.map(async (s) => {
    const port = s.slice(net.length);
    const addr = `${root ? root + '/' : ''}${net}!*!${port}`;
    const a = await announceOrSay(p, 'listen', addr);
    return loop(p, a, false, (call) => serve(p, sh, call, ['.', `${dir}/${s}`, call.dir]));
  });
  await Promise.all(all);
  return '';
});
