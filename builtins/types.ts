/*
 * What a builtin sees. Builtins sit below the interpreter (shell/ imports builtins/, never
 * the reverse), so they get the process as this interface and reach back into the
 * interpreter only through Shell: running argv, running source text, printing functions.
 */
import type { Chan, Vfs } from '../ns/vfs.js';

export type MaybePromise<T> = T | Promise<T>;

export interface ProcLike {
  readonly pid: number;
  cwd: string;
  vfs: Vfs;
  status: string;
  flags: Set<string>;
  jobs: Map<number, Promise<string>>;
  fns: Map<string, { name: string; body: unknown }>;
  vars: Map<string, { v: string[] }>;
  get(name: string): string[];
  set(name: string, value: string[]): void;
  unset(name: string): void;
  write(fd: number, text: string | Buffer): Promise<void>;
  /** Read up to count bytes from fd; an empty Buffer is end of file. */
  /** Read from a descriptor; giveUp ends a wait early (`interrupted`), consuming nothing. */
  read(fd: number, count?: number, giveUp?: AbortSignal): Promise<Buffer>;
  err(text: string): Promise<void>;
  /** rfork's namespace letters (n N m V) for this process; false when it has no namespace. */
  rfork(flags: string): boolean;
  readonly ppid: number;
  /** Put chan at fd (closing what was there); the fd table counts its holders. */
  setFd(fd: number, chan: Chan): void;
  /** Aborted when the user interrupts (never for a background proc): blocking commands race it. */
  readonly signal: AbortSignal;
  /** A system call's entry: a pending note lands here (`interrupted`) and the event loop gets its turn. */
  syscall(): Promise<void>;
}

export interface Shell {
  /** Run argv as a command in p (function, builtin, $path); noFn skips functions. */
  runArgv(p: ProcLike, argv: string[], noFn: boolean): MaybePromise<void>;
  /** Parse and run text in p, as eval and . do. */
  runSource(p: ProcLike, src: string, name: string, interactive?: boolean): Promise<void>;
  /**
   * Run commands read from a stream as each arrives (rc reading its standard input);
   * interactive is rc -i. Resolves to the final status.
   */
  runInput(p: ProcLike, read: (count: number) => Promise<Buffer>, interactive: boolean): Promise<string>;
  /** Leave the current process (exit, exec) with status; quiet skips sigexit (exec). */
  exit(status: string, quiet?: boolean): never;
  /** A function back as source, as whatis shows it. */
  printFn(p: ProcLike, name: string): string | undefined;
  findCommand(p: ProcLike, name: string): Promise<string | undefined>;
  /**
   * Run argv in a child of p, set up first by setup; resolves to the child's status. A
   * function instead of argv runs in the child and gives its status (a nested session:
   * `(c) => sh.interact(c, opts)`).
   */
  runForked(p: ProcLike, argv: string[] | ((child: ProcLike) => Promise<string>), setup: (child: ProcLike) => void): Promise<string>;
  isBuiltin(name: string): boolean;
  /**
   * A nested interactive session in p (rerootwin, admin, newns with no command): on the
   * terminal this ants-rc is driving (the Ink UI or the plain reader) p becomes the
   * foreground until it exits or input ends, and Ctrl-D returns to the caller; otherwise
   * commands are read from p's fd 0 one at a time (prompting when that is the terminal).
   * Resolves to the session's final status. label names the session on the status line.
   */
  interact(p: ProcLike, opts?: InteractOptions): Promise<string>;
}

export interface InteractOptions {
  /** Shown on the status line while this session is the foreground (`admin`, `root X`). */
  label?: string;
}

/**
 * A usage error of a builtin that rc treats as an error of the script (eval, flag, whatis,
 * .): thrown, it prints `rc: Usage: …` and ends a non-interactive shell. The interpreter
 * turns it into its own error type.
 */
export class RcUsage extends Error {
  constructor(
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }
}

/** A builtin: runs in the calling process, returns its status. */
export type Builtin = (p: ProcLike, argv: string[], sh: Shell) => MaybePromise<string>;
