/*
 * The namespace as text: the lines of /proc/N/ns (proc(3)) and of namespace files
 * (namespace(6)). One mount is one line, `bind FLAGS new old` or `mount FLAGS srv old
 * [spec]`, with FLAGS as devproc.c prints them (`-a`, `-b`, `-c`, `-C`, combined, or
 * nothing — leaving two spaces), names quoted as rc quotes them; the last line is `cd DIR`.
 * Lines are split as Plan 9's tokenize does (spaces and tabs; '…' quotes with '' for a
 * quote), and parseNsOp turns tokens into one operation or fails with `bad arg in system
 * call`.
 */
import { Ebadarg } from './errors.js';
import { MAFTER, MBEFORE, MCACHE, MCREATE, type Mount, type MountHead } from './mount.js';
import { NsError } from './types.js';

const RCSPECIAL = "`^#*[]=|\\?${}()'<>&;";

/** rc's quoting: quote when empty or holding a blank, control or rc-special character. */
export function rcquote(s: string): string {
  if (s === '') return "''";
  for (const ch of s) {
    if (ch <= ' ' || RCSPECIAL.includes(ch)) return "'" + s.replace(/'/g, "''") + "'";
  }
  return s;
}

/** Plan 9 tokenize: whitespace-separated, single quotes group, '' inside quotes is a quote. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t' || line[i] === '\r' || line[i] === '\n')) i++;
    if (i >= n) break;
    let tok = '';
    let quoted = false;
    while (i < n) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === "'") {
          if (line[i + 1] === "'") {
            tok += "'";
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          continue;
        }
        tok += ch;
        i++;
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') break;
      if (ch === "'") {
        quoted = true;
        i++;
        continue;
      }
      tok += ch;
      i++;
    }
    out.push(tok);
  }
  return out;
}

export function flagString(flag: number): string {
  if (flag === 0) return '';
  let s = '-';
  if (flag & MAFTER) s += 'a';
  if (flag & MBEFORE) s += 'b';
  if (flag & MCREATE) s += 'c';
  if (flag & MCACHE) s += 'C';
  return s;
}

export function renderMount(head: MountHead, m: Mount): string {
  const flag = flagString(m.flag);
  if (m.srv !== undefined) {
    const spec = m.spec !== '' ? ' ' + rcquote(m.spec) : '';
    return `mount ${flag} ${rcquote(m.srv)} ${rcquote(head.from.path)}${spec}`;
  }
  return `bind ${flag} ${rcquote(m.to.path)} ${rcquote(head.from.path)}`;
}

export type NsOp =
  | { op: 'bind'; flag: number; quiet: boolean; new: string; old: string }
  | { op: 'mount'; flag: number; quiet: boolean; srv: string; old: string; spec: string }
  | { op: 'unmount'; new?: string; old: string }
  | { op: 'cd'; dir: string }
  | { op: 'clear' }
  | { op: 'include'; file: string }
  | { op: 'unknown'; verb: string }
  | { op: 'empty' };

const bad = (): NsError => new NsError(Ebadarg);

/** Flags from leading `-xyz` tokens; `allowed` lists the letters this caller accepts. */
function parseFlags(args: string[], allowed: string): { flag: number; quiet: boolean; rest: string[] } {
  let flag = 0;
  let quiet = false;
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-') && args[i]!.length > 1; i++) {
    for (const ch of args[i]!.slice(1)) {
      if (!allowed.includes(ch)) throw bad();
      if (ch === 'a') flag |= MAFTER;
      else if (ch === 'b') flag |= MBEFORE;
      else if (ch === 'c') flag |= MCREATE;
      else if (ch === 'C') flag |= MCACHE;
      else if (ch === 'q') quiet = true;
    }
  }
  if ((flag & MAFTER) && (flag & MBEFORE)) throw bad();
  return { flag, quiet, rest: args.slice(i) };
}

/**
 * One line's operation. `flags` lists the option letters accepted (namespace files take
 * -q as bind(1) does; /proc/N/ns takes -abcC).
 */
export function parseNsOp(tokens: string[], flags = 'abcC'): NsOp {
  if (tokens.length === 0) return { op: 'empty' };
  const [verb, ...args] = tokens as [string, ...string[]];
  switch (verb) {
    case 'bind': {
      const { flag, quiet, rest } = parseFlags(args, flags);
      if (rest.length !== 2 || (flag & MCACHE)) throw bad();
      return { op: 'bind', flag, quiet, new: rest[0]!, old: rest[1]! };
    }
    case 'mount': {
      const { flag, quiet, rest } = parseFlags(args, flags);
      if (rest.length !== 2 && rest.length !== 3) throw bad();
      return { op: 'mount', flag, quiet, srv: rest[0]!, old: rest[1]!, spec: rest[2] ?? '' };
    }
    case 'unmount':
      if (args.length === 1) return { op: 'unmount', old: args[0]! };
      if (args.length === 2) return { op: 'unmount', new: args[0]!, old: args[1]! };
      throw bad();
    case 'cd':
      if (args.length !== 1) throw bad();
      return { op: 'cd', dir: args[0]! };
    case 'clear':
      if (args.length !== 0) throw bad();
      return { op: 'clear' };
    case '.':
      if (args.length !== 1) throw bad();
      return { op: 'include', file: args[0]! };
    default:
      return { op: 'unknown', verb };
  }
}
