// hubfs scenarios: rc scripts run by ants-rc that serve, mount and use hubs
// (test/hub/scenario/*.rcspec; the runner is test/scenario-run.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioSuite } from '../scenario-run.js';

const here = dirname(fileURLToPath(import.meta.url));
// `$node $antsrc` runs a second ants-rc process, one that reaches hubs only through their sockets.
scenarioSuite(join(here, 'scenario'), () => ({ node: process.execPath, antsrc: join(here, '..', '..', 'bin', 'ants-rc.js') }));
