// hub scenarios (test/hub/scenario-hub/*.rcspec), run by ants-rc with a private
// $NAMESPACE per case. Hub hosts are separate processes: each case quits its own, and a
// host whose srv directory is removed (the runner removes the case's directory) ends by
// itself; afterAll kills any that are left, by pid, so a failure leaves none running.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { scenarioSuite } from '../scenario-run.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(dirname(dirname(here)), 'bin', 'ants-rc.js');

/** Pids of hub hosts whose $NAMESPACE is a scenario case's directory. */
function leftHosts(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('--hubd')) continue;
      const env = readFileSync(`/proc/${d}/environ`, 'utf8').split('\0');
      if (env.some((e) => e.startsWith(`NAMESPACE=${tmpdir()}/ants-scn-`))) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

afterAll(() => {
  for (const pid of leftHosts()) process.kill(pid, 'SIGKILL');
});

// Hosts outlive their case's directory by a moment: their code cache goes elsewhere.
const cache = join(tmpdir(), 'ants-hub-test-cache');
scenarioSuite(join(here, 'scenario-hub'), () => ({ ANTSBIN: BIN, ANTS_NET: 'local', ANTS_HUBD_IDLE: '2000', XDG_CACHE_HOME: cache }));
