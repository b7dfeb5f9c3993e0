// hub end to end: the built binary in pseudo-terminals (test/ui/pty.ts) attaching to a
// hub shell that lives in a hub host: a command and its output, Ctrl-C to the hub
// shell's command, Ctrl-\ back to the local prompt, the first terminal closed and a new
// one re-attaching to the same shell with its backlog, two clients at once, and Ctrl-D
// ending the shell.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, row, Screen } from './pty.js';
import { killHostsUnder } from '../hub/hosts.js';

const ENTER = '\r';
const CTRL_C = '\x03';
const CTRL_BACKSLASH = '\x1c';
const CTRL_D = '\x04';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-hube2e-'));
const screens: Screen[] = [];

afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
});

afterAll(() => {
  killHostsUnder(base);
  fs.rmSync(base, { recursive: true, force: true });
});

/** A terminal running ants-rc, on the srv directory ns (shared by the terminals of a test). */
function start(ns: string): Screen {
  const home = fs.mkdtempSync(path.join(base, 'home-'));
  const s = new Screen({ home, env: { NAMESPACE: ns, ANTS_NET: 'local', ANTS_HUBD_IDLE: '3000', XDG_CACHE_HOME: path.join(base, 'cache') } });
  screens.push(s);
  return s;
}

const emptyPrompt = (lines: string[]) => lines.some((l) => l === '%');
/** Rows holding the hub shell's prompt. */
const prompts = (s: Screen) => s.lines().filter((l) => l.startsWith('io%')).length;
/** The hub shell's prompt on the last row written, with nothing typed after it. */
const atPrompt = (lines: string[]) => lines.filter((l) => l.trim() !== '').pop()?.trimEnd() === 'io%';
const count = (s: Screen, text: string) => s.lines().filter((l) => l.trimEnd() === text).length;

describe.skipIf(!built)('hub on a terminal', () => {
  it('attaches, runs, interrupts, detaches, re-attaches from a new terminal, and shares the shell', async () => {
    const ns = fs.mkdtempSync(path.join(base, 'ns-'));
    const s1 = start(ns);
    await s1.waitFor(emptyPrompt);
    await s1.type('hub ph', ENTER);
    await s1.waitFor('[hub ph · io ·');
    await s1.waitFor(atPrompt);
    await s1.type('echo pid $pid', ENTER);
    await s1.waitFor(/^pid [0-9]+$/m);
    await s1.waitFor(atPrompt);
    const pid = /^pid ([0-9]+)$/m.exec(s1.text())![1];

    // Ctrl-C stops the hub shell's command; the shell reads the next line.
    await s1.type('sleep 100', ENTER);
    await s1.waitFor(row('io% sleep 100'));
    const before = prompts(s1);
    await s1.type(CTRL_C);
    await s1.waitFor(() => prompts(s1) > before);
    await s1.waitFor(atPrompt);
    await s1.type('echo after sleep', ENTER);
    await s1.waitFor(row('after sleep'));
    await s1.waitFor(atPrompt);

    // Ctrl-\ detaches: the local prompt is back, and the local shell runs commands.
    await s1.type(CTRL_BACKSLASH);
    await s1.waitFor('hub: detached from ph');
    await s1.waitFor(emptyPrompt);
    await s1.type('echo local again', ENTER);
    await s1.waitFor(row('local again'));

    // The first terminal goes; a new one re-attaches to the same shell and sees the backlog.
    s1.kill();
    await s1.exited;
    const s2 = start(ns);
    await s2.waitFor(emptyPrompt);
    await s2.type('hub ph', ENTER);
    await s2.waitFor(row('after sleep'));
    // The backlog's last row is the prompts written meanwhile: the shell waits at one.
    await s2.waitFor(row(`pid ${pid}`));
    await s2.type('echo pid $pid', ENTER);
    await s2.waitFor(() => count(s2, `pid ${pid}`) === 2);
    await s2.waitFor(atPrompt);

    // A second client at the same time sees what the first one's commands print.
    const s3 = start(ns);
    await s3.waitFor(emptyPrompt);
    await s3.type('hub ph', ENTER);
    await s3.waitFor('[hub ph · io ·');
    await s2.type('echo from two', ENTER);
    // (It comes after the prompt the shell wrote for the other client's line.)
    await s3.waitFor('from two');
    await s3.waitFor(atPrompt);
    await s3.type('echo from three', ENTER);
    await s2.waitFor('from three');
    await s2.waitFor(atPrompt);

    // Ctrl-D is an end of file for the shell, which exits: both attachments end with its status.
    await s2.type(CTRL_D);
    await s2.waitFor("hub: ph: io shell exited (status '')");
    await s3.waitFor("hub: ph: io shell exited (status '')");
    await s2.waitFor(emptyPrompt);
    expect(s3.text()).toContain('from two');
  }, 90_000);
});
