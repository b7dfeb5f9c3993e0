/*
 * test expr, after Plan 9's test(1). The grammar is its recursive descent, operator for
 * operator:
 *
 *   e  : e1 [-o e]          e1 : e2 [-a e1]          e2 : ! e2 | e3
 *   e3 : ( e ) | -[AL T f d r w x e s] file | -t [fd] | -[nz] s | -[bcgu] x
 *      | s [= s | != s | -older t | -ot f | -nt f | -eq.. n]
 *
 * A bare string not followed by a known operator is a syntax error, as in Plan 9's; both
 * sides of -a and -o are always parsed (9front's test; plan9port's skips the right side
 * unparsed, so `-d x -a -d y -o -f z` went wrong). A false test exits `false`, a syntax
 * error `bad syntax` after `test: …` on fd 2.
 * File tests stat through the namespace; -r -w -x check the permission bits that apply
 * to $user (owner bits when the file is theirs, else others').
 */
import { isatty } from 'node:tty';
import type { ProcLike } from '../types.js';
import { DMAPPEND, DMEXCL, DMTMP, type Dir } from '../../ns/types.js';
import { cmd, open, readAll, tryStat } from './lib.js';

class Syntax {
  constructor(readonly msg: string) {}
}

/** What the evaluator needs from the world; test.ts's unit tests give their own. */
export interface TestEnv {
  stat(name: string): Promise<Dir | undefined>;
  isatty(fd: number): boolean;
  user: string;
  now: number;
}

/** strtol(s, &end, 0) that must use all of s: 0x hex, 0 octal, decimal; '' is 0. */
export function isInt(s: string): number | undefined {
  const m = /^\s*([-+]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))?$/.exec(s);
  if (!m) return undefined;
  const v = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : m[4] !== undefined ? parseInt(m[4], 10) : 0;
  if (m[1] !== '' && m[2] === undefined && m[3] === undefined && m[4] === undefined) return undefined;
  return m[1] === '-' ? -v : v;
}

/** Evaluate argv (without the command name); a Syntax error is thrown as its message. */
export async function evalTest(args: string[], env: TestEnv): Promise<boolean> {
  let ap = 0;
  const ac = args.length;
  const bad = (a: string, b = ''): never => {
    throw new Syntax(a + b);
  };
  /** The next argument; at the end, undefined when mt, else a syntax error. */
  const next = (mt: boolean): string | undefined => {
    if (ap >= ac) {
      if (mt) {
        ap++;
        return undefined;
      }
      return bad('argument expected');
    }
    return args[ap++];
  };
  const arg = () => next(false)!;

  const mode = async (f: string, bit: number) => {
    const d = await env.stat(f);
    return d !== undefined && (d.mode & bit) !== 0;
  };
  const access = async (f: string, want: number) => {
    const d = await env.stat(f);
    if (!d) return false;
    if (want === 0) return true;
    const bits = d.uid === env.user ? (d.mode >>> 6) & 7 : d.mode & 7;
    return (bits & want) === want;
  };
  const mtime = async (f: string) => (await env.stat(f))?.mtime;

  const e = async (): Promise<boolean> => {
    const p1 = await e1();
    if (next(true) === '-o') {
      const p2 = await e();
      return p1 || p2;
    }
    ap--;
    return p1;
  };
  const e1 = async (): Promise<boolean> => {
    const p1 = await e2();
    if (next(true) === '-a') {
      const p2 = await e1();
      return p1 && p2;
    }
    ap--;
    return p1;
  };
  const e2 = async (): Promise<boolean> => {
    if (next(false) === '!') return !(await e2());
    ap--;
    return e3();
  };
  const e3 = async (): Promise<boolean> => {
    const a = arg();
    switch (a) {
      case '(': {
        const p1 = await e();
        if (next(false) !== ')') bad(') expected');
        return p1;
      }
      case '-A':
        return mode(arg(), DMAPPEND);
      case '-L':
        return mode(arg(), DMEXCL);
      case '-T':
        return mode(arg(), DMTMP);
      case '-f': {
        const d = await env.stat(arg());
        return d !== undefined && (d.mode & 0x80000000) === 0;
      }
      case '-d': {
        const d = await env.stat(arg());
        return d !== undefined && (d.mode & 0x80000000) !== 0;
      }
      case '-r':
        return access(arg(), 4);
      case '-w':
        return access(arg(), 2);
      case '-x':
        return access(arg(), 1);
      case '-e':
        return access(arg(), 0);
      case '-c':
      case '-b':
      case '-u':
      case '-g':
        return false;
      case '-s': {
        const d = await env.stat(arg());
        return d !== undefined && d.length > 0;
      }
      case '-t': {
        if (ap >= ac) return env.isatty(1);
        const n = isInt(args[ap]!);
        if (n === undefined) return bad('not a valid file descriptor number ');
        ap++;
        return env.isatty(n);
      }
      case '-n':
        return arg() !== '';
      case '-z':
        return arg() === '';
    }
    const p2 = next(true);
    if (p2 === undefined) return a !== '';
    switch (p2) {
      case '=':
        return arg() === a;
      case '!=':
        return arg() !== a;
      case '-older': {
        const t = arg();
        const ago = duration(t);
        if (ago === undefined) return bad('bad time syntax, ', t);
        const m = await mtime(a);
        return m !== undefined && m + ago < env.now;
      }
      case '-ot': {
        const b = await mtime(arg());
        const m = await mtime(a);
        return m !== undefined && b !== undefined && m < b;
      }
      case '-nt': {
        const b = await mtime(arg());
        const m = await mtime(a);
        return m !== undefined && b !== undefined && m > b;
      }
    }
    const i1 = isInt(a);
    if (i1 === undefined) return bad('unexpected operator/operand: ', p2);
    const i2 = ap < ac ? isInt(args[ap]!) : undefined;
    if (i2 !== undefined) {
      ap++;
      switch (p2) {
        case '-eq':
          return i1 === i2;
        case '-ne':
          return i1 !== i2;
        case '-gt':
          return i1 > i2;
        case '-lt':
          return i1 < i2;
        case '-ge':
          return i1 >= i2;
        case '-le':
          return i1 <= i2;
      }
    }
    return bad('unknown operator ', p2);
  };

  if (ac === 0) return false;
  const r = await e();
  if (ap < ac) bad('unexpected operator/operand: ', args[ap]);
  return r;
}

