/*
 * srvfs [-R] [-p perm] name path  (srvfs(4))
 *
 * Post an export of path, as the caller's namespace sees it now, in /srv as name: an
 * in-process entry, and the socket $NAMESPACE/name (mode perm, default 0600) serving it
 * over 9P. -R exports it read-only. The entry belongs to the rc that ran srvfs (the
 * exporter "forks into the background"): it vanishes when that rc exits, or on rm.
 */
import { cmd, getopts, usage, abs } from './cmd/lib.js';
import { namespaceOf } from './p9.js';

export const srvfs = cmd('srvfs', async (p, argv) => {
  const o = getopts(argv, 'Rp:de');
  if (!o || o.args.length !== 2) return usage(p, 'usage: srvfs [-R] [-p perm] name path');
  const perm = o.val.get('p')?.[0];
  if (perm !== undefined && !/^[0-7]{1,4}$/.test(perm)) return usage(p, 'usage: srvfs [-R] [-p perm] name path');
  const ns = await namespaceOf(p, 'srvfs');
  const [name, path] = o.args as [string, string];
  const root = abs(p, path);
  await ns.stat(root);
  const [{ NsExport, readOnly }, { postServer }] = await Promise.all([import('../ns/9p/export.js'), import('../ns/9p/post.js')]);
  const exported = new NsExport(ns.copy(), root);
  await postServer(ns.proc?.srv ?? ns.kernel.srv, name, o.has.has('R') ? readOnly(exported) : exported, {
    owner: p.ppid, uid: ns.kernel.user, perm: perm === undefined ? 0o600 : parseInt(perm, 8),
  });
  return '';
});
