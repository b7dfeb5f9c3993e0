/*
 * rc reading commands from a stream (a pipe, a terminal without the UI, rc -i): each
 * command runs as soon as its last line has arrived, never after reading all the input,
 * so a script fed through a pipe runs while it is being written and a program in it can
 * talk to whoever writes. A command continues on the next line while the parser says it
 * is incomplete (an open quote, brace or here document) or its line ends in a backslash;
 * with -i, $prompt(1) is written on fd 2 before each command and $prompt(2) before each
 * continuation line, as rc does.
 *
 * What an error does depends on the reader: with -i it ends the command only; otherwise it
 * ends the shell (the top-level shell then runs sigexit only for exit, a syntax error and
 * the end of input, as rc; a nested rc lets its caller see the error).
 */
import type { AntsMachine } from './machine.js';
import { syntaxMessage } from './machine.js';
import { type ParseState, parseLines } from './parse.js';
import { type Proc, RcError, RcExit, RcInterrupt } from './proc.js';

export interface InputOptions {
  /** rc -i: prompts, and an error ends only its command. */
  interactive: boolean;
  /** The program's own shell (sigexit at the end) rather than a nested rc. */
  top: boolean;
}

/** Lines from a byte stream, each with its newline (the last may have none); null at the end. */
export function streamLines(read: (count: number) => Promise<Buffer>): () => Promise<string | null> {
  const queue: string[] = [];
  let partial: Buffer[] = [];
  let eof = false;
  return async () => {
    for (;;) {
      if (queue.length > 0) return queue.shift()!;
      if (eof) {
        if (partial.length === 0) return null;
        const last = Buffer.concat(partial).toString('utf8');
        partial = [];
        return last;
      }
      const b = await read(65536);
      if (b.length === 0) {
        eof = true;
        continue;
      }
      let start = 0;
      for (let nl = b.indexOf(10); nl >= 0; nl = b.indexOf(10, start)) {
        partial.push(b.subarray(start, nl + 1));
        queue.push(Buffer.concat(partial).toString('utf8'));
        partial = [];
        start = nl + 1;
      }
      if (start < b.length) partial.push(Buffer.from(b.subarray(start)));
    }
  };
}

/** Run the commands nextLine gives, one at a time as they complete; resolves to the final status. */
export async function runInput(m: AntsMachine, p: Proc, nextLine: () => Promise<string | null>, o: InputOptions): Promise<string> {
  const st: ParseState = { iflast: false };
  const prompt = async (n: 0 | 1) => {
    if (!o.interactive) return;
    const pr = p.get('prompt');
    await p.write(2, pr[n] ?? (n === 0 ? '% ' : '\t')).catch(() => {});
  };
  // The end of the shell: sigexit for the top-level shell, the status for a nested one.
  const end = (status: string) => (o.top ? m.finish(status) : Promise.resolve(status));
  let buf = '';
  let before = 0;
  let lineNo = 0;
  await prompt(0);
  for (;;) {
    const line = await nextLine();
    if (line !== null) {
      buf += line;
      lineNo++;
    } else if (buf === '') break;
    const eof = line === null;
    const trial = { ...st };
    const { lines, error, openHeredoc } = parseLines(buf, trial);
    if (!eof && ((error && error.incomplete) || (!error && (openHeredoc || buf.endsWith('\\\n'))))) {
      await prompt(1);
      continue;
    }
    st.iflast = trial.iflast;
    const base = before;
    buf = '';
    before = lineNo;
    try {
      for (const l of lines) {
        if (p.flags.has('v') && l.text !== '') await p.err(l.text.replace(/\n$/, ''));
        if (!l.cmd) continue;
        try {
          await m.runLine(p, m.compile(l.cmd));
        } catch (e) {
          if (!(e instanceof RcError) || !o.interactive) throw e;
          p.ng.interrupted = false;
          if (e instanceof RcInterrupt) {
            p.setStatus('interrupted');
            await p.err('');
          } else {
            await p.err(e.display());
            p.setStatus(e.message);
          }
          break;
        }
      }
      // An interrupt that ended a command without unwinding the line (it came back with
      // status interrupted) is spent: the next line is not for it.
      if (o.interactive && p.ng.interrupted) {
        p.ng.interrupted = false;
        await p.err('');
      }
      if (error) {
        await p.err(syntaxMessage({ ...error, line: error.line + base }, null));
        p.setStatus('syntax error');
        if (!o.interactive) return await end('syntax error');
      }
    } catch (e) {
      if (e instanceof RcExit) {
        if (!o.top) throw e;
        return e.quiet ? e.status : await m.finish(e.status);
      }
      if (!(e instanceof RcError) || !o.top) throw e;
      if (e instanceof RcInterrupt) {
        p.ng.interrupted = false;
        p.setStatus('interrupted');
        return await m.finish('interrupted');
      }
      // An error ends a script without sigexit, as in rc.
      await p.err(e.display());
      p.setStatus(e.message);
      return '1';
    }
    if (eof) break;
    await prompt(0);
  }
  return end(p.status);
}
