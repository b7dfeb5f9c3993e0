/*
 * One ants-rc: the interpreter's services (Shell, for builtins; Machine, for procs), the
 * first process with its inherited environment, and the loop that runs source text line
 * by line as rc does — each complete line is compiled and run before the next is looked
 * at, so a syntax error stops a script only where it stands.
 */
import type { Cmd } from './ast.js';
import { parseLines } from './parse.js';
import { Compiler, nested, runArgv } from './compile.js';
import { checkInterrupt, type Code, FdTable, type Machine, type MaybePromise, Proc, RcError, RcExit, RcInterrupt } from './proc.js';
import { NoteGroup } from './notes.js';
import { printFn, quote } from './print.js';
import { findCommand } from './exec.js';
import { builtins } from '../builtins/index.js';
import type { InteractOptions, ProcLike, Shell } from '../builtins/types.js';
import { isTtyChan } from '../ns/hostvfs.js';
import type { Vfs } from '../ns/vfs.js';
import type { Kernel } from '../ns/kernel.js';
import { settleNetd } from '../ns/net/devices.js';
import type { KProc } from '../ns/proc.js';
import type { SyntaxErrorInfo } from './ast.js';
import { ProcEnv } from './kenv.js';
import { runInput, streamLines } from './input.js';

export interface MachineOptions {
  vfs: Vfs;
  /** The kernel and the first process on it, when the shell runs on a namespace. */
  kernel?: Kernel;
  kproc?: KProc;
  cwd: string;
  fds: FdTable;
  env: Record<string, string | undefined>;
  interactive: boolean;
  flags: Set<string>;
}

export class AntsMachine implements Machine, Shell {
  readonly compiler: Compiler;
  interactive: boolean;
  /** The console's foreground note group (the root shell's, unless a nested session has the terminal). */
  fg: NoteGroup;
  /** The shell whose session has the terminal: its sigint, sighup and sigterm functions handle the console's notes. */
  fgProc: Proc;
  private pidSeq: number;
  readonly root: Proc;
  readonly kernel?: Kernel;

  constructor(o: MachineOptions) {
    this.interactive = o.interactive;
    this.pidSeq = process.pid;
    this.compiler = new Compiler(this);
    this.kernel = o.kernel;
    this.root = new Proc(this, { pid: o.kproc?.pid ?? process.pid, ppid: process.ppid, vfs: o.vfs, cwd: o.cwd, fds: o.fds, flags: o.flags });
    this.fg = this.root.ng;
    this.fgProc = this.root;
    if (o.kproc) {
      this.root.k = o.kproc;
      this.root.vfs = o.kproc.ns;
      this.root.cwd = o.cwd;
      this.adoptKProc(this.root, o.kproc);
      // A note to the shell itself is a signal to the shell.
      o.kproc.onNote = (n) => this.note(n === 'interrupt' ? 'SIGINT' : n.includes('hangup') ? 'SIGHUP' : 'SIGTERM');
    }
    this.importEnv(o.env);
  }

  /** The kernel side of a shell proc: #e is its variables, /proc/N/fd its fd table, notes kill it. */
  adoptKProc(p: Proc, k: KProc): void {
    k.env = new ProcEnv(p);
    k.fds = {
      describe: () => p.fds.describe(),
      list: () => p.fds.list(),
      get: (fd) => p.fds.get(fd),
      close: (fd) => p.fds.close(fd),
      closeAll: () => p.fds.closeAll(),
    };
    k.onNote = (n) => {
      if (n === 'interrupt') p.interrupt();
      else p.kill(n);
    };
    k.onGroupNote = (n) => {
      if (n === 'interrupt') p.ng.interrupt();
      else this.noteGroupKill(p, n);
    };
    k.interrupt = () => p.signal;
  }

