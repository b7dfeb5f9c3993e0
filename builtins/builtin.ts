import type { Builtin } from './types.js';

/** builtin cmd args: run cmd skipping functions of that name. */
export const builtin: Builtin = async (p, argv, sh) => {
  if (argv.length < 2) {
    await p.err('Usage: builtin command [args ...]');
    return 'usage';
  }
  if (!sh.isBuiltin(argv[1])) {
    await p.err(`builtin: ${argv[1]}: not a builtin`);
    return 'not a builtin';
  }
  await sh.runArgv(p, argv.slice(1), true);
  return p.status;
};
