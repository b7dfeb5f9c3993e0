/*
 * read [-m] [-n nlines] [file ...]: copy one line (or n, or with -m all) of standard input
 * or of each file to standard output. Standard input is read a byte at a time, as Plan 9's
 * read does, so what follows the line stays for the next reader of the shared descriptor.
 * Status `eof` when a read found nothing.
 */
import { type Source, cmd, Exit, fdSource, fserr, getopts, open, usage, errText } from './lib.js';

const USAGE = 'usage: read [-m] [-n nlines] [files...]';

export const read = cmd('read', async (p, argv) => {
  const o = getopts(argv, 'mn:');
  if (!o) return usage(p, USAGE);
  const multi = o.has.has('m');
  const n = o.val.get('n');
  let nlines = n ? parseInt(n[n.length - 1]!, 10) || 0 : 1;
  let status = '';

  /** One line of src to fd 1; its length, 0 at end of file. */
  const line = async (src: Source, file: string): Promise<number> => {
    const bytes: number[] = [];
    for (;;) {
      let b: Buffer;
      try {
        b = await src.read(1);
      } catch (e) {
        await p.err(`read: error reading ${file}: ${errText(e)}`);
        throw new Exit('read error');
      }
      if (b.length === 0) {
        if (bytes.length === 0) status = 'eof';
        break;
      }
      bytes.push(b[0]!);
      if (b[0] === 10) break;
    }
    if (bytes.length > 0) await p.write(1, Buffer.from(bytes));
    return bytes.length;
  };
  const lines = async (src: Source, file: string) => {
    do {
      if ((await line(src, file)) === 0) break;
    } while (multi || --nlines > 0);
  };

  if (o.args.length === 0) await lines(fdSource(p, 0), '<stdin>');
  else
    for (const name of o.args) {
      let ch;
      try {
        ch = await open(p, name);
      } catch (e) {
        await p.err(`read: can't open ${name}: ${fserr(p, e, name)}`);
        return 'open';
      }
      try {
        await lines(buffered(ch), name);
      } finally {
        ch.close();
      }
    }
  return status;
});

/** A named file is the command's own: it may be read ahead. */
function buffered(src: Source): Source {
  let buf: Buffer = Buffer.alloc(0);
  return {
    async read(count) {
      if (buf.length === 0) buf = await src.read(65536);
      const r = buf.subarray(0, count);
      buf = buf.subarray(r.length);
      return r;
    },
  };
}

