import type { Builtin } from './types.js';

/*
 * rfork [nNeEsfFmV]: split or clean resources of this rc. n copies the namespace (later
 * binds are this process's own), N starts from a clean one, m forbids mounts and new
 * device attaches, V gives a private, empty /srv, s a note group of its own (interrupts
 * to the terminal's group no longer reach it; shell/notes.ts). e/E and f/F are already
 * true of an rc process here: each has its own variables (which #e shows) and
 * descriptors. On the bare host file system n, N, m and V have nothing to act on.
 */
const FLAGS = 'nNeEsfFmV';

export const rfork: Builtin = async (p, argv) => {
  const flags = argv.length > 1 ? argv[1] : 'ens';
  if (argv.length > 2 || [...flags].some((c) => !FLAGS.includes(c))) {
    await p.err(`Usage: rfork [${FLAGS}]`);
    return 'rfork usage';
  }
  p.rfork(flags);
  return '';
};
