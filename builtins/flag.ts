import { type Builtin, RcUsage } from './types.js';

/** flag f [+-]: ask whether shell flag f is set, or set/clear it. */
export const flag: Builtin = async (p, argv) => {
  const f = argv[1];
  if (argv.length < 2 || argv.length > 3 || f.length !== 1 || (argv.length === 3 && argv[2] !== '+' && argv[2] !== '-')) {
    throw new RcUsage('Usage: flag [letter] [+-]');
  }
  if (argv.length === 3) {
    if (argv[2] === '+') p.flags.add(f);
    else p.flags.delete(f);
    return '';
  }
  return p.flags.has(f) ? '' : 'flag not set';
};
