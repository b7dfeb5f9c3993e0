// hub scenarios (test/hub/scenario-hub/*.rcspec), run by ants-rc with a private
// $NAMESPACE per case. Hub hosts are separate processes: each case quits its own, and a
// host whose srv directory is removed (the runner removes the case's directory) ends by
// itself; afterAll kills any that are left, by pid, so a failure leaves none running.
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { scenarioSuite } from '../scenario-run.js';
import { killHostsUnder } from './hosts.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(dirname(dirname(here)), 'bin', 'ants-rc.js');

afterAll(() => killHostsUnder(`${tmpdir()}/ants-scn-`));

// Hosts outlive their case's directory by a moment: their code cache goes elsewhere.
const cache = join(tmpdir(), 'ants-hub-test-cache');

scenarioSuite(join(here, 'scenario-hub'), () => ({ ANTSBIN: BIN, ANTS_NET: 'local', ANTS_HUBD_IDLE: '2000', XDG_CACHE_HOME: cache }), {
  // Each case starts a host or two, and waits for them: one at a time, with room.
  sequential: true,
  limit: 30_000,
});
