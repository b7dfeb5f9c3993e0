import { type Builtin, RcUsage } from './types.js';

/** wait [pid]: wait for one background process, or for all; status is the last one's. */
export const wait: Builtin = async (p, argv) => {
  // A usage error is rc's error: it ends a script, as in rc.
  if (argv.length > 2) throw new RcUsage('Usage: wait [pid]');
  if (argv.length === 2) {
    const pid = parseInt(argv[1], 10);
    const job = p.jobs.get(pid);
    // Waiting for a process that is not a child returns at once, as in rc.
    if (!job) return '';
    const s = await job;
    p.jobs.delete(pid);
    return s;
  }
  let status = '';
  while (p.jobs.size > 0) {
    for (const [pid, job] of [...p.jobs]) {
      status = await job;
      p.jobs.delete(pid);
    }
  }
  return status;
};
