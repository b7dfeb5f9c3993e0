/*
 * What the ants commands share: Plan 9's ARGBEGIN option parsing, a buffered writer for
 * fd 1, opening and reading files through the caller's namespace, and the one wrapper
 * (cmd) that turns anything a command throws into Plan 9 text on fd 2 and a status, so a
 * user never sees a JavaScript exception.
 */
import type { Builtin, ProcLike, Shell } from '../types.js';
import { errstr } from '../errstr.js';
import { type Chan, resolvePath } from '../../ns/vfs.js';
import { type Dir, OREAD } from '../../ns/types.js';
import { Eclosedpipe } from '../../ns/errors.js';

/** Thrown by a command to stop with a status after it has said why (sysfatal, usage). */
export class Exit {
  constructor(readonly status: string) {}
}

export interface Opts {
  /** Flags seen, in order, each with its argument when it takes one. */
  has: Set<string>;
  val: Map<string, string[]>;
  args: string[];
}

/**
 * Parse argv[1..] as Plan 9's ARGBEGIN does: clusters like -lt, a flag listed as `x:` in
 * spec takes the rest of its cluster or the next word, `--` ends flags, so does `-` alone
 * or any word not starting with `-`. An unknown flag is a usage error (undefined), unless
 * lenient, when a word starting with one ends the flags (seq reads `-5` as a number).
 */
export function getopts(argv: string[], spec: string, lenient = false): Opts | undefined {
  const takes = new Set<string>();
  const known = new Set<string>();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === ':') continue;
    known.add(c);
    if (spec[i + 1] === ':') takes.add(c);
  }
  const o: Opts = { has: new Set(), val: new Map(), args: [] };
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.length < 2 || a[0] !== '-') break;
    if (lenient && !known.has(a[1]!)) break;
    let j = 1;
    for (; j < a.length; j++) {
      const c = a[j]!;
      if (!known.has(c)) return undefined;
      o.has.add(c);
      if (takes.has(c)) {
        let v = a.slice(j + 1);
        if (v === '') {
          if (i + 1 >= argv.length) return undefined;
          v = argv[++i]!;
        }
        const l = o.val.get(c) ?? [];
        l.push(v);
        o.val.set(c, l);
        break;
      }
    }
  }
  o.args = argv.slice(i);
  return o;
}

/** Print a usage line and stop with status `usage`. */
export async function usage(p: ProcLike, text: string): Promise<never> {
  await p.err(text);
  throw new Exit('usage');
}

const LIMIT = 64 * 1024;

/**
 * Output gathered into ~64 KiB writes. put() returns a Promise only when it flushed, so a
 * loop printing many short lines awaits once per 64 KiB: `const w = out.put(s); if (w) await w;`.
 */
export class Out {
  /** Buffers already complete, then text still being gathered (joined once, not per line). */
  private parts: Buffer[] = [];
  private text = '';
  private n = 0;

  constructor(
    private readonly p: ProcLike,
    private readonly fd = 1,
  ) {}

  put(s: string | Buffer): Promise<void> | undefined {
    if (typeof s === 'string') this.text += s;
    else {
      if (this.text !== '') this.parts.push(Buffer.from(this.text));
      this.text = '';
      this.parts.push(s);
    }
    this.n += s.length;
    return this.n >= LIMIT ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.text !== '') this.parts.push(Buffer.from(this.text));
    const parts = this.parts;
    this.parts = [];
    this.text = '';
    this.n = 0;
    if (parts.length === 0) return;
    await this.p.write(this.fd, parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }
}

/** The namespace path of a name the user typed. */
export const abs = (p: ProcLike, name: string): string => resolvePath(p.cwd, name);

/** An error's text with the user's name for the file (see errstr.ts). */
export const fserr = (p: ProcLike, e: unknown, name: string): string => errstr(e, p.cwd, name);

export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Is e the error of a write to a pipe whose reader is gone? */
export const closedPipe = (e: unknown): boolean => errText(e) === Eclosedpipe;

/**
 * Open a file for a command. Its reads and writes are the command's system calls, as
 * Proc.read and Proc.write are: a note lands at each, and a loop over a file that never
 * waits (wc -c /dev/zero) still lets the event loop run.
 */
export async function open(p: ProcLike, name: string, mode = OREAD): Promise<Chan> {
  return syscalls(p, await p.vfs.open(abs(p, name), mode));
}

