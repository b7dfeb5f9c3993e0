/*
 * ls and lc, after Plan 9's ls(1). Arguments are taken in order: files gather in a batch,
 * a directory first prints the batch, then its own entries as a batch of their own (so
 * `ls d .` lists d, then .). Each batch is sorted (by name, or -t time, -r reversed, -n
 * not at all), its column widths measured, then printed. lc is ls -p set in columns, as
 * Plan 9's `ls -p | mc`.
 */
import type { ProcLike } from '../types.js';
import type { Dir } from '../../ns/types.js';
import { cmd, fserr, getopts, isDir, Out, stat, usage, abs } from './lib.js';
import { lsTime, modeString, quote } from './dirfmt.js';

const USAGE = 'usage: ls [-dlmnpqrstuFQ] [file ...]';

interface Ent {
  d: Dir;
  /** The directory part the user typed, printed before the name unless -p ('' for /name). */
  prefix?: string;
}

export interface LsFlags {
  has: Set<string>;
  now: number;
}

/** The batch in the order ls prints it. */
export function sortEnts(ents: Ent[], f: Set<string>): Ent[] {
  if (f.has('n')) return ents;
  const idx = new Map(ents.map((e, i) => [e, i]));
  const cmp = (a: Ent, b: Ent): number => {
    let i: number;
    if (f.has('t')) i = f.has('u') ? b.d.atime - a.d.atime : b.d.mtime - a.d.mtime;
    else if (a.prefix !== undefined && b.prefix !== undefined) i = strcmp(a.prefix, b.prefix) || strcmp(a.d.name, b.d.name);
    // Plan 9's ls compares a directory part against the other's bare name: `ls /proc /dev/null` puts /proc first.
    else if (a.prefix !== undefined) i = strcmp(a.prefix, b.d.name) || 1;
    else if (b.prefix !== undefined) i = strcmp(a.d.name, b.prefix) || -1;
    else i = strcmp(a.d.name, b.d.name);
    if (i === 0) i = idx.get(a)! - idx.get(b)!;
    return f.has('r') ? -i : i;
  };
  return [...ents].sort(cmp);
}

const HIGH = /[\ud800-\uffff]/;

