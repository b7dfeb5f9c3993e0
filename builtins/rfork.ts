import type { Builtin } from './types.js';

/*
 * rfork [nNeEsfFmV]: split or clean resources of this rc. n/N copy/clear the namespace,
 * e/E the environment, f/F the fd table, s the note group, m forbids mounts, V gives a
 * private empty /srv (ANTS). An rc process already owns private copies of its variables
 * and descriptors, so today only the flags are checked; the namespace meanings arrive
 * with the namespace kernel.
 */
const FLAGS = 'nNeEsfFmV';

export const rfork: Builtin = async (p, argv) => {
  const flags = argv.length > 1 ? argv[1] : 'ens';
  if (argv.length > 2 || [...flags].some((c) => !FLAGS.includes(c))) {
    await p.err(`Usage: rfork [${FLAGS}]`);
    return 'rfork usage';
  }
  return '';
};