function syscalls(p: ProcLike, c: Chan): Chan {
  return {
    path: c.path,
    get hostFd() {
      return c.hostFd;
    },
    read: async (n) => {
      await p.syscall();
      return c.read(n, p.signal);
    },
    write: async (b) => {
      await p.syscall();
      return c.write(b);
    },
    close: () => c.close(),
    ...(c.pread && { pread: c.pread.bind(c) }),
    ...(c.pwrite && { pwrite: c.pwrite.bind(c) }),
    ...(c.unread && { unread: c.unread.bind(c) }),
    ...(c.ready && { ready: c.ready.bind(c) }),
  };
}

export function stat(p: ProcLike, name: string): Promise<Dir> {
  return p.vfs.stat(abs(p, name));
}

/** stat, or undefined when the file cannot be reached. */
export async function tryStat(p: ProcLike, name: string): Promise<Dir | undefined> {
  try {
    return await stat(p, name);
  } catch {
    return undefined;
  }
}

/** A source of bytes: an open file or one of the process's descriptors. */
export type Source = { read(count: number): Promise<Buffer> };

export const fdSource = (p: ProcLike, fd: number): Source => ({ read: (n) => p.read(fd, n) });

/** Every chunk of src, in order, until end of file. */
export async function* chunks(src: Source, size = 65536): AsyncGenerator<Buffer> {
  for (;;) {
    const b = await src.read(size);
    if (b.length === 0) return;
    yield b;
  }
}

export async function readAll(src: Source): Promise<Buffer> {
  const bufs: Buffer[] = [];
  for await (const b of chunks(src)) bufs.push(Buffer.from(b));
  return bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
}

/**
 * Lines of src, each with its newline (the last may lack one), decoded as UTF-8. Lines are
 * yielded in batches, one per chunk read, so the consumer's await cost is per chunk.
 */
export async function* lineBatches(src: Source): AsyncGenerator<string[]> {
  let rest: Buffer | undefined;
  for await (const b of chunks(src)) {
    const buf = rest ? Buffer.concat([rest, b]) : b;
    const last = buf.lastIndexOf(10);
    if (last < 0) {
      rest = Buffer.from(buf);
      continue;
    }
    rest = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : undefined;
    const text = buf.toString('utf8', 0, last + 1);
    const lines: string[] = [];
    let at = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', at)) {
      lines.push(text.slice(at, nl + 1));
      at = nl + 1;
    }
    yield lines;
  }
  if (rest) yield [rest.toString('utf8')];
}

/** Resolve after ms, or reject early when signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Exit('interrupted'));
    const t = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(new Exit('interrupted'));
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}

export const isDir = (d: Dir): boolean => (d.qid.type & 0x80) !== 0 || (d.mode & 0x80000000) !== 0;

/** The last element of a path, as Plan 9 programs name what they create. */
export function basename(path: string): string {
  const s = path.replace(/\/+$/, '');
  const i = s.lastIndexOf('/');
  return s === '' ? '/' : s.slice(i + 1);
}

/**
 * Wrap a command's body: an Exit ends it with its status; any other failure (a file-system
 * error, a closed output pipe, an interrupt) is printed as `name: text` with the text as the
 * status. Nothing escapes as a JavaScript exception.
 */
export function cmd(name: string, body: (p: ProcLike, argv: string[], sh: Shell) => Promise<string>): Builtin {
  return async (p, argv, sh) => {
    // A command that failed because a note interrupted it ends `interrupted`, whatever
    // it would have called the failure (the status word a host program gets from SIGINT).
    const stopped = (s: string): string => (s !== '' && p.signal.aborted ? 'interrupted' : s);
    try {
      return stopped(await body(p, argv, sh));
    } catch (e) {
      if (e instanceof Exit) return stopped(e.status);
      // The interpreter's own control flow (exit in a nested rc) is not an error to print.
      if (!(e instanceof Error)) throw e;
      if (p.signal.aborted) return 'interrupted';
      // A Plan 9 program writing to a pipe nobody reads dies of the note, saying nothing.
      if (closedPipe(e)) return 'sys: write on closed pipe';
      const msg = errText(e);
      await p.err(`${name}: ${msg}`);
      return msg || 'error';
    }
  };
}
