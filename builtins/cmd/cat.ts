/*
 * cat [file ...]: the files, or standard input, on standard output. As Plan 9's cat, the
 * first file that cannot be opened ends it (sysfatal), after what came before was copied.
 */
import { type Source, chunks, closedPipe, cmd, Exit, fdSource, fserr, open, errText } from './lib.js';
import type { ProcLike } from '../types.js';

async function copy(p: ProcLike, src: Source, name: string): Promise<void> {
  const it = chunks(src);
  for (;;) {
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (e) {
      await p.err(`cat: error reading ${name}: ${fserr(p, e, name)}`);
      throw new Exit(`error reading ${name}`);
    }
    if (r.done) return;
    try {
      await p.write(1, r.value);
    } catch (e) {
      if (closedPipe(e)) throw e;
      await p.err(`cat: write error copying ${name}: ${errText(e)}`);
      throw new Exit(`write error copying ${name}`);
    }
  }
}

export const cat = cmd('cat', async (p, argv) => {
  if (argv.length < 2) {
    await copy(p, fdSource(p, 0), '<stdin>');
    return '';
  }
  for (const name of argv.slice(1)) {
    let ch;
    try {
      ch = await open(p, name);
    } catch (e) {
      const msg = `can't open ${name}: ${fserr(p, e, name)}`;
      await p.err(`cat: ${msg}`);
      return msg;
    }
    try {
      await copy(p, ch, name);
    } finally {
      ch.close();
    }
  }
  return '';
});
