/*
 * Tab completion, answered by the namespace: every directory listed is read with the
 * shell's Vfs (proc.vfs.readdir), so a bound, union or mounted directory completes like any
 * other and the host file system is never asked behind the namespace's back.
 *
 * What is completed depends on the word before the cursor (found with lex.ts):
 *   $na       variable names;
 *   a command word without a slash: functions, builtins, and the names in every
 *             directory of $path;
 *   anything else: a path, relative to the proc's cwd; the directory part may hold $vars.
 * The answer is the span of the line to replace and the choices, quoted as rc needs;
 * editor.ts decides whether to insert one, the common part, or show a menu.
 */
import type { Proc } from '../proc.js';
import type { Completion, CompletionItem } from './editor.js';
import { tokenize, type Tok } from './lex.js';
import { quote } from '../print.js';
import { resolvePath } from '../../ns/vfs.js';
import { DMDIR } from '../../ns/types.js';

/** A character no rc syntax uses, appended so the tokenizer shows the word being begun. */
const PROBE = '\u0001';

export async function completions(p: Proc, builtinNames: Iterable<string>, buf: string, cur: number): Promise<Completion> {
  const none = { buf, cur, start: cur, end: cur, items: [] };
  const before = buf.slice(0, cur);
  const toks = tokenize(before + PROBE);
  const probe = toks[toks.length - 1];
  if (!probe || probe.word < 0) return none;
  let pieces = toks.filter((t) => t.word === probe.word);
  // The probe alone is an empty word begun at the cursor; otherwise it ends the last piece.
  const cmd = pieces[0].cmd === true;
  if (probe.start === before.length) pieces = pieces.slice(0, -1);
  const start = pieces.length > 0 ? pieces[0].start : cur;
  const raw = before.slice(start);
  const last = pieces[pieces.length - 1];

  // $name: variables.
  if (last && last.kind === 'var') {
    const text = before.slice(last.start);
    const sigil = /^\$[#"]?/.exec(text)![0];
    const partial = text.slice(sigil.length);
    const names = [...p.vars.keys()].filter((n) => n.startsWith(partial)).sort();
    const items = names.map((n) => ({ text: sigil + n, label: sigil + n, suffix: '' }));
    return { buf, cur, start: last.start, end: cur, items };
  }
  if (pieces.some((t) => t.kind !== 'word' && t.kind !== 'quote' && t.kind !== 'var')) return none;

  const quoted = pieces.some((t) => t.kind === 'quote');
  const value = quoted ? unquote(pieces, before) : expandVars(p, raw);
  if (value === null) return none;

  // A command name: functions, builtins, and what $path holds.
  if (cmd && !value.includes('/') && !value.startsWith('#')) {
    const names = await commandNames(p, builtinNames, value);
    const items = names.map((n) => ({ text: quote(n), label: n, suffix: ' ' }));
    return { buf, cur, start, end: cur, items };
  }

  // A path. Without quotes only the last component is replaced; with them, the word.
  const slash = value.lastIndexOf('/');
  const dir = value.slice(0, slash + 1);
  const base = value.slice(slash + 1);
  const entries = await list(p, dir === '' ? '.' : dir);
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const e of entries) {
    if (!e.name.startsWith(base) || seen.has(e.name)) continue;
    if (e.name.startsWith('.') && !base.startsWith('.')) continue;
    seen.add(e.name);
    const isDir = (e.mode & DMDIR) !== 0;
    items.push({
      text: quoted ? quote(dir + e.name) : quote(e.name),
      label: e.name + (isDir ? '/' : ''),
      suffix: isDir ? '/' : ' ',
    });
  }
  items.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  if (quoted) {
    // A directory inside quotes: open the quote again so more can follow.
    for (const it of items as { text: string; suffix: string }[]) {
      if (it.suffix === '/') {
        it.text = it.text.endsWith("'") ? it.text.slice(0, -1) + "/'" : it.text + '/';
        it.suffix = '';
      }
    }
    return { buf, cur, start, end: cur, items };
  }
  const rawSlash = raw.lastIndexOf('/');
  return { buf, cur, start: start + rawSlash + 1, end: cur, items };
}

/** The word's value when it is made of plain and quoted pieces only. */
function unquote(pieces: Tok[], s: string): string | null {
  let v = '';
  for (const t of pieces) {
    const text = s.slice(t.start, Math.min(t.end, s.length));
    if (t.kind === 'word') v += text;
    else if (t.kind === 'quote') v += text.slice(1, t.open ? undefined : -1).replace(/''/g, "'");
    else return null;
  }
  return v;
}

/** A plain word with $name (single-valued) parts expanded; null when it is not that simple. */
function expandVars(p: Proc, raw: string): string | null {
  let bad = false;
  const v = raw.replace(/\$([A-Za-z0-9_*]+)|\$/g, (m, name: string | undefined) => {
    if (!name) {
      bad = true;
      return m;
    }
    const val = p.get(name);
    if (val.length !== 1) bad = true;
    return val[0] ?? '';
  });
  return bad ? null : v;
}

async function list(p: Proc, dir: string) {
  try {
    return await p.vfs.readdir(resolvePath(p.cwd, dir));
  } catch {
    return [];
  }
}

/** Names starting with prefix from functions, builtins and every directory of $path. */
export async function commandNames(p: Proc, builtinNames: Iterable<string>, prefix: string): Promise<string[]> {
  const names = new Set<string>();
  for (const n of p.fns.keys()) if (n.startsWith(prefix)) names.add(n);
  for (const n of builtinNames) if (n.startsWith(prefix)) names.add(n);
  const dirs = p.get('path');
  const lists = await Promise.all(dirs.map((d) => list(p, d === '' ? '.' : d)));
  for (const l of lists) {
    for (const e of l) if (e.name.startsWith(prefix) && (e.mode & DMDIR) === 0 && !e.name.startsWith('.')) names.add(e.name);
  }
  return [...names].sort();
}
