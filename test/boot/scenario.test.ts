// ants-rc --root and the admin namespace: rc scripts run by ants-rc, with roots served by
// other ants-rc processes ($ANTS_BIN, over Unix sockets in the case's $NAMESPACE)
// (test/boot/scenario/*.rcspec; the runner is test/scenario-run.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioSuite } from '../scenario-run.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', '..', 'bin', 'ants-rc.js');

// ANTS_NET=local: no case starts a /net daemon of its own. A case starts up to four
// ants-rc processes, so the hang guard is a minute.
scenarioSuite(join(here, 'scenario'), () => ({ ANTS_BIN: BIN, ANTS_NET: 'local' }), { limit: 60_000 });
