/*
 * ramfs and mntgen: the program-level servers, run as Plan 9 runs them. Each serves from
 * inside ants-rc (ns/srv/), posted in /srv and/or mounted:
 *   ramfs [-abc] [-m mtpt] [-s | -S srvname]   (mounted on /tmp unless it is only posted)
 *   mntgen [-s srvname] [mtpt]                 (mounted on /n by default)
 * A posted server belongs to the rc that started it (the command's parent, since the
 * server "forks into the background" as on Plan 9): its /srv entry, and the socket
 * $NAMESPACE/srvname that plan9port's 9p reaches it by, go when that rc exits. The mount
 * is made in the caller's namespace group.
 */
import type { Namespace } from '../../ns/namespace.js';
import { MAFTER, MBEFORE, MCREATE } from '../../ns/mount.js';
import { Mntgen } from '../../ns/srv/mntgen.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import type { FileServer } from '../../ns/types.js';
import type { ProcLike } from '../types.js';
import { abs, cmd, getopts, usage } from './lib.js';

/** Post server as srvname and/or mount it on mtpt (the caller's namespace); '' or an error status. */
export async function serve(p: ProcLike, name: string, server: FileServer, srvname: string | undefined, mtpt: string | undefined, flag: number): Promise<string> {
  const ns = p.vfs as Partial<Namespace>;
  if (typeof ns.mountServer !== 'function' || !ns.kernel) {
    await p.err(`${name}: no namespace: this shell runs on the bare host file system`);
    return 'no namespace';
  }
  const k = ns.kernel;
  if (srvname !== undefined) {
    // Posted in /srv and, as plan9port does, as the socket $NAMESPACE/srvname (ns/9p/post.ts).
    const { postServer } = await import('../../ns/9p/post.js');
    await postServer(ns.proc?.srv ?? k.srv, srvname, server, { owner: p.ppid, uid: k.user });
  }
  if (mtpt !== undefined) {
    if (srvname !== undefined) await ns.mount!('#s/' + srvname, abs(p, mtpt), flag);
    else await ns.mountServer(server, abs(p, mtpt), flag, '', '#s/' + name);
  }
  return '';
}

export const ramfs = cmd('ramfs', async (p, argv) => {
  const o = getopts(argv, 'abcm:sS:Dipu');
  if (!o || o.args.length > 0) return usage(p, 'usage: ramfs [-abc] [-m mountpoint] [-s | -S srvname]');
  const srvname = o.val.get('S')?.[0] ?? (o.has.has('s') ? 'ramfs' : undefined);
  const mtpt = o.val.get('m')?.[0] ?? (srvname === undefined ? '/tmp' : undefined);
  let flag = 0;
  if (o.has.has('a')) flag |= MAFTER;
  if (o.has.has('b')) flag |= MBEFORE;
  if (o.has.has('c')) flag |= MCREATE;
  const ns = p.vfs as Partial<Namespace>;
  return serve(p, 'ramfs', new Ramfs(ns.kernel?.user ?? 'none'), srvname, mtpt, flag | MCREATE);
});

export const mntgen = cmd('mntgen', async (p, argv) => {
  const o = getopts(argv, 's:');
  if (!o || o.args.length > 1) return usage(p, 'usage: mntgen [-s srvname] [mtpt]');
  const srvname = o.val.get('s')?.[0];
  const mtpt = o.args[0] ?? (srvname === undefined ? '/n' : undefined);
  const ns = p.vfs as Partial<Namespace>;
  return serve(p, 'mntgen', new Mntgen(ns.kernel?.user ?? 'none'), srvname, mtpt, 0);
});
