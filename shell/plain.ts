/*
 * The plain interactive reader: prompt, read a line, and run it once the parser says the
 * input is complete ($prompt(2) while it is not). No escape sequences, so it suits dumb
 * terminals, editors' shell windows and logs. Errors and syntax errors end the line,
 * never the shell; end of input runs sigexit and leaves.
 */
import * as readline from 'node:readline';
import type { AntsMachine } from './machine.js';
import { syntaxMessage } from './machine.js';
import { parseLines } from './parse.js';
import { RcError, RcExit, RcInterrupt } from './proc.js';

export async function runPlain(m: AntsMachine): Promise<string> {
  const p = m.root;
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const prompt = (n: 0 | 1) => {
    const pr = p.get('prompt');
    void p.write(2, pr[n] ?? (n === 0 ? '% ' : '\t')).catch(() => {});
  };
  let buf = '';
  // Whether the last line was an if, for an if not on the next (parse.ts).
  let ifst = { iflast: false };
  prompt(0);
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    buf += next.value + '\n';
    const st = { ...ifst };
    const { lines: parsed, error } = parseLines(buf, st);
    if (error && error.incomplete) {
      prompt(1);
      continue;
    }
    ifst = st;
    buf = '';
    try {
      for (const l of parsed) if (l.cmd) await m.compile(l.cmd)(p);
      if (error) {
        await p.err(syntaxMessage(error, null));
        p.setStatus('syntax error');
      }
    } catch (e) {
      if (e instanceof RcExit) {
        rl.close();
        return m.finish(e.status);
      }
      if (!(e instanceof RcError)) throw e;
      if (e instanceof RcInterrupt) {
        m.interrupted = false;
        p.setStatus('interrupted');
        await p.err('');
      } else {
        await p.err(e.display());
        p.setStatus(e.message);
      }
    }
    prompt(0);
  }
  rl.close();
  return m.finish(p.status);
}