/**
 * -older's age in seconds: a sum of numbers each followed by y, M (30 days), d, h, m or s;
 * a last number without a unit is seconds. Undefined for anything else.
 */
export function duration(t: string): number | undefined {
  const unit: Record<string, number> = { y: 12 * 30 * 86400, M: 30 * 86400, d: 86400, h: 3600, m: 60, s: 1, '': 1 };
  let n = 0;
  let at = 0;
  for (const m of t.matchAll(/(\d*)([yMdhms]?)/g)) {
    if (m[0] === '') break;
    at += m[0].length;
    if (m[2] === '' && at !== t.length) return undefined;
    n += parseInt(m[1] || '0', 10) * unit[m[2]!]!;
  }
  return at === t.length ? n : undefined;
}

function ttyOf(p: ProcLike, fd: number): boolean {
  const fds = (p as unknown as { fds?: { get(fd: number): { hostFd?: number; path: string } | undefined } }).fds;
  const c = fds?.get(fd);
  if (!c) return false;
  if (c.path === '/dev/cons' || c.path === '#c/cons') return true;
  return c.hostFd !== undefined && isatty(c.hostFd);
}

/** Who the process runs as: $user, else what /dev/user says. */
async function userName(p: ProcLike): Promise<string> {
  const u = p.get('user')[0];
  if (u) return u;
  try {
    const ch = await open(p, '/dev/user');
    try {
      return (await readAll(ch)).toString('utf8').trim();
    } finally {
      ch.close();
    }
  } catch {
    return '';
  }
}

export const test = cmd('test', async (p, argv) => {
  const env: TestEnv = {
    stat: (name) => tryStat(p, name),
    isatty: (fd) => ttyOf(p, fd),
    user: await userName(p),
    now: Math.floor(Date.now() / 1000),
  };
  try {
    return (await evalTest(argv.slice(1), env)) ? '' : 'false';
  } catch (e) {
    if (!(e instanceof Syntax)) throw e;
    await p.err(`test: ${e.msg}`);
    return 'bad syntax';
  }
});
