/*
 * The process model: a Proc is what a Plan 9 rc process owns — variables, functions, an fd
 * table of open chans, a cwd, a status, background jobs — plus the Vfs every path goes
 * through. fork() is rc's fork: the child gets copies of variables and functions and a
 * copy of the fd table sharing the same open chans (each chan counts its holders, so a
 * pipe sees end of file when its last writer anywhere closes).
 *
 * Control leaves a command three ways besides returning: RcExit (exit, -e) unwinds to the
 * process boundary; RcError (rc's Xerror: bad concatenation, failed redirection…) aborts
 * the current command line, and ends a non-interactive shell as rc does.
 */
import type { Chan, Vfs } from '../ns/vfs.js';
import type { Kernel } from '../ns/kernel.js';
import type { KProc } from '../ns/proc.js';
import type { Namespace } from '../ns/namespace.js';
import type { Cmd } from './ast.js';
import { NoteGroup } from './notes.js';
import { turnDue, yieldTurn } from '../ns/turn.js';
import { Eintr, Ebadfd } from '../ns/errors.js';
import { NsError } from '../ns/types.js';

export type MaybePromise<T> = T | Promise<T>;
/** Compiled code: runs a command, leaving its status in proc.status. */
export type Code = (p: Proc) => MaybePromise<void>;

/**
 * An rc error (rc's Xerror): ends the current command line, and a non-interactive shell.
 * With a subject it prints as plan9port rc does: `file: rc: can't open: reason`.
 */
export class RcError extends Error {
  constructor(
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }

  display(): string {
    return this.subject !== undefined ? `${this.subject}: rc: ${this.message}` : `rc: ${this.message}`;
  }
}

/** An interrupt (Ctrl-C) unwinding the current command line; rc prints nothing for it. */
export class RcInterrupt extends RcError {
  constructor() {
    super('interrupted');
  }
}

export class RcExit {
  /** exec leaves without running sigexit. */
  constructor(
    readonly status: string,
    readonly quiet = false,
  ) {}
}

export interface FnDef {
  name: string;
  body: Cmd | null;
  code: Code;
}

interface Held {
  chan: Chan;
  refs: number;
}

/** A process's file descriptors; entries are shared (counted) between forked tables. */
export class FdTable {
  private fds: (Held | undefined)[] = [];

  get(fd: number): Chan | undefined {
    return this.fds[fd]?.chan;
  }

  /** Put a newly opened chan at fd, closing what was there. */
  set(fd: number, chan: Chan): void {
    this.close(fd);
    this.fds[fd] = { chan, refs: 1 };
  }

  /** Make fd a copy of from (rc's >[fd=from]). */
  dup(fd: number, from: number): boolean {
    const h = this.fds[from];
    if (!h) return false;
    if (fd === from) return true;
    h.refs++;
    this.close(fd);
    this.fds[fd] = h;
    return true;
  }

  close(fd: number): void {
    const h = this.fds[fd];
    if (!h) return;
    this.fds[fd] = undefined;
    if (--h.refs === 0) h.chan.close();
  }

  clone(): FdTable {
    const t = new FdTable();
    t.fds = this.fds.slice();
    for (const h of t.fds) if (h) h.refs++;
    return t;
  }

  closeAll(): void {
    for (let fd = 0; fd < this.fds.length; fd++) this.close(fd);
  }

  /** The open descriptors. */
  list(): number[] {
    const out: number[] = [];
    this.fds.forEach((h, fd) => h && out.push(fd));
    return out;
  }

  /** /proc/N/fd's lines: descriptor, mode, and the name the chan was opened by. */
  describe(): string[] {
    const out: string[] = [];
    this.fds.forEach((h, fd) => {
      if (h) out.push(`${String(fd).padStart(3)} ${h.chan.hostFd !== undefined ? 'U' : 'M'} ${h.chan.path}`);
    });
    return out;
  }

  /** The highest open descriptor, or -1. */
  max(): number {
    for (let fd = this.fds.length - 1; fd >= 0; fd--) if (this.fds[fd]) return fd;
    return -1;
  }
}

