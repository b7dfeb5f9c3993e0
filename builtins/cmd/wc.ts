/*
 * wc [-lwrbc] [file ...]: count lines, words, runes, broken UTF-8 sequences and bytes
 * (default -lwc), each as ` %7d`, then the file's name, then a total when there are
 * several files. A word is a run of runes that are not white space; a byte that does not
 * start or continue a valid UTF-8 sequence counts as one rune, and as a broken one.
 */
import { type Source, chunks, cmd, fdSource, fserr, getopts, open, Out, usage } from './lib.js';

const USAGE = 'usage: wc [-lwrbc] [file ...]';

export interface Counts {
  lines: number;
  words: number;
  runes: number;
  broken: number;
  bytes: number;
}

/** White space for words: ASCII and the Unicode spaces Plan 9's isspacerune knows. */
function isSpace(r: number): boolean {
  if (r < 0x80) return r === 32 || (r >= 9 && r <= 13);
  return r === 0x85 || r === 0xa0 || (r >= 0x2000 && r <= 0x200b) || r === 0x2028 || r === 0x2029 || r === 0x3000 || r === 0xfeff;
}

/** A counter fed buffers in order; a UTF-8 sequence may straddle two of them. */
export class Counter {
  readonly c: Counts = { lines: 0, words: 0, runes: 0, broken: 0, bytes: 0 };
  private inWord = false;
  /** Continuation bytes still owed by the sequence being decoded, and its value so far. */
  private need = 0;
  private cp = 0;
  private min = 0;

  private rune(r: number, bad: boolean): void {
    const c = this.c;
    c.runes++;
    if (bad) c.broken++;
    if (!bad && isSpace(r)) this.inWord = false;
    else if (!this.inWord) {
      this.inWord = true;
      c.words++;
    }
  }

  add(b: Buffer): void {
    const c = this.c;
    c.bytes += b.length;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      if (this.need > 0) {
        if ((x & 0xc0) === 0x80) {
          this.cp = (this.cp << 6) | (x & 0x3f);
          if (--this.need === 0) {
            const bad = this.cp < this.min || this.cp > 0x10ffff || (this.cp >= 0xd800 && this.cp <= 0xdfff);
            this.rune(this.cp, bad);
          }
          continue;
        }
        // The sequence broke off: its lead byte was a broken rune; x starts afresh.
        this.need = 0;
        this.rune(0xfffd, true);
      }
      if (x < 0x80) {
        if (x === 10) c.lines++;
        this.rune(x, false);
      } else if (x >= 0xc2 && x < 0xe0) this.start(x & 0x1f, 1, 0x80);
      else if (x >= 0xe0 && x < 0xf0) this.start(x & 0x0f, 2, 0x800);
      else if (x >= 0xf0 && x < 0xf5) this.start(x & 0x07, 3, 0x10000);
      else this.rune(0xfffd, true);
    }
  }

  private start(v: number, need: number, min: number): void {
    this.cp = v;
    this.need = need;
    this.min = min;
  }

  /** The counts once the input has ended (a sequence cut off by the end is broken). */
  end(): Counts {
    if (this.need > 0) {
      this.need = 0;
      this.rune(0xfffd, true);
    }
    return this.c;
  }
}

export function report(c: Counts, which: string, name?: string): string {
  let s = '';
  for (const [f, n] of [['l', c.lines], ['w', c.words], ['r', c.runes], ['b', c.broken], ['c', c.bytes]] as const) {
    if (which.includes(f)) s += ' ' + String(n).padStart(7);
  }
  if (name !== undefined) s += ' ' + name;
  return s.slice(1) + '\n';
}

export const wc = cmd('wc', async (p, argv) => {
  const o = getopts(argv, 'lwrbc');
  if (!o) return usage(p, USAGE);
  const which = o.has.size === 0 ? 'lwc' : [...o.has].join('');
  const out = new Out(p);
  const count = async (src: Source) => {
    const k = new Counter();
    for await (const b of chunks(src)) k.add(b);
    return k.end();
  };
  if (o.args.length === 0) {
    await out.put(report(await count(fdSource(p, 0)), which));
    await out.flush();
    return '';
  }
  let status = '';
  const total: Counts = { lines: 0, words: 0, runes: 0, broken: 0, bytes: 0 };
  for (const name of o.args) {
    let ch;
    try {
      ch = await open(p, name);
    } catch (e) {
      await out.flush();
      await p.err(`wc: can't open ${name}: ${fserr(p, e, name)}`);
      status = "can't open";
      continue;
    }
    let c: Counts;
    try {
      c = await count(ch);
    } catch (e) {
      await out.flush();
      await p.err(`wc: error reading ${name}: ${fserr(p, e, name)}`);
      status = 'read error';
      continue;
    } finally {
      ch.close();
    }
    for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += c[k];
    const w = out.put(report(c, which, name));
    if (w) await w;
  }
  if (o.args.length > 1) out.put(report(total, which, 'total'));
  await out.flush();
  return status;
});
