import type { Builtin } from './types.js';

/** builtin cmd args: run cmd as if no function of that name existed. */
export const builtin: Builtin = async (p, argv, sh) => {
  if (argv.length < 2) {
    await p.err('builtin: empty argument list');
    return 'empty arg list';
  }
  await sh.runArgv(p, argv.slice(1), true);
  return p.status;
};