/** Shell-wide state: one per ants-rc process. */
export interface Machine {
  nextPid(): number;
  /** Run source text in p (eval, ., -c). */
  runSource(p: Proc, src: string, name: string): Promise<void>;
  /** The parsed form of text, for function export round trips and whatis. */
  compile(cmd: Cmd | null): Code;
  interactive: boolean;
  /** True once an interactive session has ended: its host programs are left running. */
  readonly leaving?: boolean;
  /** The console's foreground note group: where the terminal's interrupts go. */
  fg: NoteGroup;
  /** The kernel whose processes mirror this shell's, when it runs on a namespace. */
  readonly kernel?: Kernel;
  /** Builds the kernel side of a new proc: its env view and note handling (machine.ts). */
  adoptKProc?(p: Proc, k: KProc): void;
}

export interface HostKid {
  kill(sig?: NodeJS.Signals): boolean;
}

/**
 * A check point: long builtin loops and every command start call it, so an interrupt
 * stops even a loop that never waits for anything.
 */
export function checkInterrupt(p: Proc): MaybePromise<void> {
  const g = p.ng;
  const fn = g.pendingHandler;
  if (fn) {
    g.pendingHandler = null;
    const saved = p.status;
    const r = fn.code(p);
    if (r instanceof Promise) return r.then(() => p.setStatus(saved));
    p.setStatus(saved);
    return;
  }
  if (g.interrupted || p.noted) throw new RcInterrupt();
  if (p.killed) throw new RcExit(p.killed);
}

/**
 * A variable value. Values are immutable arrays except under `owned`: the compiler's
 * append fast path (x=($x …)) extends an owned array in place, which keeps a loop that
 * grows a list linear. Any reader that keeps the array (another variable, a for loop)
 * clears `owned` first.
 */
interface Var {
  v: string[];
  owned: boolean;
}

export class Proc {
  pid: number;
  ppid: number;
  status = '';
  /** status=(a b …) keeps its list; status is then its first word, as rc reads it. */
  private statusList: { of: string; words: string[] } | null = null;
  /** rc's if-not flag: 1 from an if's condition until its body has run (compile.ts). */
  ifState = 0;
  /** Depth of conditions being evaluated (if, while, && ||, !): -e does not fire there. */
  inCond = 0;
  /** Function calls (and eval, .) of this proc not yet finished (compile.ts callFn). */
  callDepth = 0;
  vars: Map<string, Var>;
  fns: Map<string, FnDef>;
  fds: FdTable;
  flags: Set<string>;
  /** The kernel process this proc is, when the shell runs on a namespace (/proc/N, ps). */
  k?: KProc;
  /** Set by a note that ends this proc (kill): the next check point exits with it. */
  killed = '';
  /** The note group: where interrupts reach this proc (see notes.ts). */
  ng: NoteGroup;
  /** An interrupt posted to this process alone (/proc/N/note), not to its group. */
  private own?: AbortController;
  private _cwd: string;
  private _vfs: Vfs;
  private killer?: AbortController;
  private sig?: AbortSignal;
  /** Living children, which a kill passes on to (the commands this rc is running). */
  private kids?: Set<Proc>;
  private parent?: Proc;
  jobs = new Map<number, Promise<string>>();
  /** Started with & (in a note group of its own): its standard input is not the terminal's. */
  background = false;
  /** To run when the current simple command ends (<{…} names). */
  cleanups: (() => void)[] = [];

  constructor(
    readonly m: Machine,
    init: { pid: number; ppid: number; vfs: Vfs; cwd: string; fds: FdTable; flags?: Set<string>; ng?: NoteGroup },
    vars?: Map<string, Var>,
    fns?: Map<string, FnDef>,
  ) {
    this.pid = init.pid;
    this.ppid = init.ppid;
    this._vfs = init.vfs;
    this._cwd = init.cwd;
    this.fds = init.fds;
    this.flags = init.flags ?? new Set();
    this.ng = init.ng ?? new NoteGroup();
    this.vars = vars ?? new Map();
    this.fns = fns ?? new Map();
  }

