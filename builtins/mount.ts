import type { Builtin } from './types.js';
import { mountFlags, needNs } from './nsops.js';
import { resolvePath } from '../ns/vfs.js';
import { errstr } from './errstr.js';

const USAGE = 'usage: mount [-a|-b] [-cCnq] /srv/service dir [spec]';

/** mount [-abcCnq] srvfile old [spec]: attach the server a srv file stands for at old. */
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
    await ns.mount(resolvePath(p.cwd, srv), resolvePath(p.cwd, old), o.flag, spec ?? '');
    return '';
  } catch (e) {
    const msg = errstr(e, p.cwd, srv);
    if (!o.quiet) await p.err(`mount: ${msg}`);
    return msg;
  }
};
