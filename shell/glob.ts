/*
 * rc patterns: * ? [class] [~class], for ~, switch cases and file-name globbing (rc's
 * rules for classes, matchClass below).
 *
 * A pattern string marks characters that came from quotes or variables (which never
 * match as metacharacters) by a preceding backslash; rc itself has no backslash escapes,
 * so the mark cannot clash with user text. escapePat() makes such text, unescapePat()
 * gives the literal back when a glob matches nothing.
 */
import type { Vfs } from '../ns/vfs.js';

const META = /[*?[\\]/;

export function escapePat(s: string): string {
  return META.test(s) ? s.replace(/[*?[\\]/g, '\\$&') : s;
}

export function unescapePat(s: string): string {
  return s.includes('\\') ? s.replace(/\\(.)/gs, '$1') : s;
}

/** Does the pattern hold an unescaped metacharacter? */
export function hasMeta(pat: string): boolean {
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

type Matcher = (s: string) => boolean;
const matchers = new Map<string, Matcher>();

/**
 * A matcher for pat (for ~ and case), specialised for the common shapes — plain text,
 * *suffix, prefix*, * — and cached, since a loop matches the same pattern many times.
 */
export function matcher(pat: string): Matcher {
  let m = matchers.get(pat);
  if (m) return m;
  if (!hasMeta(pat)) {
    const lit = unescapePat(pat);
    m = (s) => s === lit;
  } else if (pat === '*') m = () => true;
  else if (pat[0] === '*' && !hasMeta(pat.slice(1)) && pat[1] !== '*') {
    const suf = unescapePat(pat.slice(1));
    m = (s) => s.endsWith(suf);
  } else if (pat[pat.length - 1] === '*' && pat[pat.length - 2] !== '\\' && !hasMeta(pat.slice(0, -1))) {
    const pre = unescapePat(pat.slice(0, -1));
    m = (s) => s.startsWith(pre);
  } else m = (s) => matchAt(s, 0, pat, 0, false);
  if (matchers.size > 1024) matchers.clear();
  matchers.set(pat, m);
  return m;
}

/** Match s against pat; with path true, * ? and classes do not match '/'. */
export function match(s: string, pat: string, path = false): boolean {
  return path ? matchAt(s, 0, pat, 0, true) : matcher(pat)(s);
}

function matchAt(s: string, si: number, p: string, pi: number, path: boolean): boolean {
  while (pi < p.length) {
    const c = p[pi];
    if (c === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return !path || s.indexOf('/', si) < 0;
      for (let k = si; k <= s.length; k++) {
        if (matchAt(s, k, p, pi, path)) return true;
        if (path && s[k] === '/') return false;
      }
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      if (path && s[si] === '/') return false;
      si++;
      pi++;
      continue;
    }
    if (c === '[') {
      const r = matchClass(s[si], p, pi + 1);
      if (r === null || !r.ok || (path && s[si] === '/')) return false;
      si++;
      pi = r.next;
      continue;
    }
    let lit = c;
    if (c === '\\' && pi + 1 < p.length) lit = p[++pi];
    if (s[si] !== lit) return false;
    si++;
    pi++;
  }
  return si === s.length;
}

/**
 * rc's classes, which are not POSIX's: [~…] negates; a ] ends the class wherever it stands,
 * so [] is empty and [~] matches any character; a range takes any character after its -
 * (even ]) and a reversed range is swapped; a class with no closing ] matches nothing.
 * Gives null for an unclosed class.
 */
function matchClass(ch: string, p: string, pi: number): { ok: boolean; next: number } | null {
  let neg = false;
  if (p[pi] === '~') {
    neg = true;
    pi++;
  }
  let ok = false;
  const take = (): string => {
    if (p[pi] === '\\' && pi + 1 < p.length) pi++;
    return p[pi++];
  };
  for (;;) {
    if (pi >= p.length) return null;
    if (p[pi] === ']') break;
    let lo = take();
    if (p[pi] === '-' && pi + 1 < p.length) {
      pi++;
      let hi = take();
      if (lo > hi) [lo, hi] = [hi, lo];
      if (lo <= ch && ch <= hi) ok = true;
    } else if (lo === ch) ok = true;
  }
  return { ok: ok !== neg, next: pi + 1 };
}

/**
 * Expand a file-name pattern through the Vfs; relative patterns are resolved against cwd
 * and given back relative. Matches are sorted; none gives [].
 */
export async function glob(vfs: Vfs, cwd: string, pat: string): Promise<string[]> {
  const abs = pat.startsWith('/');
  const parts = pat.split('/');
  let found: string[] = [abs ? '/' : ''];
  const start = abs ? 1 : 0;
  for (let i = start; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const pre of found) {
      const join = (name: string) => (pre === '' ? name : pre === '/' ? '/' + name : pre + '/' + name);
      if (part === '') {
        next.push(pre === '/' ? '/' : pre + '/');
        continue;
      }
      if (!hasMeta(part)) {
        const name = unescapePat(part);
        if (last) {
          try {
            await vfs.stat(hostish(cwd, join(name)));
            next.push(join(name));
          } catch {
            /* no such file: no match */
          }
        } else next.push(join(name));
        continue;
      }
      let ents;
      try {
        ents = await vfs.readdir(hostish(cwd, pre === '' ? '.' : pre));
      } catch {
        continue;
      }
      const names = ents.map((d) => d.name).sort();
      for (const name of names) {
        if (matchAt(name, 0, part, 0, true)) {
          if (!last) {
            const d = ents.find((e) => e.name === name);
            if (d && (d.mode & 0x80000000) === 0) continue;
          }
          next.push(join(name));
        }
      }
    }
    found = next;
    if (found.length === 0) return [];
  }
  // A union directory may hold a name twice; a glob gives each name once.
  return [...new Set(found)].sort();
}

function hostish(cwd: string, p: string): string {
  if (p.startsWith('/')) return p;
  return (cwd === '/' ? '' : cwd) + '/' + p;
}