  /** Host environment -> rc variables: plan9port's ctl-A joined lists, PATH tied to path. */
  private importEnv(env: Record<string, string | undefined>): void {
    const p = this.root;
    const fns: string[] = [];
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined || k === '*' || k === 'status') continue;
      if (k.startsWith('fn#')) {
        // rc -p: protected, functions from the environment are not taken.
        if (!p.flags.has('p')) fns.push(`fn ${quote(k.slice(3))} ${v}\n`);
        continue;
      }
      p.set(k, v.includes('\x01') ? v.split('\x01') : [v]);
    }
    for (const src of fns) {
      try {
        const { lines, error } = parseLines(src);
        if (!error) for (const l of lines) void this.compile(l.cmd)(p);
      } catch {
        /* a function that does not parse is left out */
      }
    }
    if (!p.vars.has('PATH')) p.set('PATH', ['/usr/local/bin:/usr/bin:/bin']);
    else p.set('PATH', p.get('PATH'));
    if (env.HOME !== undefined && !p.vars.has('home')) p.set('home', [env.HOME]);
    // On a namespace /bin holds the ants commands and every $PATH directory, in order:
    // $path is Plan 9's, and host programs get the host directories behind it (exec.ts).
    if (this.kernel) p.set('path', ['/bin']);
    p.set('ifs', [' \t\n']);
    p.set('prompt', ['% ', '\t']);
    p.set('pid', [String(p.pid)]);
  }

  /**
   * A note from outside (SIGINT, SIGHUP, SIGTERM). The foreground host programs get the
   * signal; then rc's handler function runs if one is defined (sigint, sighup, sigterm),
   * otherwise an interrupt unwinds the current command line and a hangup or terminate
   * ends the shell.
   */
  note(sig: 'SIGINT' | 'SIGHUP' | 'SIGTERM'): void {
    const g = this.fg;
    const fn = this.fgProc.fns.get(sig.toLowerCase());
    if (fn) {
      for (const k of g.hosts) k.kill(sig);
      g.pendingHandler = fn;
      return;
    }
    // A hangup or terminate too makes what the line waits on give up first (a FIFO's open
    // in a pool thread would otherwise keep the program from exiting); finish() then
    // rearms the group for sigexit.
    g.interrupt(sig);
    if (sig !== 'SIGINT') {
      void this.finish(sig === 'SIGHUP' ? 'hangup' : 'terminated')
        .then(() => (this.kernel ? settleNetd(this.kernel, 500) : undefined))
        .then(() => process.exit(1));
    }
  }

  /**
   * Another note posted to a group (/proc/N/notepg: hangup, kill): the group's host
   * programs get the matching signal, and the process and what it runs die of it.
   */
  private noteGroupKill(p: Proc, note: string): void {
    for (const k of p.ng.hosts) k.kill(note.includes('hangup') ? 'SIGHUP' : 'SIGTERM');
    p.kill(note);
  }

  /** Ctrl-\ or SIGQUIT: never the end of the session; the foreground line is abandoned (notes.ts). */
  quit(): void {
    this.fg.quit();
  }

  /**
   * Run one line of a top-level loop. A quit abandons it: the loop goes on as after an
   * interrupt, whatever the line still waits for.
   */
  runLine(p: Proc, code: Code): MaybePromise<void> {
    const r = code(p);
    if (!(r instanceof Promise)) return r;
    const q = p.ng.quitSignal;
    if (q.aborted) return r;
    return new Promise<void>((res, rej) => {
      // The line got the interrupt too: give it a moment to unwind (and say what it says)
      // before the prompt comes back over it.
      const quit = () => void Promise.race([r.catch(() => {}), new Promise((t) => setTimeout(t, 100))]).finally(() => rej(new RcInterrupt()));
      q.addEventListener('abort', quit, { once: true });
      r.then(
        () => {
          q.removeEventListener('abort', quit);
          res();
        },
        (e) => {
          q.removeEventListener('abort', quit);
          rej(e);
        },
      );
    });
  }

  nextPid(): number {
    return this.kernel ? this.kernel.peekPid() : ++this.pidSeq;
  }

  compile(cmd: Cmd | null): Code {
    return this.compiler.compile(cmd);
  }

  runArgv(p: ProcLike, argv: string[], noFn: boolean) {
    return runArgv(this, p as Proc, argv, noFn);
  }

  exit(status: string, quiet = false): never {
    throw new RcExit(status, quiet);
  }

  printFn(p: ProcLike, name: string): string | undefined {
    const fn = (p as Proc).fns.get(name);
    return fn ? printFn(name, fn.body) : undefined;
  }

  findCommand(p: ProcLike, name: string) {
    return findCommand(p as Proc, name);
  }

  runForked(pl: ProcLike, argv: string[] | ((child: ProcLike) => Promise<string>), setup: (child: ProcLike) => void): Promise<string> {
    const child = (pl as Proc).fork();
    setup(child);
    if (typeof argv === 'function') {
      const body = argv;
      return this.compiler.runChild(child, (c) => body(c).then((s) => c.setStatus(s)));
    }
    return this.compiler.runChild(child, (c) => runArgv(this, c, argv, false));
  }

  isBuiltin(name: string): boolean {
    return builtins.has(name);
  }

  /**
   * eval and . : run text in p; a syntax error there is an rc error in the caller. With
   * interactive (. -i) an error ends only its own line, as at a terminal.
   */
  runSource(pl: ProcLike, src: string, name: string, interactive = false): Promise<void> {
    return nested(pl as Proc, () => this.runSourceIn(pl as Proc, src, name, interactive));
  }

  private async runSourceIn(p: Proc, src: string, name: string, interactive: boolean): Promise<void> {
    const { lines, error } = parseLines(src);
    const prompt = (n: number) => (interactive ? p.err(p.get('prompt')[n] ?? '').then(() => {}) : undefined);
    for (const l of lines) {
      // . -i shows the prompts a terminal user would have seen.
      if (l.text === '') continue;
      await prompt(0);
      for (let i = l.text.indexOf('\n'); i >= 0 && i < l.text.length - 1; i = l.text.indexOf('\n', i + 1)) await prompt(1);
      if (p.flags.has('v')) await p.err(l.text.replace(/\n$/, ''));
      if (!l.cmd) continue;
      try {
        await this.compile(l.cmd)(p);
      } catch (e) {
        if (!interactive || !(e instanceof RcError) || e instanceof RcInterrupt) throw e;
        await p.err(e.display());
        p.setStatus(e.message);
      }
    }
    await prompt(0);
    // A syntax error in eval or a dotted file ends that text only.
    if (error) {
      await p.err(syntaxMessage(error, name === 'eval' ? null : name));
      p.setStatus('syntax error');
    }
  }

  /**
   * The terminal driver of an interactive session (the Ink UI, the plain reader), set by
   * it while it runs: nested sessions on the terminal go through it.
   */
  terminal?: { interact(p: Proc, opts: InteractOptions): Promise<string> };

  interact(pl: ProcLike, opts: InteractOptions = {}): Promise<string> {
    const p = pl as Proc;
    const onTty = this.interactive && isTtyChan(p.fds.get(0));
    if (onTty && this.terminal) return this.foreground(p, () => this.terminal!.interact(p, opts));
    return runInput(this, p, streamLines((n) => p.read(0, n)), { interactive: onTty, top: false });
  }

  /**
   * p's session has the terminal while f runs. It gets a note group of its own and the
   * console's interrupts go there: Ctrl-C ends the nested session's current line, and the
   * command that started the session (rerootwin, admin, newns), waiting in the caller's
   * group, never sees it. Afterwards the caller's group is the foreground again, and p's
   * own group what it was.
   */
  private async foreground(p: Proc, f: () => Promise<string>): Promise<string> {
    const saved = { fg: this.fg, fgProc: this.fgProc, ng: p.ng };
    p.ng = new NoteGroup();
    this.fg = p.ng;
    this.fgProc = p;
    try {
      return await f();
    } finally {
      this.fg = saved.fg;
      this.fgProc = saved.fgProc;
      p.ng = saved.ng;
    }
  }

  runInput(pl: ProcLike, read: (count: number) => Promise<Buffer>, interactive: boolean): Promise<string> {
    return runInput(this, pl as Proc, streamLines(read), { interactive, top: false });
  }

  /**
   * Run a script at top level. Errors end a non-interactive shell (status 1, as rc);
   * exit ends it with its status. Resolves to the final status.
   */
  async runScript(src: string, name: string | null, last = true): Promise<string> {
    const p = this.root;
    const { lines, error } = parseLines(src);
    try {
      for (const l of lines) {
        if (p.flags.has('v') && l.text !== '') await p.err(l.text.replace(/\n$/, ''));
        if (!l.cmd) continue;
        try {
          await this.runLine(p, this.compile(l.cmd));
        } catch (e) {
          if (!(e instanceof RcError)) throw e;
          if (e instanceof RcInterrupt) {
            p.ng.interrupted = false;
            p.setStatus('interrupted');
            if (!this.interactive) return await this.finish('interrupted');
            continue;
          }
          await p.err(e.display());
          p.setStatus(e.message);
          // An error ends a script without sigexit, as in rc (sigexit is for the end of
          // input, exit and a syntax error).
          if (!this.interactive) return '1';
        }
      }
      if (error) {
        await p.err(syntaxMessage(error, name));
        p.setStatus('syntax error');
        return await this.finish('syntax error');
      }
    } catch (e) {
      if (e instanceof RcExit) return e.quiet ? e.status : await this.finish(e.status);
      throw e;
    }
    return last ? await this.finish(p.status) : p.status;
  }

  /** Run a pending handler and sigexit once, then give the status to exit with. */
  async finish(status: string): Promise<string> {
    const p = this.root;
    try {
      p.ng.interrupted = false;
      await checkInterrupt(p);
    } catch (e) {
      if (e instanceof RcExit) status = e.status;
      else if (!(e instanceof RcError)) throw e;
    }
    const fn = p.fns.get('sigexit');
    if (fn) {
      p.fns.delete('sigexit');
      p.setStatus(status);
      try {
        await fn.code(p);
      } catch (e) {
        if (e instanceof RcExit) return e.status;
        if (!(e instanceof RcError)) throw e;
      }
    }
    return status;
  }

  /**
   * The session is over. A script waits for the background jobs it started, so their
   * output is not cut off. An interactive session does not: as a terminal hanging up,
   * its in-process jobs get a `hangup` note, and host programs are left to the host as a
   * Unix shell leaves them.
   */
  async drain(): Promise<void> {
    if (this.interactive) {
      this.leaving = true;
      this.root.hangupJobs();
      return;
    }
    await Promise.allSettled([...this.root.jobs.values()]);
  }

  /** Set once an interactive session ends: a hangup then leaves host programs running. */
  leaving = false;
}

export function syntaxMessage(e: SyntaxErrorInfo, file: string | null): string {
  const where = file === null ? `line ${e.line}:${e.col}` : `${file}:${e.line}:${e.col}`;
  return `rc: ${where}: ${e.message ?? `token ${e.token}: syntax error`}`;
}

/**
 * An rc status as a host exit code, as plan9port's exits() makes it: a true status (only
 * 0s and |s) is 0; one that starts with a nonzero number is that number ("2|" from a
 * pipeline is 2); anything else 1.
 */
export function exitCode(status: string): number {
  if (/^[0|]*$/.test(status)) return 0;
  const m = /^-?[0-9]+/.exec(status);
  const n = m ? parseInt(m[0], 10) & 255 : 0;
  return n === 0 ? 1 : n;
}

