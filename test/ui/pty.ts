// A terminal for end-to-end tests: the real ants-rc binary in a pseudo-terminal
// (node-pty), its output fed to a headless xterm whose screen the tests read. Keys are
// written one at a time with a short pause, as a person types; expectations poll the
// screen until what they want shows or a deadline passes (never a fixed sleep).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(root, 'bin', 'ants-rc.js');

export interface Options {
  home: string;
  cwd?: string;
  cols?: number;
  rows?: number;
  args?: string[];
  env?: Record<string, string>;
  /** Run this instead of ants-rc (for benchmarks' reference runs). */
  argv?: string[];
}

export class Screen {
  readonly term: InstanceType<typeof xterm.Terminal>;
  readonly pty: pty.IPty;
  readonly exited: Promise<number>;
  private alive = true;
  private lastData = 0;

  constructor(o: Options) {
    const cols = o.cols ?? 80;
    const rows = o.rows ?? 24;
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: o.home,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      ...o.env,
    };
    const argv = o.argv ?? [process.execPath, BIN, ...(o.args ?? [])];
    this.pty = pty.spawn(argv[0], argv.slice(1), { name: 'xterm-256color', cols, rows, cwd: o.cwd ?? o.home, env });
    this.pty.onData((d) => {
      this.lastData = Date.now();
      this.term.write(d);
    });
    // Answers the terminal gives (cursor reports and the like) go back to the program.
    this.term.onData((d) => {
      if (this.alive) this.pty.write(d);
    });
    this.exited = new Promise((res) =>
      this.pty.onExit(({ exitCode }) => {
        this.alive = false;
        res(exitCode);
      }),
    );
  }

  /** The visible screen, one string per row, trailing blanks trimmed. */
  lines(): string[] {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  text(): string {
    return this.lines().join('\n');
  }

  /** Wait until the screen satisfies want (a substring, a pattern, or a test of the rows). */
  async waitFor(want: string | RegExp | ((lines: string[]) => boolean), ms = 8000): Promise<void> {
    const test = typeof want === 'string' ? (l: string[]) => l.join('\n').includes(want) : want instanceof RegExp ? (l: string[]) => want.test(l.join('\n')) : want;
    const deadline = Date.now() + ms;
    for (;;) {
      // Let the emulator finish parsing what has arrived.
      await new Promise<void>((r) => this.term.write('', r));
      if (test(this.lines())) return;
      if (Date.now() > deadline) throw new Error(`screen never showed ${String(want)}; it shows:\n${this.text()}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /**
   * Wait until the program has written nothing for ms: before the test changes the
   * terminal itself (a resize), so no output still in flight lands on the changed screen.
   */
  async quiet(ms = 150, deadline = 8000): Promise<void> {
    const end = Date.now() + deadline;
    while (Date.now() - this.lastData < ms && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await new Promise<void>((r) => this.term.write('', r));
  }

  /** Type keys one write at a time; a string of several characters is typed character by character. */
  async type(...keys: string[]): Promise<void> {
    for (const k of keys) {
      const parts = k.startsWith('\x1b') ? [k] : [...k];
      for (const p of parts) {
        this.pty.write(p);
        await new Promise((r) => setTimeout(r, 8));
      }
    }
  }

  /** Write a chunk in one write, as a paste or typed-ahead input arrives. */
  write(chunk: string): void {
    this.pty.write(chunk);
  }

  kill(): void {
    if (this.alive) this.pty.kill();
    this.alive = false;
  }
}

/** Rows of the screen that are exactly this text (trailing blanks ignored). */
export const row = (text: string) => (lines: string[]) => lines.some((l) => l.trimEnd() === text);

/** The status line: the last row that has the ' · ' separator. */
export const status = (l: string[]) => [...l].reverse().find((r) => r.includes(' · ')) ?? '';
export const statusHas = (word: string) => (l: string[]) => status(l).split(' · ').includes(word);
export const statusLacks = (word: string) => (l: string[]) => status(l) !== '' && !status(l).split(' · ').includes(word);
/** An empty prompt p on the last row that has anything on it above the status line. */
export const atPrompt = (p: string) => (l: string[]) => {
  const i = l.lastIndexOf(status(l));
  return i > 0 && l[i - 1].trimEnd() === p.trimEnd();
};
