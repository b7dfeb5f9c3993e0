/*
 * srv [-abcCq] dialstring [name [mtpt]]  (srv(4))
 *
 * Dial a 9P server and post the connection in /srv as name (by default the system's
 * name): an in-process entry, and a socket $NAMESPACE/name on which later opens are
 * multiplexed onto the one connection, as plan9port's 9pserve does. With mtpt the
 * server is mounted there too (-a -b -c -C as for mount). -q: when name is already
 * posted, use that entry quietly. The entry belongs to the rc that ran srv, and goes
 * when the connection hangs up; once it is gone the connection is closed with the last
 * mount of it.
 */
import type { Namespace } from '../ns/namespace.js';
import { MAFTER, MBEFORE, MCACHE, MCREATE } from '../ns/mount.js';
import { cmd, getopts, usage, abs } from './cmd/lib.js';
import { dialOf, keyOf, mount9p, namespaceOf } from './p9.js';

export const srv = cmd('srv', async (p, argv) => {
  const o = getopts(argv, 'abcCqk:');
  if (!o || o.args.length < 1 || o.args.length > 3) return usage(p, 'usage: srv [-abcCq] [-k keyfile] dialstring [srvname [mtpt]]');
  const ns = await namespaceOf(p, 'srv');
  const addr = dialOf(o.args[0]!, '9fs');
  const fields = addr.split('!');
  const name = o.args[1] ?? (fields[0] === 'unix' ? fields[1]!.split('/').pop()! : fields[1]!);
  const group = ns.proc?.srv ?? ns.kernel.srv;
  let flag = 0;
  if (o.has.has('a')) flag |= MAFTER;
  if (o.has.has('b')) flag |= MBEFORE;
  if (o.has.has('c')) flag |= MCREATE;
  if (o.has.has('C')) flag |= MCACHE;
  if (!(o.has.has('q') && group.get(name))) {
    const { postServer } = await import('../ns/9p/post.js');
    const fsrv = await mount9p(p, addr, { authKey: await keyOf(p, o.val.get('k')?.[0]), keep: true });
    // Once the entry is gone, the connection lasts only as long as mounts of it.
    await postServer(group, name, fsrv, { owner: p.ppid, uid: ns.kernel.user, onRemove: () => fsrv.unkeep() }).catch((e) => {
      fsrv.client.close();
      throw e;
    });
    fsrv.client.onHangup(() => {
      if (group.get(name)?.server === fsrv) group.remove(name);
    });
  }
  if (o.args[2] !== undefined) await ns.mount('#s/' + name, abs(p, o.args[2]), flag);
  return '';
});
