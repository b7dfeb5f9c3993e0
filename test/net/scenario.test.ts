// /net scenarios: rc scripts run by ants-rc itself (test/net/scenario/*.rcspec; the
// runner is test/scenario-run.ts). node's own directory leads PATH for the cases that run
// node clients; the shared /net daemon of each case's NAMESPACE exits a second after its
// last client. Real host traffic, where a case makes any, stays on 127/8.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioSuite } from '../scenario-run.js';

scenarioSuite(join(dirname(fileURLToPath(import.meta.url)), 'scenario'), () => ({
  PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
  ANTS_NETD_IDLE: '1000',
}));
