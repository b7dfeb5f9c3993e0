/*
 * tee [-ai] [file ...]: standard input to standard output and to each file, created or
 * (-a) appended to. A file that cannot be opened is reported and left out; -i is
 * accepted (an interrupt does not stop a reader of standard input in ants anyway).
 */
import { type Chan, OAPPEND } from '../../ns/vfs.js';
import { OWRITE } from '../../ns/types.js';
import { abs, chunks, cmd, fdSource, fserr, getopts, usage } from './lib.js';

const USAGE = 'usage: tee [-ai] [file ...]';

export const tee = cmd('tee', async (p, argv) => {
  const o = getopts(argv, 'ai');
  if (!o) return usage(p, USAGE);
  const outs: { ch: Chan; name: string }[] = [];
  for (const name of o.args) {
    try {
      let ch: Chan;
      if (o.has.has('a')) {
        try {
          ch = await p.vfs.open(abs(p, name), OWRITE | OAPPEND);
        } catch {
          ch = await p.vfs.create(abs(p, name), OWRITE, 0o666);
        }
      } else ch = await p.vfs.create(abs(p, name), OWRITE, 0o666);
      outs.push({ ch, name });
    } catch (e) {
      await p.err(`tee: cannot open ${name}: ${fserr(p, e, name)}`);
    }
  }
  try {
    let stdoutOk = true;
    for await (const b of chunks(fdSource(p, 0))) {
      if (stdoutOk) {
        try {
          await p.write(1, b);
        } catch {
          stdoutOk = false;
        }
      }
      for (let i = 0; i < outs.length; i++) {
        try {
          await outs[i]!.ch.write(b);
        } catch (e) {
          await p.err(`tee: write error on ${outs[i]!.name}: ${fserr(p, e, outs[i]!.name)}`);
          outs[i]!.ch.close();
          outs.splice(i--, 1);
        }
      }
    }
  } finally {
    for (const { ch } of outs) ch.close();
  }
  return '';
});
