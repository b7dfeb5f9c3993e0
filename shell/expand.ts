/*
 * Words -> lists of strings.
 *
 * Each Word is compiled once into a closure. Most words expand synchronously; only
 * backquote substitution and <{…}/>{…} (which run commands) return Promises, and the
 * closures pass a Promise on only when one of their parts made one.
 *
 * In pattern mode (arguments that may glob, ~ and case patterns) text from quotes and
 * variables is escaped (see glob.ts), so only the script's own unquoted * ? [ match.
 */
import type { Cmd, Word } from './ast.js';
import { isPositional, type MaybePromise, type Proc, RcError } from './proc.js';
import { escapePat, glob, hasMeta, unescapePat } from './glob.js';

export type Ex = (p: Proc) => MaybePromise<string[]>;

/** Services the expander needs from the interpreter (backquote, <{}), to keep layers apart. */
export interface Runner {
  compile(cmd: Cmd): (p: Proc) => MaybePromise<void>;
  backquote(p: Proc, code: (p: Proc) => MaybePromise<void>): Promise<string>;
  pipefd(p: Proc, dir: '<' | '>', code: (p: Proc) => MaybePromise<void>): Promise<string>;
}

export function isPromise<T>(x: MaybePromise<T>): x is Promise<T> {
  return x instanceof Promise;
}

function then<T, U>(x: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(x) ? x.then(f) : f(x);
}

export function concat(l: string[], r: string[]): string[] {
  if (l.length === 0 && r.length === 0) return l;
  if (l.length === 0 || r.length === 0) throw new RcError('null list in concatenation');
  if (l.length === 1) return r.map((s) => l[0] + s);
  if (r.length === 1) return l.map((s) => s + r[0]);
  if (l.length !== r.length) throw new RcError('mismatched list lengths in concatenation');
  return l.map((s, i) => s + r[i]);
}

/** Does the word hold unquoted literal text with * ? or [ (so it may glob)? */
export function mayGlob(w: Word): boolean {
  switch (w.t) {
    case 'lit':
      return !w.q && /[*?[]/.test(w.s);
    case 'cat':
      return mayGlob(w.l) || mayGlob(w.r);
    case 'list':
      return w.items.some(mayGlob);
    default:
      return false;
  }
}

function single(p: Proc, v: string[], what: string): string {
  if (v.length !== 1) throw new RcError(`${what} not singleton!`);
  return v[0];
}

/** Parse one subscript: n, n-m, n- (1-based); returns the selected elements. */
function subscript(list: string[], idx: string[]): string[] {
  const out: string[] = [];
  for (const s of idx) {
    const m = /^([0-9]+)(-([0-9]*))?$/.exec(s);
    if (!m) continue;
    const a = parseInt(m[1], 10);
    if (m[2] === undefined) {
      if (a >= 1 && a <= list.length) out.push(list[a - 1]);
      continue;
    }
    const b = m[3] === '' ? list.length : parseInt(m[3], 10);
    for (let i = Math.max(a, 1); i <= Math.min(b, list.length); i++) out.push(list[i - 1]);
  }
  return out;
}

export function compileWord(w: Word, r: Runner, pat = false): Ex {
  switch (w.t) {
    case 'lit': {
      const v = [pat && w.q ? escapePat(w.s) : w.s];
      return () => v;
    }
    case 'var': {
      const name = varName(w.name, r);
      const sub = w.sub ? compileList(w.sub, r) : null;
      const esc = pat ? (l: string[]) => l.map(escapePat) : (l: string[]) => l;
      if (typeof name === 'string' && !sub && isPositional(name)) {
        const n = parseInt(name, 10);
        return pat ? (p) => esc(p.positional(n)) : (p) => p.positional(n);
      }
      if (typeof name === 'string' && !sub) return pat ? (p) => esc(p.get(name)) : (p) => p.get(name);
      if (!sub && isSyncWord(w.name)) {
        const sn = name as (p: Proc) => string;
        return pat ? (p) => esc(p.get(sn(p))) : (p) => p.get(sn(p));
      }
      return (p) =>
        then(typeof name === 'string' ? name : name(p), (n) => {
          const v = p.get(n);
          if (!sub) return esc(v);
          return then(sub(p), (idx) => esc(subscript(v, idx)));
        });
    }
    case 'count': {
      const name = varName(w.name, r);
      if (typeof name === 'string') return (p) => [String(p.peek(name).length)];
      return (p) => then(name(p), (n) => [String(p.peek(n).length)]);
    }
    case 'flat': {
      const name = varName(w.name, r);
      return (p) =>
        then(typeof name === 'string' ? name : name(p), (n) => {
          const s = p.peek(n).join(' ');
          return [pat ? escapePat(s) : s];
        });
    }
    case 'cat': {
      if (isSyncWord(w)) return catSync(w, r, pat);
      const l = compileWord(w.l, r, pat);
      const rr = compileWord(w.r, r, pat);
      return (p) => then(l(p), (a) => then(rr(p), (b) => concat(a, b)));
    }
    case 'list':
      return compileList(w.items, r, pat);
    case 'bq': {
      const code = r.compile(w.body);
      const sep = w.sep ? compileWord(w.sep, r) : null;
      return (p) =>
        then(sep ? sep(p) : p.get('ifs'), (ifs) =>
          r.backquote(p, code).then((out) => {
            const l = split(out, sep ? ifs.join('') : ifs.join(''));
            return pat ? l.map(escapePat) : l;
          }),
        );
    }
    case 'pipefd': {
      const code = r.compile(w.body);
      return (p) => r.pipefd(p, w.dir, code).then((name) => [pat ? escapePat(name) : name]);
    }
  }
}

/** A variable's name: a constant string when the word is plain literal text. */
function varName(w: Word, r: Runner): string | ((p: Proc) => MaybePromise<string>) {
  if (w.t === 'lit') return w.s;
  const e = compileWord(w, r);
  if (isSyncWord(w)) return (p) => single(p, e(p) as string[], 'variable name');
  return (p) => then(e(p), (v) => single(p, v, 'variable name'));
}

/** Does the word expand without running a command (no backquote, no <{…})? Then its closure never returns a Promise. */
export function isSyncWord(w: Word): boolean {
  switch (w.t) {
    case 'lit':
      return true;
    case 'var':
      return isSyncWord(w.name) && (w.sub === null || w.sub.every(isSyncWord));
    case 'count':
    case 'flat':
      return isSyncWord(w.name);
    case 'cat':
      return isSyncWord(w.l) && isSyncWord(w.r);
    case 'list':
      return w.items.every(isSyncWord);
    default:
      return false;
  }
}

/**
 * a^b^c… with no command in it, as one step: the parts are fetched left to right (the
 * parser builds carets left-deep) and, while each is one word, joined as strings
 * without a list per caret; otherwise concat() folds them as the tree would.
 */
function catSync(w: Word, r: Runner, pat: boolean): Ex {
  const ws: Word[] = [];
  let x = w;
  for (; x.t === 'cat'; x = x.l) ws.push(x.r);
  ws.push(x);
  ws.reverse();
  const parts = ws.map((y) => compileWord(y, r, pat) as (p: Proc) => string[]);
  const n = parts.length;
  return (p) => {
    let s = '';
    for (let i = 0; i < n; i++) {
      const v = parts[i](p);
      if (v.length === 1) {
        s += v[0];
        continue;
      }
      let acc = i === 0 ? v : concat([s], v);
      for (i++; i < n; i++) acc = concat(acc, parts[i](p));
      return acc;
    }
    return [s];
  };
}

const splitters = new Map<string, RegExp>();

/** Split backquote output on any of the ifs characters, dropping empty fields. */
export function split(s: string, ifs: string): string[] {
  if (ifs === '') return s === '' ? [] : [s];
  let re = splitters.get(ifs);
  if (!re) {
    re = new RegExp('[' + ifs.replace(/[\\\]^-]/g, '\\$&') + ']+');
    if (splitters.size < 64) splitters.set(ifs, re);
  }
  const out = s.split(re);
  if (out.length > 0 && out[0] === '') out.shift();
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

export function compileList(ws: Word[], r: Runner, pat = false): Ex {
  if (ws.length === 1) return compileWord(ws[0], r, pat);
  const parts = ws.map((w) => compileWord(w, r, pat));
  return (p) => {
    const out: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const v = parts[i](p);
      if (isPromise(v)) return v.then((v) => finish(p, parts, i, out.concat(v)));
      for (const s of v) out.push(s);
    }
    return out;
  };
}

