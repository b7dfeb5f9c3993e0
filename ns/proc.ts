/*
 * The kernel's processes: what Plan 9 keeps in a Proc and its groups, for the shell to
 * adopt. A KProc has a pid and parent, args, a user, a namespace view (its group shared
 * or split by rfork n/N), an env group (rfork e copies, E clears; rc variables are its
 * entries, functions as `fn#name`), a srv group (ANTS's rfork V: private and empty), a cwd,
 * a note queue with a hook the shell installs, an exit status and the wait records of its
 * children. The fd table is the shell's; FdTable is the seam #p/N/fd and ctl use.
 */
import { Enochild } from './errors.js';
import type { Namespace } from './namespace.js';
import { NsError } from './types.js';
import type { SrvGroup } from './dev/srv.js';
import type { Chan } from './vfs.js';

/** rc variables as #e files: each value a list of strings, stored NUL-terminated. */
export class EnvGroup {
  private readonly vars: Map<string, string[]>;
  /** Bytes written through #e that are not a NUL-terminated list, kept so they read back as written. */
  private readonly raw: Map<string, Buffer>;

  constructor(from?: EnvGroup) {
    this.vars = new Map(from ? [...from.vars].map(([k, v]) => [k, v.slice()]) : []);
    this.raw = new Map(from ? from.raw : []);
  }

  get(name: string): string[] | undefined {
    return this.vars.get(name);
  }

  set(name: string, value: string[]): void {
    this.raw.delete(name);
    this.vars.set(name, value);
  }

  delete(name: string): boolean {
    this.raw.delete(name);
    return this.vars.delete(name);
  }

  /** The variable as #e serves it. */
  readFile(name: string): Buffer | undefined {
    const v = this.vars.get(name);
    return v === undefined ? undefined : (this.raw.get(name) ?? EnvGroup.encode(v));
  }

  /** A write through #e: the bytes become the variable's list. */
  writeFile(name: string, b: Buffer): void {
    this.vars.set(name, EnvGroup.decode(b));
    if (b.length > 0 && b[b.length - 1] !== 0) this.raw.set(name, b);
    else this.raw.delete(name);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  /** A function's definition text, stored as the variable `fn#name`. */
  getFn(name: string): string | undefined {
    return this.vars.get('fn#' + name)?.[0];
  }

  setFn(name: string, text: string): void {
    this.vars.set('fn#' + name, [text]);
  }

  /** rfork e: a copy that changes independently. */
  copy(): EnvGroup {
    return new EnvGroup(this);
  }

  /** The file form of a variable: each element followed by a NUL, as Plan 9 rc writes it. */
  static encode(value: string[]): Buffer {
    return Buffer.from(value.map((s) => s + '\0').join(''));
  }

  /** A file's bytes as a list: split at NULs (a final NUL ends the last element). */
  static decode(b: Buffer): string[] {
    if (b.length === 0) return [];
    const s = b.toString('utf8');
    const parts = s.split('\0');
    if (s.endsWith('\0')) parts.pop();
    return parts;
  }
}

export interface FdTable {
  /** Lines of /proc/N/fd after the first (cwd) line, as procfdprint formats them. */
  describe(): string[];
  /** The open descriptors, and the chan behind one (what #d duplicates). */
  list?(): number[];
  get?(fd: number): Chan | undefined;
  close(fd: number): void;
  closeAll(): void;
}

export interface WaitMsg {
  pid: number;
  status: string;
  /** Real time the child ran, in milliseconds. */
  rtime: number;
}

export type ProcState = 'Running' | 'Moribund';

export class KProc {
  private _ns?: Namespace;
  cwd = '/';
  state: ProcState = 'Running';
  exitStatus?: string;
  fds?: FdTable;
  /** The shell's interrupt signal for this process: what a blocked 9P read gives up on. */
  interrupt?: () => AbortSignal;
  /** The shell's handler for a posted note (interrupt, hangup, kill …). */
  onNote?: (note: string) => void;
  /** The shell's handler for a note posted to this process's note group (/proc/N/notepg). */
  onGroupNote?: (note: string) => void;
  readonly notes: string[] = [];
  readonly started = Date.now();
  private readonly waitq: WaitMsg[] = [];
  private readonly waiters: Array<(w: WaitMsg) => void> = [];
  private living = 0;
  /** Called with this process when it exits (the kernel removes it from the table). */
  onExit?: (p: KProc) => void;
  parent?: KProc;

  constructor(
    readonly pid: number,
    public args: string[],
    public user: string,
    public env: EnvGroup,
    public srv: SrvGroup,
  ) {}

  /** The process's view of its namespace group; the process holds the group while it uses it. */
  get ns(): Namespace {
    return this._ns!;
  }

  set ns(v: Namespace) {
    const old = this._ns;
    this._ns = v;
    if (this.state === 'Moribund' || old?.group === v.group) return;
    v.group.hold();
    old?.group.drop();
  }

  get ppid(): number {
    return this.parent?.pid ?? 0;
  }

  adopt(child: KProc): void {
    child.parent = this;
    this.living++;
  }

  postNote(note: string): void {
    this.notes.push(note);
    this.onNote?.(note);
  }

  /** A note for every process of this one's note group. */
  postGroupNote(note: string): void {
    if (this.onGroupNote) this.onGroupNote(note);
    else this.postNote(note);
  }

  /** The oldest note not yet taken (a read of /proc/N/note). */
  takeNote(): string | undefined {
    return this.notes.shift();
  }

  /** ctl `kill`: the process ends at its next chance; the shell's note handler decides how. */
  kill(): void {
    this.postNote('sys: killed');
    if (!this.onNote) this.exit('killed');
  }

  /**
   * The process ends. reaped: its parent has already collected it (the shell waits for
   * its own children), so no wait record is queued; a shell running thousands of
   * commands must not pile them up.
   */
  exit(status = '', reaped = false): void {
    if (this.state === 'Moribund') return;
    this.state = 'Moribund';
    this.exitStatus = status;
    this.onExit?.(this);
    this._ns?.group.drop();
    if (reaped) {
      if (this.parent) this.parent.living--;
      return;
    }
    this.parent?.childExited({ pid: this.pid, status, rtime: Date.now() - this.started });
  }

  private childExited(w: WaitMsg): void {
    this.living--;
    const waiter = this.waiters.shift();
    if (waiter) waiter(w);
    else this.waitq.push(w);
  }

  /** wait(2): the next child's exit record; `no living children` when none is left. */
  wait(): Promise<WaitMsg> {
    const w = this.waitq.shift();
    if (w) return Promise.resolve(w);
    if (this.living - this.waiters.length <= 0) return Promise.reject(new NsError(Enochild));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * rfork(2) for the groups the kernel owns: n copies the namespace, N starts a clean
   * one, m forbids mounts in it; e copies the environment, E clears it; V gives a private,
   * empty /srv. Other letters (f F s …) are the shell's and ignored here.
   */
  rfork(flags: string): void {
    for (const f of flags) {
      switch (f) {
        case 'n':
          this.ns = this.ns.copy();
          break;
        case 'N':
          this.ns = this.ns.clean();
          break;
        case 'e':
          this.env = this.env.copy();
          break;
        case 'E':
          this.env = new EnvGroup();
          break;
        case 'V':
          this.srv = this.srv.private();
          break;
      }
    }
    if (flags.includes('m')) this.ns.group.noattach = true;
  }
}