  fork(): Proc {
    const vars = new Map<string, Var>();
    for (const [k, v] of this.vars) {
      v.owned = false;
      vars.set(k, { v: v.v, owned: false });
    }
    const child = new Proc(
      this.m,
      { pid: this.m.nextPid(), ppid: this.pid, vfs: this.vfs, cwd: this.cwd, fds: this.fds.clone(), flags: new Set(this.flags), ng: this.ng },
      vars,
      new Map(this.fns),
    );
    child.status = this.status;
    child.background = this.background;
    if (this.k && this.m.kernel) {
      const k = this.m.kernel.fork(this.k);
      child.k = k;
      child.pid = k.pid;
      child._vfs = k.ns;
      this.m.adoptKProc?.(child, k);
      (this.kids ??= new Set()).add(child);
      child.parent = this;
    }
    // A note that reached this proc between its last check point and the fork (a kill
    // while $path was searched) reaches what it starts, too.
    if (this.killed) child.kill(this.killed);
    else if (this.noted) child.interrupt();
    return child;
  }

  get cwd(): string {
    return this._cwd;
  }

  set cwd(d: string) {
    this._cwd = d;
    if (this.k) this.k.cwd = d;
  }

  /** The file system every path goes through; on a kernel, this process's namespace view. */
  get vfs(): Vfs {
    return this._vfs;
  }

  set vfs(v: Vfs) {
    const ns = v as Partial<Namespace>;
    if (this.k && typeof ns.forProc === 'function') {
      const mine = ns.proc === this.k ? (v as Namespace) : ns.forProc(this.k);
      this.k.ns = mine;
      this._vfs = mine;
    } else this._vfs = v;
  }

  /**
   * rfork's letters: n copies the namespace group, N starts a clean one, m forbids
   * mounts; V gives a private, empty /srv; s a new note group. False when there is no namespace.
   */
  rfork(flags: string): boolean {
    if (flags.includes('s')) this.ng = new NoteGroup();
    const ns = this._vfs as Partial<Namespace>;
    if (typeof ns.copy !== 'function') return false;
    if (this.k) {
      this.k.rfork(flags.replace(/[eE]/g, ''));
      this._vfs = this.k.ns;
    } else {
      if (flags.includes('N')) this._vfs = (ns as Namespace).clean();
      else if (flags.includes('n')) this._vfs = (ns as Namespace).copy();
      if (flags.includes('m')) (this._vfs as Namespace).group.noattach = true;
    }
    return true;
  }

  /** The proc is over: its descriptors close, and its kernel process exits with its status. */
  done(): void {
    this.fds.closeAll();
    this.k?.exit(this.status, true);
    this.parent?.kids?.delete(this);
    this.parent = undefined;
  }

  /** A note that ends the proc (kill, hangup): wake whatever it waits on, exit at the next check. */
  kill(note: string): void {
    this.killed ||= note.replace(/^sys: /, '') || 'killed';
    this.killer ??= new AbortController();
    this.killer.abort();
    // What this rc is running in the foreground dies with it; its & jobs live on.
    if (this.kids) for (const c of this.kids) if (!c.background || this.background) c.kill(note);
  }

  /**
   * A note `interrupt` posted to this process alone: what it waits on gives up and its
   * next check point unwinds, and the commands it runs in the foreground get it too
   * (they are what it is waiting for).
   */
  interrupt(): void {
    this.own ??= new AbortController();
    this.own.abort();
    if (this.kids) for (const c of this.kids) if (c.ng === this.ng) c.interrupt();
  }

  /** True once an interrupt was posted to this process alone. */
  get noted(): boolean {
    return this.own?.signal.aborted === true;
  }

  /** The session hangs up: every in-process job this shell started in the background dies of `hangup`. */
  hangupJobs(): void {
    if (this.kids) for (const c of this.kids) if (c.background) c.kill('hangup');
  }

  /** Aborted when this proc is killed (only): what runHost passes on to its program. */
  get killSignal(): AbortSignal {
    this.killer ??= new AbortController();
    return this.killer.signal;
  }

  /**
   * The value of a variable; numeric names index $*. The caller may keep the array (so
   * it stops being extended in place) but must not mutate it.
   */
  get(name: string): string[] {
    const v = this.vars.get(name);
    if (v && !isPositional(name)) {
      v.owned = false;
      return v.v;
    }
    return this.peek(name);
  }

