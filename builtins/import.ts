/*
 * import [-abcC] [-k keyfile] dialstring [remotepath] mountpoint  (import(4))
 *
 * Mount a remote machine's exported namespace (its exportfs, at tcp!system!17007 unless
 * the dial string says otherwise), or the remotepath part of it, on mountpoint. With a
 * key (-k or $p9key) the attach authenticates with p9hmac when the server asks.
 */
import type { Namespace } from '../ns/namespace.js';
import { MAFTER, MBEFORE, MCACHE, MCREATE } from '../ns/mount.js';
import { cmd, getopts, usage, abs } from './cmd/lib.js';
import { dialOf, keyOf, mount9p, namespaceOf } from './p9.js';

export const importCmd = cmd('import', async (p, argv) => {
  const o = getopts(argv, 'abcCk:');
  if (!o || o.args.length < 2 || o.args.length > 3) return usage(p, 'usage: import [-abcC] [-k keyfile] dialstring [remotepath] mountpoint');
  const ns = await namespaceOf(p, 'import');
  const addr = dialOf(o.args[0]!, '17007');
  const remote = o.args.length === 3 ? o.args[1]! : '/';
  const mtpt = abs(p, o.args[o.args.length - 1]!);
  let flag = 0;
  if (o.has.has('a')) flag |= MAFTER;
  if (o.has.has('b')) flag |= MBEFORE;
  if (o.has.has('c')) flag |= MCREATE;
  if (o.has.has('C')) flag |= MCACHE;
  const { subtree } = await import('../ns/9p/post.js');
  const fsrv = await mount9p(p, addr, { authKey: await keyOf(p, o.val.get('k')?.[0]) });
  try {
    await ns.mountServer(subtree(fsrv, remote), mtpt, flag, '', addr);
  } catch (e) {
    fsrv.client.close();
    throw e;
  }
  return '';
});
