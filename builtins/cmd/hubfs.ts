/*
 * hubfs [-t] [-q bytes] [-s srvname] [-m mtpt]: serve a directory of hubs (ns/srv/hubfs.ts),
 * posted as srvname (default hubfs, unless only mounted) and/or mounted on mtpt, as ramfs
 * is. A `quit` written to its ctl takes the post away; mounts of it read end of file.
 */
import type { Namespace } from '../../ns/namespace.js';
import { MCREATE, MREPL } from '../../ns/mount.js';
import { cmd, getopts, usage } from './lib.js';
import { serve } from './ramfs.js';

const USAGE = 'usage: hubfs [-t] [-q bytes] [-s srvname] [-m mtpt]';

export const hubfs = cmd('hubfs', async (p, argv) => {
  const o = getopts(argv, 'tq:s:m:');
  if (!o || o.args.length > 0) return usage(p, USAGE);
  const q = o.val.get('q')?.at(-1);
  const ring = q === undefined ? undefined : Number(q);
  if (ring !== undefined && (!/^[0-9]+$/.test(q!) || ring < 1 || ring > 2 ** 31)) return usage(p, USAGE);
  const mtpt = o.val.get('m')?.at(-1);
  const srvname = o.val.get('s')?.at(-1) ?? (mtpt === undefined ? 'hubfs' : undefined);
  const ns = p.vfs as Partial<Namespace>;
  const { Hubfs } = await import('../../ns/srv/hubfs.js');
  const fs = new Hubfs({ name: srvname ?? mtpt!, ring, trunc: o.has.has('t'), owner: ns.kernel?.user });
  const status = await serve(p, 'hubfs', fs, srvname, mtpt, MREPL | MCREATE);
  if (status !== '' || srvname === undefined) return status;
  const group = ns.proc?.srv ?? ns.kernel?.srv;
  fs.onQuit(() => {
    if (group?.get(srvname)?.server === fs) group.remove(srvname);
  });
  return '';
});
