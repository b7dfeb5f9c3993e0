// Hub hosts left by tests: found by their $NAMESPACE, killed by pid (never by name).
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of `ants-rc --hubd` processes whose $NAMESPACE starts with prefix. */
export function hostsUnder(prefix: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('--hubd')) continue;
      const env = readFileSync(`/proc/${d}/environ`, 'utf8').split('\0');
      if (env.some((e) => e.startsWith(`NAMESPACE=${prefix}`))) out.push(Number(d));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

export function killHostsUnder(prefix: string): void {
  for (const pid of hostsUnder(prefix)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
}
