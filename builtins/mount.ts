import type { Builtin } from './types.js';
import { mountFlags, needNs } from './nsops.js';
import { resolvePath } from '../ns/vfs.js';
import { errstr } from './errstr.js';
import { mount9p } from './p9.js';
import type { Namespace } from '../ns/namespace.js';

/** unix!/path, tcp!host!port, net!host!port: what mount dials instead of opening a srv file. */
const isDialString = (s: string): boolean => /^(unix|tcp|net)!/.test(s);

const USAGE = 'usage: mount [-a|-b] [-cCnq] /srv/service|dialstring dir [spec]';

/** mount [-abcCnq] srvfile|dialstring old [spec]: attach the server a srv file (or address) stands for at old. */
export const mount: Builtin = async (p, argv) => {
  const o = mountFlags(argv, 'abcCnq');
  if (typeof o === 'string' || o.rest.length < 2 || o.rest.length > 3) {
    await p.err(USAGE);
    return 'usage';
  }
  const ns = await needNs(p, 'mount');
  if (!ns) return 'no namespace';
  const [srv, old, spec] = o.rest;
  try {
    if (isDialString(srv)) {
      // A 9P server by address: dialed here, hung up when its last fid goes (ns/9p).
      const fsrv = await mount9p(p, srv);
      try {
        await (ns as unknown as Namespace).mountServer(fsrv, resolvePath(p.cwd, old), o.flag, spec ?? '', srv);
      } catch (e) {
        fsrv.client.close();
        throw e;
      }
      return '';
    }
    await ns.mount(resolvePath(p.cwd, srv), resolvePath(p.cwd, old), o.flag, spec ?? '');
    return '';
  } catch (e) {
    // As 9front's mount: -q fails quietly and successfully, otherwise the status is `mount'.
    if (o.quiet) return '';
    await p.err(`mount: ${errstr(e, p.cwd, srv)}`);
    return 'mount';
  }
};
