import type { Builtin } from './types.js';
import { nsOps } from './nsops.js';

/*
 * rfork [nNeEsfFmV]: split or clean resources of this rc. n copies the namespace (later
 * binds are this process's own), N starts from a clean one, m forbids mounts and new
 * device attaches. e/E, f/F and s are already true of an rc process here (each has its
 * own variables, descriptors and note handling); V (ANTS's private /srv) arrives with the
 * process model's srv groups. On the bare host file system n, N and m have nothing to act on.
 */
const FLAGS = 'nNeEsfFmV';

export const rfork: Builtin = async (p, argv) => {
  const flags = argv.length > 1 ? argv[1] : 'ens';
  if (argv.length > 2 || [...flags].some((c) => !FLAGS.includes(c))) {
    await p.err(`Usage: rfork [${FLAGS}]`);
    return 'rfork usage';
  }
  const ns = nsOps(p.vfs);
  if (ns) {
    if (flags.includes('N')) p.vfs = ns.clean();
    else if (flags.includes('n')) p.vfs = ns.copy();
    if (flags.includes('m')) (nsOps(p.vfs) ?? ns).group.noattach = true;
  }
  return '';
};
