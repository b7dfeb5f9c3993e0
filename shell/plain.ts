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
    void p.write(2, pr[n] ?? (n === 0 ? '% ' : '\t'));
  };
  let buf = '';
  prompt(0);
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    buf += next.value + '\n';
    const { lines: parsed, error, more } = parseLines(buf);
    if (more) {
      prompt(1);
      continue;
    }
    buf = '';
    try {
      for (const l of parsed) if (l.cmd) await m.runLine(p, m.compile(l.cmd));
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
        p.ng.interrupted = false;
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
