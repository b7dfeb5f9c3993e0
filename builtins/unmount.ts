import type { Builtin } from './types.js';
import { nsOps } from './nsops.js';
import { resolvePath } from '../ns/vfs.js';
import { errstr } from './errstr.js';

/** unmount [new] old: take everything, or just new, off old. */
export const unmount: Builtin = async (p, argv) => {
  if (argv.length < 2 || argv.length > 3) {
    await p.err('usage: unmount [new] old');
    return 'usage';
  }
  const ns = nsOps(p.vfs);
  if (!ns) {
    await p.err('unmount: no namespace: this shell runs on the bare host file system');
    return 'no namespace';
  }
  const old = argv[argv.length - 1];
  const nw = argv.length === 3 ? argv[1] : undefined;
  try {
    await ns.unmount(nw === undefined ? undefined : resolvePath(p.cwd, nw), resolvePath(p.cwd, old));
    return '';
  } catch (e) {
    const msg = errstr(e, p.cwd, old);
    await p.err(`unmount: ${old}: ${msg}`);
    return msg;
  }
};
