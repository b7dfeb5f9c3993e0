// The interactive shell end to end: the built binary (npm run build) in a pseudo-terminal,
// keys typed one at a time, the screen read back through a headless xterm.
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BIN, row, Screen, type Options } from './pty.js';

const ENTER = '\r';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const UP = '\x1b[A';
const TAB = '\t';
const ESC = '\x1b';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const screens: Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
});

function start(o: Partial<Options> = {}): Screen {
  const home = o.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
  const s = new Screen({ home, ...o });
  screens.push(s);
  return s;
}

/** Wait until process pid has a child running the program name. */
async function waitForChild(pid: number, name: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    let kids: string[] = [];
    try {
      kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      /* not Linux, or gone: fall back to the deadline */
    }
    for (const k of kids) {
      try {
        if (fs.readFileSync(`/proc/${k}/comm`, 'utf8').trim() === name) return;
      } catch {
        /* exited */
      }
    }
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The prompt with nothing typed after it, on some row. */
const emptyPrompt = (lines: string[]) => lines.some((l) => l === '%');
/** Rows that are an empty prompt. */
const prompts = (lines: string[]) => lines.filter((l) => l === '%').length;

describe.skipIf(!built)('ants-rc on a terminal', () => {
  it('runs a command and shows its output', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('echo hello, world', ENTER);
    await s.waitFor(row('hello, world'));
    await s.waitFor(row('% echo hello, world'));
    // The next prompt comes back below the output.
    await s.waitFor((l) => l.indexOf('hello, world') >= 0 && l.slice(l.indexOf('hello, world')).includes('%'));
  });

  it('runs a pasted line that ends with a return, and typed-ahead lines in turn', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    s.write('echo one\recho two\r');
    await s.waitFor(row('two'));
    expect(s.lines()).toContain('one');
  });

  it('asks for more with $prompt(2) while the input is incomplete', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type("prompt=('; ' '>> ')", ENTER);
    await s.waitFor(row(';'));
    await s.type('{', ENTER);
    await s.waitFor(row('>>'));
    await s.type('echo inside', ENTER);
    await s.waitFor(row('>> echo inside'));
    await s.type('}', ENTER);
    await s.waitFor(row('inside'));
    await s.waitFor(row(';'));
  });

  it('continues a here document and a backslash-newline with $prompt(2), and if not follows an if on the line before', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type("prompt=('; ' '>> ')", ENTER);
    await s.waitFor(row(';'));
    await s.type('cat <<EOF', ENTER);
    await s.waitFor(row('>>'));
    await s.type('here text', ENTER);
    await s.waitFor(row('>> here text'));
    await s.type('EOF', ENTER);
    await s.waitFor(row('here text'));
    await s.type('echo joined \\', ENTER);
    await s.waitFor(row('>>'));
    await s.type('line', ENTER);
    await s.waitFor(row('joined line'));
    await s.type('if(false) echo no', ENTER);
    await s.type('if not echo otherwise', ENTER);
    await s.waitFor(row('otherwise'));
  });

  it('Ctrl-C stops a host program (sleep 100) and gives a prompt; the shell lives on', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    // /bin/sleep is the ants command; the host's is reached by its host path.
    await s.type('/usr/bin/sleep 100 || /bin/sleep 100', ENTER);
    // Interrupt sleep itself, once it runs (an interrupt before it starts is a different test).
    await waitForChild(s.pty.pid, 'sleep');
    s.write(CTRL_C);
    // Far less than the 100 s sleep: the prompt is back because the program was interrupted.
    await s.waitFor(emptyPrompt, 10_000);
    await s.type('echo still here', ENTER);
    await s.waitFor(row('still here'));
  });

  it('Ctrl-C stops an ants command (sleep 100) blocked inside the shell', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    // `started` shows once the line runs, which is after the UI gave the terminal back.
    await s.type('echo started; sleep 100; echo after', ENTER);
    await s.waitFor(row('started'));
    s.write(CTRL_C);
    await s.waitFor(emptyPrompt, 10_000);
    await s.type('echo still here', ENTER);
    await s.waitFor(row('still here'));
    expect(s.lines()).not.toContain('after');
  });

  it('Ctrl-C typed right after Enter, before the command starts, still stops it', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    s.write('sleep 100; echo after' + ENTER + CTRL_C);
    await s.waitFor((l) => l.some((r) => r.startsWith('% sleep 100')) && prompts(l) === 1, 10_000);
    await s.type('echo still here', ENTER);
    await s.waitFor(row('still here'));
    expect(s.lines()).not.toContain('after');
  });

  it('Ctrl-C on a line being edited drops it', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('echo never', CTRL_C);
    await s.waitFor((l) => prompts(l) === 1 && l.includes('% echo never'));
    expect(s.lines()).not.toContain('never');
  });

  it('remembers history across sessions', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
    const a = start({ home });
    await a.waitFor(emptyPrompt);
    await a.type('echo remembered 42', ENTER);
    await a.waitFor(row('remembered 42'));
    await a.waitFor(emptyPrompt);
    await a.type(CTRL_D);
    expect(await a.exited).toBe(0);
    expect(fs.readFileSync(path.join(home, 'lib/ants/history'), 'utf8')).toBe('echo remembered 42\n');

    const b = start({ home });
    await b.waitFor(emptyPrompt);
    await b.type(UP);
    await b.waitFor(row('% echo remembered 42'));
    // And as a grey suggestion while typing, taken with Right.
    await b.type(CTRL_C, 'echo rem', '\x1b[C', ENTER);
    await b.waitFor((l) => l.filter((x) => x === 'remembered 42').length === 1);
  });

  it('completes a path inside a bound directory (through the namespace, not the host)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
    fs.mkdirSync(path.join(home, 'src'));
    fs.writeFileSync(path.join(home, 'src', 'bound-only.txt'), '');
    // /n/there exists only in the namespace (mntgen), and shows src only after the bind.
    const s = start({ home, env: { ANTS_NS: 'kernel' } });
    await s.waitFor(emptyPrompt);
    await s.type(`bind ${home}/src /n/there`, ENTER);
    await s.waitFor(emptyPrompt);
    await s.type('echo /n/there/bou', TAB);
    await s.waitFor(row('% echo /n/there/bound-only.txt'));
    expect(fs.existsSync('/n/there')).toBe(false);
    await s.type(ENTER);
    await s.waitFor(row('/n/there/bound-only.txt'));
  });

  it('completes a file inside a directory with Tab', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
    fs.mkdirSync(path.join(home, 'some dir'));
    fs.mkdirSync(path.join(home, 'docs'));
    fs.writeFileSync(path.join(home, 'docs', 'unique-notes.txt'), 'the notes\n');
    fs.writeFileSync(path.join(home, 'docs', 'other.txt'), '');
    const s = start({ home });
    await s.waitFor(emptyPrompt);
    await s.type('cat do', TAB);
    await s.waitFor(row('% cat docs/'));
    await s.type('u', TAB);
    await s.waitFor(row('% cat docs/unique-notes.txt'));
    await s.type(ENTER);
    await s.waitFor(row('the notes'));
    await s.waitFor(emptyPrompt);
    // Ambiguous: a list of both.
    await s.type('cat docs/', TAB);
    await s.waitFor((l) => l.some((x) => x.includes('other.txt') && x.includes('unique-notes.txt')));
  });

  it.skipIf(!has('less'))('hands the terminal to less and takes it back', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
    const file = path.join(home, 'long.txt');
    fs.writeFileSync(file, Array.from({ length: 200 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const s = start({ home, env: { LESS: '' } });
    await s.waitFor(emptyPrompt);
    await s.type('less long.txt', ENTER);
    await s.waitFor(row('line 23'));
    // less reads the keys now: space pages on.
    await s.type(' ');
    await s.waitFor(row('line 40'));
    await s.type('q');
    await s.waitFor(emptyPrompt);
    // Nothing typed is lost or doubled once the prompt is back.
    await s.type('echo back again', ENTER);
    await s.waitFor(row('back again'));
    await s.waitFor(row('% echo back again'));
  });

  it.skipIf(!has('vim'))('runs vim in raw mode; every key reaches it', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ui-'));
    const s = start({ home });
    await s.waitFor(emptyPrompt);
    await s.type('vim -u NONE -N note.txt', ENTER);
    // vim's own screen (its empty-buffer rows), not the command line that names the file:
    // keys typed before vim has the terminal are the next prompt's.
    await s.waitFor((l) => l.filter((r) => r.trimEnd() === '~').length >= 3);
    await s.type('ihello from vim', ESC, ':wq', ENTER);
    await s.waitFor(emptyPrompt);
    expect(fs.readFileSync(path.join(home, 'note.txt'), 'utf8')).toBe('hello from vim\n');
    await s.type('cat note.txt', ENTER);
    await s.waitFor(row('hello from vim'));
  });

  it('draws the line again when the window narrows or widens', async () => {
    const s = start({ cols: 60 });
    await s.waitFor(emptyPrompt);
    await s.type('echo one', ENTER);
    await s.waitFor(row('one'));
    // Keys typed while a command runs are echoed by the terminal (cooked mode), as under
    // any shell; wait for the prompt so the screen holds only what the UI drew.
    await s.waitFor(emptyPrompt);
    s.write('echo ' + 'x'.repeat(70));
    const x = (n: number) => 'x'.repeat(n);
    await s.waitFor(row('% echo ' + x(53)));
    const frame = (a: string, b: string) => (l: string[]) => {
      const i = l.indexOf(a);
      // The line, wrapped to the new width, once; the status line right under it; and
      // the output above untouched.
      return i > 1 && l[i + 1] === b && l[i + 2].includes(' · ') && l[i - 1] === 'one' && l.filter((r) => r.startsWith('% echo x')).length === 1;
    };
    await s.quiet();
    s.pty.resize(40, 24);
    s.term.resize(40, 24);
    await s.waitFor(frame('% echo ' + x(33), x(37)));
    await s.quiet();
    s.pty.resize(70, 24);
    s.term.resize(70, 24);
    await s.waitFor(frame('% echo ' + x(63), x(7)));
    await s.type(ENTER);
    await s.waitFor(row(x(70)));
  });

  it('Ctrl-D on an empty line runs sigexit and ends the session', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('fn sigexit { echo bye now }', ENTER);
    await s.waitFor((l) => prompts(l) === 1 && l.includes('% fn sigexit { echo bye now }'));
    await s.type(CTRL_D);
    await s.waitFor(row('bye now'));
    expect(await s.exited).toBe(0);
  });
});
