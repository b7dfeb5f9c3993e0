/*
 * ps [-a]: the processes of /proc, as Plan 9's ps prints them — user, pid, user and
 * system time, size, state, name — read through the namespace like any other files (so
 * a /proc bound from elsewhere lists that machine's processes). -a prints the arguments
 * instead of the name.
 */
import { cmd, getopts, open, Out, readAll, usage } from './lib.js';

async function slurp(p: Parameters<Parameters<typeof cmd>[1]>[0], f: string): Promise<string | undefined> {
  try {
    const c = await open(p, f);
    try {
      return (await readAll(c)).toString();
    } finally {
      c.close();
    }
  } catch {
    return undefined;
  }
}

const clock = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export const ps = cmd('ps', async (p, argv) => {
  const o = getopts(argv, 'anr');
  if (!o || o.args.length > 0) return usage(p, 'usage: ps [-anr]');
  const pids = (await p.vfs.readdir('/proc'))
    .map((d) => d.name)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const out = new Out(p);
  for (const pid of pids) {
    const st = await slurp(p, `/proc/${pid}/status`);
    if (st === undefined || st.length < 66) continue;
    const name = st.slice(0, 27).trim();
    const user = st.slice(28, 55).trim();
    const state = st.slice(56, 67).trim();
    const nums = st.slice(67).trim().split(/\s+/).map(Number);
    let what = name;
    if (o.has.has('a')) what = (await slurp(p, `/proc/${pid}/args`))?.trim() || name;
    const size = nums[6] ?? 0;
    out.put(`${user.padEnd(10)} ${String(pid).padStart(8)} ${clock(nums[0] ?? 0).padStart(7)} ${clock(nums[1] ?? 0).padStart(6)} ${String(size).padStart(7)}K ${state.padEnd(8).slice(0, 8)} ${what}\n`);
  }
  await out.flush();
  return '';
});
