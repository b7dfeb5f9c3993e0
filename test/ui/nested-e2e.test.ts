// Nested interactive sessions on the terminal (Shell.interact: newns with no command, as
// rerootwin and admin use it): the built binary in a pseudo-terminal, the screen read
// back through a headless xterm. The nested shell's proc is the foreground: its prompt,
// completion in its namespace and its label on the status line; Ctrl-C ends its line
// only, and Ctrl-D or exit comes back to the caller, whose command goes on.
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atPrompt, BIN, row, Screen, status, statusHas, statusLacks, type Options } from './pty.js';

const ENTER = '\r';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const TAB = '\t';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));

const screens: Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
});

function start(o: Partial<Options> = {}): Screen {
  const home = o.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ants-nest-'));
  const s = new Screen({ home, env: { ANTS_NET: 'local' }, ...o });
  screens.push(s);
  return s;
}


/** The palette colour of the first character after the prompt on the last row that is text. */
function colourOf(s: Screen, text: string): number | undefined {
  const b = s.term.buffer.active;
  const rows = s.lines().map((r) => r.trimEnd());
  const y = rows.lastIndexOf(text);
  if (y < 0) return undefined;
  const cell = b.getLine(b.viewportY + y)?.getCell(2);
  return cell?.isFgPalette() ? cell.getFgColor() : undefined;
}

describe.skipIf(!built)('a nested session in the Ink UI', () => {
  it('takes the terminal with its own prompt and status line, and Ctrl-D comes back to the command that started it', async () => {
    const s = start();
    await s.waitFor(atPrompt('%'));
    await s.type('newns; echo newns said $status', ENTER);
    await s.waitFor(statusHas('newns'));
    await s.type("prompt=('in% ' $prompt(2))", ENTER);
    await s.waitFor(atPrompt('in%'));
    await s.type('! true', ENTER);
    await s.waitFor((l) => status(l).endsWith('newns · status false'));
    await s.type(CTRL_D);
    // The caller's line goes on with the nested shell's status, and its prompt is back.
    await s.waitFor(row('newns said false'));
    await s.waitFor(atPrompt('%'));
    await s.waitFor(statusLacks('newns'));
    // exit too comes back, with its status, rather than ending ants-rc.
    await s.type('newns', ENTER);
    await s.waitFor(statusHas('newns'));
    await s.type('exit 3', ENTER);
    await s.waitFor(statusLacks('newns'));
    await s.type('echo back with $status', ENTER);
    await s.waitFor(row('back with 3'));
    // A session inside a session: Ctrl-D leaves one level at a time.
    await s.type('newns; echo outer again', ENTER);
    await s.waitFor(statusHas('newns'));
    await s.type("prompt=('in% ' $prompt(2)); newns; echo inner done", ENTER);
    await s.waitFor(atPrompt('in%'));
    await s.type("prompt=('inner% ' $prompt(2))", ENTER);
    await s.waitFor(atPrompt('inner%'));
    await s.type(CTRL_D);
    await s.waitFor(row('inner done'));
    await s.waitFor((l) => atPrompt('in%')(l) && statusHas('newns')(l));
    await s.type(CTRL_D);
    await s.waitFor(row('outer again'));
    await s.waitFor((l) => atPrompt('%')(l) && statusLacks('newns')(l));
  });

  it('completes paths in the nested namespace, not the caller’s', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-nest-'));
    const dir = path.join(home, 'nested-only');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'unique-inside.txt'), 'inside\n');
    fs.writeFileSync(path.join(home, 'nsfile'), `bind ${dir} /n/nest\n`);
    const s = start({ home });
    await s.waitFor(atPrompt('%'));
    // The caller's /n/nest is an empty mount point: nothing to complete.
    await s.type('cat /n/nest/u', TAB);
    await s.quiet();
    expect(s.lines()).toContain('% cat /n/nest/u');
    await s.type(CTRL_C);
    await s.waitFor(atPrompt('%'));
    await s.type('newns -a -n nsfile', ENTER);
    await s.waitFor(statusHas('newns'));
    await s.type('cat /n/nest/u', TAB);
    await s.waitFor(row('% cat /n/nest/unique-inside.txt'));
    await s.type(ENTER);
    await s.waitFor(row('inside'));
  });

  it('colours command words by what the nested shell has: its functions, not the caller’s', async () => {
    const s = start();
    await s.waitFor(atPrompt('%'));
    await s.type('newns', ENTER);
    await s.waitFor(statusHas('newns'));
    await s.type('fn nestfn { echo in nestfn }', ENTER);
    await s.waitFor(atPrompt('%'));
    await s.type('nestfn');
    // A function is blue (palette 4); a word nothing knows, red (1).
    await s.waitFor(() => colourOf(s, '% nestfn') === 4);
    await s.type(CTRL_C, CTRL_D);
    await s.waitFor(statusLacks('newns'));
    await s.type('nestfn');
    await s.waitFor(() => colourOf(s, '% nestfn') === 1);
  });

  it('Ctrl-C ends the nested line only: the session stays nested and its caller keeps waiting', async () => {
    const s = start();
    await s.waitFor(atPrompt('%'));
    await s.type('newns; echo newns said $status', ENTER);
    await s.waitFor(statusHas('newns'));
    await s.type('echo started; sleep 100; echo after', ENTER);
    await s.waitFor(row('started'));
    s.write(CTRL_C);
    await s.waitFor((l) => atPrompt('%')(l) && status(l).endsWith('newns · status interrupted'), 10_000);
    expect(s.lines()).not.toContain('after');
    // Still the nested shell: its namespace's cwd, and Ctrl-D leaves it.
    await s.type('echo still nested', ENTER);
    await s.waitFor(row('still nested'));
    await s.waitFor((l) => atPrompt('%')(l) && statusHas('newns')(l));
    await s.type(CTRL_D);
    await s.waitFor(row('newns said'));
    await s.waitFor(statusLacks('newns'));
  });
});

