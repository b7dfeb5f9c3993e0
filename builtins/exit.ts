import type { Builtin } from './types.js';

/** exit [status]: leave this rc with status (default: the current one). */
export const exit: Builtin = (p, argv, sh) => sh.exit(argv.length > 1 ? argv.slice(1).join(' ') : p.status);
