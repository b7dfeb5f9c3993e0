import type { Builtin } from './types.js';

/** exit [status]: leave this rc with status (default: the current one). */
export const exit: Builtin = async (p, argv, sh) => {
  if (argv.length > 2) await p.err('Usage: exit [status]\nExiting anyway');
  return sh.exit(argv.length > 1 ? argv[1] : p.status);
};
