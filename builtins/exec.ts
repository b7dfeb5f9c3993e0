import { type Builtin, RcUsage } from './types.js';

/** exec cmd args: run cmd in place of this rc, which ends with cmd's status. */
export const exec: Builtin = async (p, argv, sh) => {
  if (argv.length < 2) throw new RcUsage('empty argument list');
  await sh.runArgv(p, argv.slice(1), false);
  return sh.exit(p.status, true);
};
