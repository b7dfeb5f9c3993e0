import type { Builtin } from './types.js';
import { needNs } from './nsops.js';

/** ns: print this process's namespace as bind/mount lines that replay it (proc(3)'s form). */
export const ns: Builtin = async (p, argv) => {
  if (argv.length > 1) {
    await p.err('usage: ns');
    return 'usage';
  }
  const n = await needNs(p, 'ns');
  if (!n) return 'no namespace';
  await p.write(1, n.nsText(p.cwd));
  return '';
};