/** The row k below the last row that is text is want (trailing blanks ignored). */
const below = (text: string, k: number, want: string) => (l: string[]) => {
  const r = l.map((x) => x.trimEnd());
  const i = r.lastIndexOf(text);
  return i >= 0 && r[i + k] === want;
};

describe.skipIf(!built)('a nested session with the plain reader', () => {
  it('reads the terminal with the nested $prompt; Ctrl-C ends its line only; Ctrl-D and exit come back to the caller', async () => {
    const s = start({ args: ['-iI'] });
    await s.waitFor(row('%'));
    await s.type("prompt=('top% ' $prompt(2))", ENTER);
    await s.waitFor(row('top%'));
    await s.type('newns; echo newns said $status', ENTER);
    // The nested shell has the caller's variables; it sets its own prompt.
    await s.waitFor(row('top%'));
    await s.type("prompt=('in% ' $prompt(2)); ! true", ENTER);
    await s.waitFor(row('in%'));
    // Ctrl-C at the nested prompt drops the line typed, and of a running command ends it:
    // either way the nested prompt comes back.
    await s.type('echo never', CTRL_C);
    await s.waitFor(row('in% echo never^C'));
    await s.waitFor(below('in% echo never^C', 1, 'in%'));
    await s.type('sleep 100; echo after', ENTER);
    await s.quiet();
    s.write(CTRL_C);
    await s.waitFor(row('in% sleep 100; echo after'));
    await s.waitFor(below('in% sleep 100; echo after', 2, 'in%'), 10_000);
    await s.type('echo still in', ENTER);
    await s.waitFor(row('still in'));
    await s.type('! true', ENTER);
    await s.waitFor(below('in% ! true', 1, 'in%'));
    await s.type(CTRL_D);
    // The terminal echoes nothing for Ctrl-D: the caller's output follows the prompt.
    await s.waitFor(row('in% newns said false'));
    await s.waitFor(row('top%'));
    await s.type('newns', ENTER);
    await s.type('exit 4', ENTER);
    await s.type('echo back with $status', ENTER);
    await s.waitFor(row('back with 4'));
    await s.waitFor(row('top%'));
  });
});
