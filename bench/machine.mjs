// What the machine was doing while a benchmark ran: on a shared virtual machine the
// hypervisor takes CPU time from it ("steal"), and a figure measured under heavy steal
// is not comparable with one measured without. Linux only (/proc/stat); elsewhere silent.
import fs from 'node:fs';
import os from 'node:os';

/** The cpu line of /proc/stat as [busy+idle total, steal] jiffies, or undefined. */
function sample() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is inside user)
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return [total, f[7] ?? 0];
  } catch {
    return undefined;
  }
}

/** Start measuring; line() is the summary of the time since, for printing under a section. */
export function machineMeter() {
  const a = sample();
  return {
    line() {
      const b = sample();
      if (!a || !b || b[0] === a[0]) return '';
      const steal = ((b[1] - a[1]) / (b[0] - a[0])) * 100;
      return `  machine: ${os.cpus().length} CPUs, ${steal.toFixed(0)}% of their time taken by the hypervisor (steal) during this section`;
    },
  };
}
