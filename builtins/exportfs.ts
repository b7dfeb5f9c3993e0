/*
 * exportfs [-R] [-r root] [-A announce [-k keyfile]]  (exportfs(4))
 *
 * Serve the process's namespace (from root, default /) over 9P on its standard input and
 * output, as listen1 runs it for each call, until the client hangs up. -R: read-only.
 * -A: instead, listen on the announce string (tcp!127.0.0.1!17007, unix!/path) until
 * interrupted; with port 0 a free port is taken and the address printed. Listening beyond
 * loopback needs a key (-k, or $p9key): every attach must then authenticate with it
 * (p9hmac, ns/9p/auth.ts).
 */
import { cmd, getopts, usage, abs, Exit } from './cmd/lib.js';
import { keyOf, namespaceOf } from './p9.js';

const USAGE = 'usage: exportfs [-R] [-r root] [-A announce [-k keyfile]]';

export const exportfs = cmd('exportfs', async (p, argv) => {
  const o = getopts(argv, 'Rr:A:k:dsS:m:');
  if (!o || o.args.length > 0) return usage(p, USAGE);
  const ns = await namespaceOf(p, 'exportfs');
  const root = abs(p, o.val.get('r')?.[0] ?? '/');
  await ns.stat(root);
  const [{ NsExport, readOnly }, { serve }, { duplexOf }] = await Promise.all([
    import('../ns/9p/export.js'), import('../ns/9p/server.js'), import('../ns/9p/transport.js'),
  ]);
  const exported = new NsExport(ns, root);
  const fsrv = o.has.has('R') ? readOnly(exported) : exported;
  const announce = o.val.get('A')?.[0];
  if (announce !== undefined) {
    const { listen9p } = await import('../ns/9p/post.js');
    const l = await listen9p(announce, fsrv, { authKey: await keyOf(p, o.val.get('k')?.[0]) });
    const at = l.server.address();
    if (/^tcp!.*!0$/.test(announce) && at && typeof at === 'object') {
      await p.write(1, `${announce.slice(0, -1)}${at.port}\n`);
    }
    await new Promise<void>((resolve) => {
      if (p.signal.aborted) resolve();
      p.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    l.close();
    throw new Exit('interrupted');
  }
  await new Promise<void>((resolve) => {
    const stream = duplexOf(() => p.read(0, 65536), (b) => p.write(1, b));
    const conn = serve(fsrv, stream, { onClose: resolve });
    p.signal.addEventListener('abort', () => conn.close(), { once: true });
  });
  return '';
});
