/*
 * The kernel: machine-wide state that every namespace draws from. It holds the device
 * table (letter → server, ns/dev/index.ts), the process table, the global srv registry,
 * the console, and `up` — the process on whose behalf a server call is made, set around
 * each call by the caller's Namespace (Plan 9's `up`; devices read it synchronously at the
 * start of an operation). Attaching a device gives a root chan; roots are cached per
 * (letter, spec) except for devices where each attach is new (`#|`).
 *
 * Boot:   const k = new Kernel(); const p = await k.init(['rc']);   // p.ns holds only #/
 * Fork:   const c = k.fork(p, ['cmd']);  c.rfork('n') …            // shares groups until rfork
 */
import os from 'node:os';
import { devIdOf, KChan } from './chan.js';
import type { Console } from './dev/cons.js';
import { type Device, makeDevices } from './dev/index.js';
import { SrvGroup } from './dev/srv.js';
import { Ebadsharp } from './errors.js';
import { Namespace } from './namespace.js';
import { EnvGroup, KProc } from './proc.js';
import { type FileServer, type Fid, NsError } from './types.js';

export interface KernelOptions {
  user?: string;
  sysname?: string;
  /** Host directory `#U` serves (default `/`). */
  hostRoot?: string;
  /** The srv directory of Unix sockets; default $NAMESPACE or /tmp/ns.$USER.$DISPLAY; null for none. */
  srvDir?: string | null;
  console?: Console;
  /** The names of the commands built into the program, served by `#b` (bound first in /bin). */
  commands?: () => string[];
  /** The host's $PATH directories when the program started: what /bin gathers at boot. */
  hostPath?: string[];
  /**
   * Where #I and #l live: `daemon`, the user's shared /net daemon (ns/net/netd.ts, reached
   * through the srv directory); `local` (the default), a world of this kernel's own.
   */
  net?: 'local' | 'daemon';
  /** The first pid handed out (the shell uses its own OS pid, so $pid stays unique on the host). */
  firstPid?: number;
}

export interface Attached {
  c: KChan;
  /** True when the chan is the caller's (each attach of `#|` is a new pipe). */
  owned: boolean;
}

function defaultUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'none';
  }
}

export class Kernel {
  /** The process the current server call is made for. */
  up?: KProc;
  readonly user: string;
  readonly sysname: string;
  readonly hostowner: string;
  readonly devtab = new Map<string, Device>();
  readonly procs = new Map<number, KProc>();
  readonly srv: SrvGroup;
  readonly hostPath: string[];
  console?: Console;
  /** The root this session booted from (ants-rc --root): its name, and whether it has hung up. */
  boot?: { src: string; client?: { readonly hungup: boolean } };
  /**
   * The 9P mount driver (#M): turns a srv file that is a host socket into a server. ns/9p
   * is loaded only when something is mounted this way, so start-up does not pay for it.
   * Called as the mounting process: its interrupt stops the dial.
   */
  mountDriver?: (srvFid: Fid, srvPath: string) => Promise<FileServer> = async (fid, path) => {
    const intr = this.callerSignal();
    return (await import('./9p/post.js')).mountSrvFile(fid, path, this.callerSignal, intr);
  };

  /**
   * The interrupt signal of the process a server call is made for (read synchronously at
   * the start of the call): an interrupted read on a 9P mount sends Tflush.
   */
  readonly callerSignal = (): AbortSignal | undefined => this.up?.interrupt?.();
  private nextPid = 1;
  private readonly roots = new Map<string, KChan>();

  constructor(readonly opts: KernelOptions = {}) {
    this.user = opts.user ?? defaultUser();
    this.hostowner = this.user;
    this.sysname = opts.sysname ?? os.hostname();
    this.console = opts.console;
    this.nextPid = opts.firstPid ?? 1;
    this.hostPath = opts.hostPath ?? (process.env.PATH ?? '').split(':');
    this.srv = new SrvGroup(opts.srvDir);
    for (const d of makeDevices(this)) this.devtab.set(d.letter, d);
  }

  as<T>(p: KProc | undefined, fn: () => T): T {
    const prev = this.up;
    this.up = p;
    try {
      return fn();
    } finally {
      this.up = prev;
    }
  }

  private device(letter: string): Device {
    const d = this.devtab.get(letter);
    if (!d) throw new NsError(Ebadsharp);
    return d;
  }

  async attach(letter: string, spec: string): Promise<Attached> {
    const d = this.device(letter);
    const key = letter + '\0' + spec;
    const cached = this.roots.get(key);
    if (cached) return { c: cached, owned: false };
    const fid = await d.server.attach(this.up?.user ?? this.user, spec);
    const c = new KChan(fid, devIdOf(d.server, spec, letter), '#' + letter + spec);
    if (d.fresh) return { c, owned: true };
    const again = this.roots.get(key);
    if (again) {
      c.release();
      return { c: again, owned: false };
    }
    this.roots.set(key, c);
    return { c, owned: false };
  }

  attachSync(letter: string, spec: string): Attached | undefined {
    const d = this.device(letter);
    const key = letter + '\0' + spec;
    const cached = this.roots.get(key);
    if (cached) return { c: cached, owned: false };
    if (d.fresh || !d.attachSync) return undefined;
    const fid = d.attachSync(this.up?.user ?? this.user, spec);
    if (!fid) return undefined;
    const c = new KChan(fid, devIdOf(d.server, spec, letter), '#' + letter + spec);
    this.roots.set(key, c);
    return { c, owned: false };
  }

  /** The pid the next process will get (for a shell proc whose kernel process comes after). */
  peekPid(): number {
    return this.nextPid;
  }

  /** The name a server is posted under in the caller's srv group, as `#s/name`. */
  srvName(server: FileServer): string | undefined {
    const name = (this.up?.srv ?? this.srv).nameOf(server);
    return name === undefined ? undefined : '#s/' + name;
  }

  /** The first process: a fresh namespace (only #/ at /), an empty environment. */
  async init(args: string[] = []): Promise<KProc> {
    const p = this.newProc(args, new EnvGroup(), this.srv);
    p.ns = await Namespace.fresh(this, p);
    return p;
  }

  /** A child sharing the parent's namespace, environment and srv groups, and its cwd. */
  fork(parent: KProc, args: string[] = parent.args): KProc {
    const p = this.newProc(args, parent.env, parent.srv, parent.user);
    parent.adopt(p);
    p.ns = parent.ns.forProc(p);
    p.cwd = parent.cwd;
    return p;
  }

  private newProc(args: string[], env: EnvGroup, srv: SrvGroup, user = this.user): KProc {
    const p = new KProc(this.nextPid++, args, user, env, srv);
    this.procs.set(p.pid, p);
    p.onExit = (q) => {
      this.procs.delete(q.pid);
      this.srv.removeOwnedBy(q.pid);
      if (q.srv !== this.srv) q.srv.removeOwnedBy(q.pid);
    };
    return p;
  }
}