async function finish(p: Proc, parts: Ex[], i: number, out: string[]): Promise<string[]> {
  for (let j = i + 1; j < parts.length; j++) out = out.concat(await parts[j](p));
  return out;
}

/**
 * Command arguments: each word expanded, and words that may glob expanded as patterns and
 * matched against the file system (a pattern that matches nothing stays as it was).
 */
export function compileArgs(ws: Word[], r: Runner): Ex {
  if (ws.every((w) => !mayGlob(w) && isSyncWord(w))) return argsSync(ws, r);
  const parts: Ex[] = ws.map((w) => {
    if (!mayGlob(w)) return compileWord(w, r);
    const pe = compileWord(w, r, true);
    return (p) =>
      then(pe(p), async (pats) => {
        const out: string[] = [];
        for (const pt of pats) {
          if (hasMeta(pt)) {
            const m = await glob(p.vfs, p.cwd, pt);
            if (m.length > 0) {
              for (const s of m) out.push(s);
              continue;
            }
          }
          out.push(unescapePat(pt));
        }
        return out;
      });
  });
  return (p) => {
    const out: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const v = parts[i](p);
      if (isPromise(v)) return v.then((v) => finish(p, parts, i, out.concat(v)));
      for (const s of v) out.push(s);
    }
    return out;
  };
}

/** compileArgs for words that neither glob nor run a command: plain text is put in as it is. */
function argsSync(ws: Word[], r: Runner): Ex {
  const parts = ws.map((w) => (w.t === 'lit' ? w.s : (compileWord(w, r) as (p: Proc) => string[])));
  const n = parts.length;
  return (p) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const x = parts[i];
      if (typeof x === 'string') out.push(x);
      else {
        const v = x(p);
        for (let j = 0; j < v.length; j++) out.push(v[j]);
      }
    }
    return out;
  };
}

/** The patterns of words that are all literal text, known when compiled; else null. */
export function constPatterns(ws: Word[]): string[] | null {
  const out: string[] = [];
  for (const w of ws) {
    if (w.t !== 'lit') return null;
    out.push(w.q ? escapePat(w.s) : w.s);
  }
  return out;
}

/** Patterns for ~ and case: expanded in pattern mode, never globbed. */
export function compilePatterns(ws: Word[], r: Runner): Ex {
  return compileList(ws, r, true);
}
