// Namespace scenarios: rc scripts run by ants-rc itself, for what only ants-rc has —
// namespaces, /proc, /srv (test/scenario/*.rcspec; the runner is test/scenario-run.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioSuite } from './scenario-run.js';

scenarioSuite(join(dirname(fileURLToPath(import.meta.url)), 'scenario'));
