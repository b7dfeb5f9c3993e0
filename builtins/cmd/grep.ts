/*
 * grep [-bchiLlnsv] [-e pattern] [-f file] [pattern] [file ...], after Plan 9's: the
 * pattern is a regexp(7) (newline separates alternatives; a leading * makes it literal),
 * lines are tagged `file:` when there are several files (not with -h), -n adds `n: `.
 * Status '' when a line was selected, else `no matches`; an unopenable file is
 * reported and skipped.
 */
import { type Source, cmd, Exit, fdSource, fserr, getopts, lineBatches, open, Out, readAll, usage } from './lib.js';
import { grepSource, RegexpError } from './regexp.js';

const USAGE = 'usage: grep [-bchiLlnsv] [-f file] [-e expr] [file ...]';

/** The matcher for grep's patterns (joined as alternatives), folded to lower case with -i. */
export function compile(patterns: string[], fold: boolean): RegExp {
  const src = patterns.map((p) => `(?:${grepSource(fold ? p.toLowerCase() : p)})`).join('|');
  return new RegExp(src, fold ? 'iu' : 'u');
}

export const grep = cmd('grep', async (p, argv) => {
  const o = getopts(argv, 'bchiLlnsve:f:');
  if (!o) return usage(p, USAGE);
  const f = o.has;
  const patterns: string[] = [...(o.val.get('e') ?? [])];
  for (const file of o.val.get('f') ?? []) {
    let text: string;
    try {
      const ch = await open(p, file);
      try {
        text = (await readAll(ch)).toString('utf8');
      } finally {
        ch.close();
      }
    } catch (e) {
      await p.err(`grep: can't open ${file}: ${fserr(p, e, file)}`);
      throw new Exit('open');
    }
    patterns.push(text.endsWith('\n') ? text.slice(0, -1) : text);
  }
  const args = [...o.args];
  if (patterns.length === 0) {
    if (args.length === 0) return usage(p, USAGE);
    patterns.push(args.shift()!);
  }
  let re: RegExp;
  try {
    re = compile(patterns, f.has('i'));
  } catch (e) {
    if (!(e instanceof RegexpError)) throw e;
    await p.err('grep: syntax error');
    return 'syntax error';
  }
  const out = new Out(p);
  const tag = args.length > 1 && !f.has('h');
  const invert = f.has('v');
  let matched = false;
  let status = '';

  const search = async (src: Source, name: string) => {
    let n = 0;
    let count = 0;
    for await (const lines of lineBatches(src)) {
      for (const line of lines) {
        n++;
        const text = line.endsWith('\n') ? line.slice(0, -1) : line;
        if (re.test(text) === invert) continue;
        count++;
        matched = true;
        if (f.has('s')) throw new Exit('');
        if (f.has('l') || f.has('L')) break;
        if (f.has('c')) continue;
        const w = out.put((tag ? name + ':' : '') + (f.has('n') ? n + ': ' : '') + line);
        if (w) await w;
      }
      if (count > 0 && (f.has('l') || f.has('L'))) break;
      if (f.has('b')) await out.flush();
    }
    if (f.has('c')) out.put((tag ? name + ':' : '') + count + '\n');
    if (f.has('l') && count > 0) out.put(name + '\n');
    if (f.has('L') && count === 0) out.put(name + '\n');
  };

  try {
    if (args.length === 0) await search(fdSource(p, 0), 'stdin');
    for (const name of args) {
      let ch;
      try {
        ch = await open(p, name);
      } catch (e) {
        await out.flush();
        await p.err(`grep: can't open ${name}: ${fserr(p, e, name)}`);
        status = 'open';
        continue;
      }
      try {
        await search(ch, name);
      } finally {
        ch.close();
      }
    }
  } finally {
    await out.flush();
  }
  return matched ? '' : status || 'no matches';
});

