import { type Builtin, RcUsage } from './types.js';

/** eval args: run the arguments, joined by blanks, as rc input in this process. */
export const evalB: Builtin = async (p, argv, sh) => {
  if (argv.length < 2) throw new RcUsage('Usage: eval cmd ...');
  await sh.runSource(p, argv.slice(1).join(' '), 'eval');
  return p.status;
};
