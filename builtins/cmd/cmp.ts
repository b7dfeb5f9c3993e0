/*
 * cmp [-lLs] file1 file2 [offset1 [offset2]]: compare two files byte by byte from the
 * offsets (0x hex, 0 octal, else decimal). The first difference is reported as
 * `f1 f2 differ: char n` (-L adds the line), or with -l every difference as
 * `%6d 0x%.2x 0x%.2x`; a file that ends first gives `EOF on f`. -s says nothing.
 * Status: '' same, `differ`, `EOF`, or `open` when a file cannot be read.
 */
import { cmd, Exit, fserr, open, Out, getopts, errText } from './lib.js';
import type { Chan } from '../../ns/vfs.js';
import { strtoul } from './touch.js';

const USAGE = 'usage: cmp [-lLs] file1 file2 [offset1 [offset2] ]';

/** A byte source over a chan, skipping to an offset first. */
class Bytes {
  private buf: Buffer = Buffer.alloc(0);
  private at = 0;
  eof = false;

  constructor(private readonly ch: Chan) {}

  async skip(n: number): Promise<void> {
    while (n > 0 && (await this.fill())) {
      const k = Math.min(n, this.buf.length - this.at);
      this.at += k;
      n -= k;
    }
  }

  /** Make at least one byte available; false at end of file. */
  async fill(): Promise<boolean> {
    if (this.at < this.buf.length) return true;
    if (this.eof) return false;
    this.buf = await this.ch.read(65536);
    this.at = 0;
    if (this.buf.length === 0) this.eof = true;
    return !this.eof;
  }

  /** The buffered bytes not yet taken. */
  view(): Buffer {
    return this.buf.subarray(this.at);
  }

  take(n: number): void {
    this.at += n;
  }
}

export const cmp = cmd('cmp', async (p, argv) => {
  const o = getopts(argv, 'lLs');
  if (!o || o.args.length < 2 || o.args.length > 4) {
    // Plan 9's cmp prints its usage on standard output.
    await p.write(1, USAGE + '\n');
    return 'usage';
  }
  const [n1, n2] = o.args as [string, string];
  const quiet = o.has.has('s');
  const chans: Chan[] = [];
  try {
    for (const n of [n1, n2]) {
      try {
        chans.push(await open(p, n));
      } catch (e) {
        if (!quiet) await p.err(`cmp: ${n}: ${fserr(p, e, n)}`);
        throw new Exit('open');
      }
    }
    const a = new Bytes(chans[0]!);
    const b = new Bytes(chans[1]!);
    try {
      if (o.args[2] !== undefined) await a.skip(strtoul(o.args[2]));
      if (o.args[3] !== undefined) await b.skip(strtoul(o.args[3]));
    } catch (e) {
      if (!quiet) await p.err(`cmp: ${errText(e)}`);
      throw new Exit('read error');
    }
    const out = new Out(p);
    let nc = 1;
    let nl = 1;
    for (;;) {
      const [ha, hb] = await Promise.all([a.fill(), b.fill()]);
      if (!ha || !hb) {
        await out.flush();
        // With -l, files of one length that differ still exit '' (as 9base's cmp does).
        if (!ha && !hb) return '';
        if (!quiet) await p.write(1, `EOF on ${!ha ? n1 : n2}\n`);
        return 'EOF';
      }
      const x = a.view();
      const y = b.view();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++, nc++) {
        const c1 = x[i]!;
        const c2 = y[i]!;
        if (c1 !== c2) {
          if (quiet) return 'differ';
          if (!o.has.has('l')) {
            await p.write(1, `${n1} ${n2} differ: char ${nc}${o.has.has('L') ? ` line ${nl}` : ''}\n`);
            return 'differ';
          }
          const w = out.put(`${String(nc).padStart(6)} 0x${c1.toString(16).padStart(2, '0')} 0x${c2.toString(16).padStart(2, '0')}\n`);
          if (w) await w;
        }
        if (c1 === 10) nl++;
      }
      a.take(n);
      b.take(n);
    }
  } finally {
    for (const c of chans) c.close();
  }
});
