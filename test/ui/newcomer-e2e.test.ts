// What a newcomer meets at the terminal (issue 14): a redirection error names its file as
// batch mode does, and a successful pipeline leaves no failure on the status line.
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, row, Screen } from './pty.js';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));
const screens: Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
});

function start(): Screen {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
  const s = new Screen({ home, env: { NAMESPACE: path.join(home, '.ns'), ANTS_NET: 'local' } });
  screens.push(s);
  return s;
}

describe.skipIf(!built)('the interactive shell', () => {
  it('names the file a redirection could not open, as batch mode does', async () => {
    const s = start();
    await s.waitFor((l) => l.some((x) => x === '%'));
    await s.type('echo x > /nonexistent/x', '\r');
    await s.waitFor(row("/nonexistent/x: rc: can't open: '/nonexistent' does not exist"));
  });

  it('shows no failed status after a successful pipeline, and shows a failed one', async () => {
    const s = start();
    await s.waitFor((l) => l.some((x) => x === '%'));
    await s.type('test -e /nonexistent', '\r');
    await s.waitFor((l) => l.some((x) => x.includes('status false')));
    await s.type('echo a | grep a', '\r');
    await s.waitFor(row('a'));
    await s.quiet();
    await s.waitFor((l) => !l.some((x) => x.includes('status')));
    expect(s.lines().some((x) => x.includes('status'))).toBe(false);
  });
});
