// /dev/consctl on a real terminal: `rawon` puts the terminal in raw mode for as long as the
// consctl it was written to is open (cons(3)), so a program reading the terminal gets each
// key as it is typed, with no echo; closing it gives the terminal back cooked.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { BIN, Screen } from './pty.js';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));
const stty = fs.existsSync('/usr/bin/stty') && fs.existsSync('/usr/bin/tr') && fs.existsSync('/usr/bin/grep');
const screens: Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
});

describe.skipIf(!built || !stty)('consctl on a terminal', () => {
  it('rawon holds the terminal raw while consctl is open; closing it restores cooked mode', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
    const mode = "/usr/bin/stty -a | /usr/bin/tr ' ;' '\\n\\n' | /usr/bin/grep -x -e -icanon -e icanon -e -echo -e echo";
    const script = [
      `{ echo rawon >[1=3]; echo in; ${mode}; c=\`{/usr/bin/head -c 1}; echo got $c } >[3]/dev/consctl`,
      'echo out',
      mode,
      'echo done',
    ].join('\n');
    fs.writeFileSync(path.join(home, 'raw.rc'), script);
    const s = new Screen({ home, args: ['raw.rc'] });
    screens.push(s);
    await s.waitFor(/in\s+-icanon\s+-echo/);
    // One key, no Enter: in raw mode the read has it at once, and the terminal did not echo it.
    s.write('k');
    await s.waitFor(/got k\s+out\s+icanon\s+echo\s+done/);
  }, 30_000);
});
