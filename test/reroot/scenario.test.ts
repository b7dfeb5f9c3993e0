// rerootwin, savedevs and getdevs: rc scripts run by ants-rc, with roots served by other
// ants-rc processes ($ANTS_BIN, over Unix sockets and TCP on 127.0.0.1) and by diod
// (test/reroot/scenario/*.rcspec; the runner is test/scenario-run.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioSuite } from '../scenario-run.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', '..', 'bin', 'ants-rc.js');

// ANTS_NET=local: each case's /net is in-process (127/8 still reaches the host), so no case
// starts a /net daemon of its own. A case starts up to three ants-rc processes, so the hang
// guard is a minute.
scenarioSuite(join(here, 'scenario'), () => ({ ANTS_BIN: BIN, ANTS_NET: 'local' }), 60_000);