/** Byte order of the UTF-8 forms, as C's strcmp; UTF-16 order agrees below U+D800. */
function strcmp(a: string, b: string): number {
  if (HIGH.test(a) || HIGH.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The lines of one batch: widths measured over the batch, then one line per entry. */
export function formatEnts(ents: Ent[], f: LsFlags): string[] {
  const h = f.has;
  let sw = 0;
  let qw = 0;
  let mw = 0;
  let vw = 0;
  let uw = 0;
  let glw = 0;
  for (const { d } of ents) {
    if (h.has('s')) sw = Math.max(sw, String(Math.floor((d.length + 1023) / 1024)).length);
    if (h.has('q')) qw = Math.max(qw, String(d.qid.vers >>> 0).length);
    if (h.has('m')) mw = Math.max(mw, d.muid.length + 2);
    if (h.has('l')) {
      vw = Math.max(vw, String(d.dev >>> 0).length);
      uw = Math.max(uw, d.uid.length);
      glw = Math.max(glw, String(d.length).length + d.gid.length);
    }
  }
  return ents.map(({ d, prefix }) => {
    let s = '';
    if (h.has('s')) s += String(Math.floor((d.length + 1023) / 1024)).padStart(sw) + ' ';
    if (h.has('m')) s += `[${d.muid}] `.padEnd(mw + 1);
    if (h.has('q')) s += `(${d.qid.path.toString(16).padStart(16, '0')} ${String(d.qid.vers >>> 0).padStart(qw)} ${d.qid.type.toString(16).padStart(2, '0')}) `;
    if (h.has('l')) {
      const when = h.has('u') ? d.atime : d.mtime;
      s +=
        `${modeString(d.mode)} ${d.type ? String.fromCodePoint(d.type) : '\u0000'} ${String(d.dev >>> 0).padStart(vw)} ` +
        `${d.uid.padEnd(uw)} ${d.gid} ${String(d.length).padStart(glw - d.gid.length)} ${lsTime(when, f.now)} `;
    }
    const name = h.has('p') || prefix === undefined ? d.name : prefix === '/' ? '/' + d.name : prefix + '/' + d.name;
    s += h.has('Q') ? name : quote(name);
    if (h.has('F')) s += isDir(d) ? '/' : d.mode & 0o111 ? '*' : '';
    return s;
  });
}

/** Words set in columns as Plan 9's mc does: column-major, tab stops, width columns wide. */
export function columnate(words: string[], width: number): string[] {
  if (words.length === 0) return [];
  const len = (w: string) => [...w].length;
  const max = Math.max(...words.map(len));
  const colw = (Math.floor(max / 8) + 1) * 8;
  const ncol = Math.max(1, Math.floor(width / colw));
  const nrow = Math.ceil(words.length / ncol);
  const lines: string[] = [];
  for (let r = 0; r < nrow; r++) {
    let s = '';
    for (let c = 0; c < ncol; c++) {
      const i = c * nrow + r;
      if (i >= words.length) break;
      s += words[i];
      if (i + nrow < words.length) s += '\t'.repeat(Math.ceil((colw - len(words[i]!)) / 8));
    }
    lines.push(s);
  }
  return lines;
}

/** A typed name without trailing slashes (`/` stays `/`). */
function trimSlash(s: string): string {
  const t = s.replace(/\/+$/, '');
  return t === '' && s !== '' ? '/' : t;
}

async function list(p: ProcLike, argv: string[], name: string, lc: boolean): Promise<string> {
  const o = getopts(argv, 'dlmnpqrstuFQ');
  if (!o) return usage(p, USAGE);
  const f: LsFlags = { has: o.has, now: Math.floor(Date.now() / 1000) };
  if (lc) f.has.add('p');
  const out = new Out(p);
  const words: string[] = [];
  let batch: Ent[] = [];
  const flush = async () => {
    const lines = formatEnts(sortEnts(batch, f.has), f);
    batch = [];
    if (lc) {
      for (const l of lines) words.push(l);
      return;
    }
    for (const l of lines) {
      const w = out.put(l + '\n');
      if (w) await w;
    }
  };
  let errs = false;
  const one = async (arg: string, multi: boolean) => {
    let d: Dir;
    try {
      d = await stat(p, arg);
    } catch (e) {
      await out.flush();
      await p.err(`${name}: ${arg}: ${fserr(p, e, arg)}`);
      errs = true;
      return;
    }
    if (isDir(d) && !f.has.has('d')) {
      await flush();
      let ents: Dir[];
      try {
        ents = await p.vfs.readdir(abs(p, arg));
      } catch (e) {
        await out.flush();
        await p.err(`${name}: ${arg}: ${fserr(p, e, arg)}`);
        errs = true;
        return;
      }
      const prefix = multi ? trimSlash(arg) : undefined;
      batch = ents.map((e) => ({ d: e, prefix }));
      await flush();
      return;
    }
    const t = trimSlash(arg);
    const slash = t.lastIndexOf('/');
    if (t === '/' || slash < 0) batch.push({ d: { ...d, name: t } });
    else batch.push({ d: { ...d, name: t.slice(slash + 1) }, prefix: t.slice(0, slash) });
  };
  if (o.args.length === 0) await one('.', false);
  else for (const a of o.args) await one(a, true);
  await flush();
  if (lc) {
    const cols = Number(p.get('COLUMNS')[0]);
    for (const l of columnate(words, cols > 0 ? cols : 80)) {
      const w = out.put(l + '\n');
      if (w) await w;
    }
  }
  await out.flush();
  return errs ? 'errors' : '';
}

export const ls = cmd('ls', (p, argv) => list(p, argv, 'ls', false));
export const lc = cmd('lc', (p, argv) => list(p, argv, 'lc', true));
