import type { Builtin } from './types.js';

/**
 * shift [n]: drop the first n (default 1) elements of $*. As in rc, n is read as C's atoi
 * reads it (x is 0), and a negative n, like one past the end, leaves $* empty.
 */
export const shift: Builtin = async (p, argv) => {
  if (argv.length > 2) {
    await p.err('Usage: shift [n]');
    return 'shift usage';
  }
  const n = argv.length > 1 ? atoi(argv[1]) : 1;
  const star = p.get('*');
  p.set('*', n < 0 ? [] : star.slice(n));
  return '';
};

function atoi(s: string): number {
  const m = /^\s*([-+]?[0-9]+)/.exec(s);
  return m ? parseInt(m[1], 10) : 0;
}
