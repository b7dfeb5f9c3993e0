import type { Builtin } from './types.js';

/** shift [n]: drop the first n (default 1) elements of $*. */
export const shift: Builtin = async (p, argv) => {
  const n = argv.length > 1 ? parseInt(argv[1], 10) : 1;
  if (argv.length > 2 || Number.isNaN(n) || n < 0) {
    await p.err('Usage: shift [n]');
    return 'usage';
  }
  const star = p.get('*');
  // Shifting past the end leaves $* empty, as rc does.
  p.set('*', star.slice(n));
  return '';
};
