/*
 * The plain interactive reader: prompt, read a line, and run it once the parser says the
 * input is complete ($prompt(2) while it is not; shell/input.ts). No escape sequences, so
 * it suits dumb terminals, editors' shell windows and logs. Errors and syntax errors end
 * the line, never the shell; end of input runs sigexit and leaves.
 */
import * as readline from 'node:readline';
import type { AntsMachine } from './machine.js';
import { runInput } from './input.js';

export async function runPlain(m: AntsMachine): Promise<string> {
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
