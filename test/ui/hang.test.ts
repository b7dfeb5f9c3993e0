// Nothing hangs, at a terminal: in-process commands that read the keyboard or never wait
// stop on Ctrl-C, only the foreground reads the keyboard, Ctrl-\ never ends the session,
// Ctrl-D leaves even with background jobs, and no keystroke is lost on the way back.
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, row, Screen, type Options } from './pty.js';

const ENTER = '\r';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_BS = '\x1c';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'main.js'));

const screens: Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
});

function start(o: Partial<Options> = {}): Screen {
  const home = o.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ants-hang-'));
  const s = new Screen({ home, env: { ANTS_NET: 'local' }, ...o });
  screens.push(s);
  return s;
}

const emptyPrompt = (lines: string[]) => lines.some((l) => l === '%');
const prompts = (lines: string[]) => lines.filter((l) => l === '%').length;

describe.skipIf(!built)('nothing hangs at a terminal', () => {
  it('Ctrl-C stops an in-process cat reading the terminal, and the next line loses no key', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('echo reading; cat', ENTER);
    await s.waitFor(row('reading'));
    await s.type('typed line', ENTER);
    // The line as typed (echoed) and as cat wrote it back.
    await s.waitFor((l) => l.filter((r) => r === 'typed line').length === 2);
    s.write(CTRL_C);
    await s.waitFor(emptyPrompt, 10_000);
    await s.type('echo after', ENTER);
    await s.waitFor(row('after'));
    expect(s.lines()).toContain('% echo after');
  });

  it('Ctrl-C stops read waiting for the terminal', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('x=`{read}; echo got $x', ENTER);
    await s.waitFor((l) => l.some((r) => r.startsWith('% x=')));
    s.write(CTRL_C);
    await s.waitFor(emptyPrompt, 10_000);
    await s.type('echo status $status', ENTER);
    await s.waitFor(row('status interrupted'));
    expect(s.lines().some((l) => l.startsWith('got'))).toBe(false);
  });

  it('Ctrl-C stops cat /dev/zero | wc -c, a pipeline that never waits', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('echo started; cat /dev/zero | wc -c', ENTER);
    await s.waitFor(row('started'));
    s.write(CTRL_C);
    await s.waitFor(emptyPrompt, 10_000);
    await s.type('echo still here', ENTER);
    await s.waitFor(row('still here'));
  });

  it('a background job does not read the keyboard: its standard input is /dev/null', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('{ cat; echo bg saw eof } &', ENTER);
    await s.waitFor('bg saw eof');
    await s.type('echo typed', ENTER);
    await s.waitFor(row('typed'));
  });

  it('Ctrl-C reaches the foreground only: a background job lives on', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('{ sleep 2; echo bg lived } &', ENTER);
    await s.type('echo fg; sleep 100', ENTER);
    await s.waitFor(row('fg'));
    s.write(CTRL_C);
    await s.waitFor('bg lived', 10_000);
  });

  it('Ctrl-\\ abandons the foreground line and never ends the session', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('echo started; cat /dev/zero | wc -c', ENTER);
    await s.waitFor(row('started'));
    s.write(CTRL_BS);
    await s.waitFor(emptyPrompt, 10_000);
    await s.type('echo alive', ENTER);
    await s.waitFor(row('alive'));
  });

  it('Ctrl-D at an empty prompt exits promptly with a background job running', async () => {
    const s = start();
    await s.waitFor(emptyPrompt);
    await s.type('sleep 100 &', ENTER);
    await s.waitFor((l) => prompts(l) >= 1 && l.includes('% sleep 100 &'));
    s.write(CTRL_D);
    // Far less than the 100 s the job would take.
    const code = await Promise.race([s.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(code).not.toBe('still running');
  });
});
