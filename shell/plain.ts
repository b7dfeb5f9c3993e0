/*
 * The plain interactive reader: prompt, read a line, and run it once the parser says the
 * input is complete ($prompt(2) while it is not; shell/input.ts). No escape sequences, so
 * it suits dumb terminals, editors' shell windows and logs. Errors and syntax errors end
 * the line, never the shell; end of input runs sigexit and leaves.
 *
 * On a terminal it also drives nested sessions (rerootwin, admin, newns: Shell.interact):
 * the nested shell reads the same terminal with its own $prompt until exit or Ctrl-D,
 * which returns to the caller. The terminal is read through ns/ttyin.ts (cooked mode
 * gives a line per read, so nothing past a line is taken from whoever reads next, and a
 * Ctrl-D is end of file for one reader only, not for the caller's session too). Ctrl-C
 * at a prompt drops the line being typed, as rc does, and never ends a session.
 */
import * as readline from 'node:readline';
import type { AntsMachine } from './machine.js';
import { runInput } from './input.js';
import { RcExit } from './proc.js';
import { ttyIn } from '../ns/ttyin.js';

export async function runPlain(m: AntsMachine): Promise<string> {
  if (process.stdin.isTTY) {
    const next = async (): Promise<string | null> => {
      for (;;) {
        const g = m.fg;
        try {
          const b = await ttyIn.read(65536, g.signal);
          return b.length === 0 ? null : b.toString('utf8');
        } catch (e) {
          if (!g.interrupted) throw e;
          // Ctrl-C at a prompt: the terminal dropped what was typed; the shell prompts again.
          g.interrupted = false;
          await m.fgProc.write(2, '\n' + (m.fgProc.get('prompt')[0] ?? '% ')).catch(() => {});
        }
      }
    };
    m.terminal = {
      interact: async (p) => {
        try {
          return await runInput(m, p, next, { interactive: true, top: false });
        } catch (e) {
          if (e instanceof RcExit) return e.status;
          throw e;
        }
      },
    };
    try {
      return await runInput(m, m.root, next, { interactive: true, top: true });
    } finally {
      m.terminal = undefined;
    }
  }
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    return r.done ? null : r.value + '\n';
  };
  try {
    return await runInput(m, m.root, next, { interactive: true, top: true });
  } finally {
    rl.close();
  }
}
