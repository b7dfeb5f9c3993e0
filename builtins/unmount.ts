import type { Builtin } from './types.js';
import { needNs } from './nsops.js';
import { resolvePath } from '../ns/vfs.js';
import { errstr } from './errstr.js';

/** unmount [new] old: take everything, or just new, off old. */
export const unmount: Builtin = async (p, argv) => {
  if (argv.length < 2 || argv.length > 3) {
    await p.err('usage: unmount [new] old');
    return 'usage';
  }
  const ns = await needNs(p, 'unmount');
  if (!ns) return 'no namespace';
  const old = argv[argv.length - 1];
  const nw = argv.length === 3 ? argv[1] : undefined;
  try {
    await ns.unmount(nw === undefined ? undefined : resolvePath(p.cwd, nw), resolvePath(p.cwd, old));
    return '';
  } catch (e) {
    await p.err(`unmount: ${old}: ${errstr(e, p.cwd, old)}`);
    return 'unmount';
  }
};