  /** get() for a reader that looks and lets go ($#x, $"x): the array stays extendable. */
  peek(name: string): string[] {
    if (name === 'status') return this.statusList?.of === this.status ? this.statusList.words : [this.status];
    // $1, $2 … always index $*; $0 is a variable of its own.
    if (isPositional(name)) return this.positional(parseInt(name, 10));
    const v = this.vars.get(name);
    return v ? v.v : [];
  }

  /** $n for n >= 1: the nth word of $*, or (). */
  positional(n: number): string[] {
    const star = this.vars.get('*');
    return star && n <= star.v.length ? [star.v[n - 1]] : [];
  }

  set(name: string, value: string[], owned = false): void {
    if (name === 'status') {
      this.status = value[0] ?? '';
      this.statusList = value.length === 1 ? null : { of: this.status, words: value };
      return;
    }
    const v = this.vars.get(name);
    if (v) {
      v.v = value;
      v.owned = owned;
    } else this.vars.set(name, { v: value, owned });
    if (name === 'path' || name === 'PATH') this.tiePath(name, value);
  }

  /** x=($x …): extend x in place when this proc alone holds its array. */
  append(name: string, tail: string[]): void {
    const v = this.vars.get(name);
    if (v && v.owned) {
      for (const s of tail) v.v.push(s);
      if (name === 'path' || name === 'PATH') this.tiePath(name, v.v);
      return;
    }
    const cur = v ? v.v : this.peek(name);
    this.set(name, cur.concat(tail), true);
  }

  unset(name: string): void {
    this.vars.delete(name);
  }

  /** plan9port rc keeps $path and $PATH in step: a list, and its ':'-joined form. */
  private tiePath(name: string, value: string[]): void {
    if (name === 'path') {
      const s = value.map((d) => (d === '' ? '.' : d)).join(':');
      this.vars.set('PATH', { v: [s], owned: false });
    } else {
      const list = value.length === 0 ? [] : value.join(':').split(':').map((d) => (d === '' ? '.' : d));
      this.vars.set('path', { v: list, owned: false });
    }
  }

  setStatus(s: string): void {
    this.status = s;
    this.statusList = null;
  }

  /**
   * The system-call boundary of an in-process command: a pending interrupt or kill is
   * delivered here (the call fails with `interrupted`), and the event loop gets its turn.
   */
  async syscall(): Promise<void> {
    if (turnDue()) await yieldTurn();
    if (this.signal.aborted) throw new NsError(Eintr);
  }

  /** Write text to one of this proc's descriptors; a closed one fails, as write(2) does. */
  async write(fd: number, text: string | Buffer): Promise<void> {
    const c = this.fds.get(fd);
    if (!c) throw new NsError(Ebadfd);
    await this.syscall();
    await c.write(typeof text === 'string' ? Buffer.from(text) : text);
  }

  setFd(fd: number, chan: Chan): void {
    this.fds.set(fd, chan);
  }

  /** Read up to count bytes from one of this proc's descriptors; empty at end of file. */
  async read(fd: number, count = 65536, giveUp?: AbortSignal): Promise<Buffer> {
    const c = this.fds.get(fd);
    if (!c) throw new RcError(`can't read fd ${fd}: fd not open`);
    await this.syscall();
    return c.read(count, giveUp ? AbortSignal.any([this.signal, giveUp]) : this.signal);
  }

  /** Aborted when an interrupt reaches this proc (through its note group or alone) or it is killed. */
  get signal(): AbortSignal {
    const intr = this.ng.signal;
    if (this.sig && (this.sig as AbortSignal & { src?: AbortSignal }).src === intr) return this.sig;
    this.own ??= new AbortController();
    const s = AbortSignal.any([intr, this.own.signal, this.killSignal]) as AbortSignal & { src?: AbortSignal };
    s.src = intr;
    this.sig = s;
    return s;
  }

  /** Report an error on fd 2, ignoring a closed or broken descriptor. */
  async err(text: string): Promise<void> {
    try {
      await this.write(2, text.endsWith('\n') ? text : text + '\n');
    } catch {
      /* nowhere to say it */
    }
  }
}

export function isPositional(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 49 && c <= 57 && /^[0-9]+$/.test(name);
}

/** rc's truth: a status is true when it is empty or made only of '0' and '|'. */
export function truthy(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 && c !== 124) return false;
  }
  return true;
}
