/*
 * A headless ants-rc: a process that outlives the terminal that started it, serving one
 * file server on a socket in the user's srv directory ($NAMESPACE), as the /net daemon
 * does (ns/net/netd.ts) — and, unlike it, with a kernel and an interpreter of its own, so
 * it can run shells (hub hosts now, machines later).
 *
 * The lifecycle is netd's. A session that finds no socket takes the start lock
 * `NAME.lock` and spawns `ants-rc --ROLE NAME … locked` detached (ns/spawnd.ts); started
 * by hand the daemon takes the lock itself, and gives up quietly when another daemon of
 * the name answers or is starting. Once it listens (socket `NAME`, 0600) it drops the
 * lock and writes its pid to `NAME.pid`. It ends when its owner's busy() has been false
 * and no client has been connected for idleMs, when its socket is removed or replaced,
 * or when close() is called; the socket and pid file go with it.
 */
import fs from 'node:fs';
import net from 'node:net';
import nodePath from 'node:path';
import { serve, type ServerConn } from '../ns/9p/server.js';
import { isLive } from '../ns/9p/transport.js';
import { ensureSrvDir } from '../ns/dev/srv.js';
import { dropLock, takeLock } from '../ns/spawnd.js';
import type { FileServer } from '../ns/types.js';
import { Kernel } from '../ns/kernel.js';
import { boot } from '../ns/boot.js';
import { commands } from '../builtins/commands.js';
import { AntsMachine } from './machine.js';
import { FdTable } from './proc.js';

export interface DaemonOptions {
  /** The srv directory the socket is made in. */
  dir: string;
  /** The socket's name there; the lock and pid file are NAME.lock and NAME.pid. */
  name: string;
  server: FileServer;
  /** End after this long idle (ms). */
  idleMs: number;
  /** The caller holds the start lock (a session started us). */
  locked?: boolean;
  /** The owner's reasons to stay up besides connected clients. */
  busy?: () => boolean;
  /**
   * Run first thing on close, with whether the socket had gone (its directory removed,
   * or another daemon took the name): then the directory is not ours to write in.
   */
  onClose?: (gone: boolean) => void;
}

const inode = (p: string): number | undefined => {
  try {
    return fs.statSync(p).ino;
  } catch {
    return undefined;
  }
};

/** $name as a positive number of milliseconds, else dflt. */
export function msFromEnv(name: string, dflt: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

export class Daemon {
  private readonly conns = new Map<ServerConn, net.Socket>();
  private timer?: NodeJS.Timeout;
  private lastBusy = Date.now();
  private closed = false;
  private ino?: number;
  private finish!: () => void;
  /** Resolves when the daemon has shut down. */
  readonly done = new Promise<void>((r) => (this.finish = r));

  private constructor(
    private readonly o: DaemonOptions,
    private readonly listener: net.Server,
  ) {}

  get sock(): string {
    return nodePath.join(this.o.dir, this.o.name);
  }

  private get pidFile(): string {
    return nodePath.join(this.o.dir, this.o.name + '.pid');
  }

  /** Clients connected now. */
  get clients(): number {
    return this.conns.size;
  }

  /** Serve o.server on the socket; undefined when another daemon of the name answers or is starting. */
  static async start(o: DaemonOptions): Promise<Daemon | undefined> {
    ensureSrvDir(o.dir);
    const lock = o.name + '.lock';
    if (!o.locked && !takeLock(o.dir, lock)) return undefined;
    const sock = nodePath.join(o.dir, o.name);
    try {
      if (await isLive(sock)) return undefined;
      fs.rmSync(sock, { force: true });
      let d: Daemon | undefined;
      const listener = net.createServer((s) => d?.accept(s));
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(sock, () => {
          listener.off('error', reject);
          resolve();
        });
      });
      listener.on('error', () => {});
      fs.chmodSync(sock, 0o600);
      d = new Daemon(o, listener);
      d.ino = inode(sock);
      fs.writeFileSync(d.pidFile, `${process.pid}\n`, { mode: 0o600 });
      d.timer = setInterval(() => d.tick(), Math.max(20, Math.min(1000, o.idleMs / 4)));
      return d;
    } finally {
      dropLock(o.dir, lock);
    }
  }

  private accept(s: net.Socket): void {
    if (this.closed) {
      s.destroy();
      return;
    }
    s.on('error', () => {});
    const c: ServerConn = serve(this.o.server, s, {
      onClose: () => {
        this.conns.delete(c);
        this.lastBusy = Date.now();
        if (this.closed && this.conns.size === 0) this.finish();
      },
    });
    this.conns.set(c, s);
  }

  private tick(): void {
    if (this.ino === undefined || inode(this.sock) !== this.ino) {
      this.close(true);
      return;
    }
    if (this.conns.size > 0 || this.o.busy?.()) this.lastBusy = Date.now();
    else if (Date.now() - this.lastBusy >= this.o.idleMs) this.close();
  }

  /**
   * Stop: no new clients, the socket and pid file removed, every connection hung up once
   * what was answered has gone out (a `quit` gets its reply); done then resolves.
   */
  close(gone = false): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.o.onClose?.(gone);
    } catch {
      /* the owner's cleanup failing does not keep the daemon up */
    }
    clearInterval(this.timer);
    this.listener.close();
    if (this.ino !== undefined && inode(this.sock) === this.ino) fs.rmSync(this.sock, { force: true });
    try {
      if (fs.readFileSync(this.pidFile, 'utf8').trim() === String(process.pid)) fs.rmSync(this.pidFile, { force: true });
    } catch {
      /* no pid file */
    }
    if (this.conns.size === 0) this.finish();
    for (const s of this.conns.values()) s.end();
    // A client that does not close its end is not waited for.
    setTimeout(() => {
      for (const c of this.conns.keys()) c.close();
      this.finish();
    }, 1000).unref();
  }
}

/**
 * A kernel with no console (what is written to #c/cons is dropped, reads see end of
 * file), booted into the ordinary namespace, and an interpreter on it whose first
 * process runs nothing itself: the daemon's shells are forked from it.
 */
export async function bootHeadless(): Promise<AntsMachine> {
  const names = [...commands.keys()].sort();
  const kernel: Kernel = new Kernel({
    net: process.env.ANTS_NET === 'local' ? 'local' : 'daemon',
    firstPid: process.pid,
    commands: () => names,
    console: { read: async () => Buffer.alloc(0), write: (b) => b.length },
  });
  const kproc = await kernel.init(['rc']);
  await boot(kernel, kproc);
  return new AntsMachine({
    vfs: kproc.ns,
    kernel,
    kproc,
    cwd: '/',
    fds: new FdTable(),
    env: kernel.srv.dir ? { ...process.env, NAMESPACE: kernel.srv.dir } : process.env,
    interactive: false,
    flags: new Set(),
  });
}

/** What a daemon does about the signals and faults that would end an ordinary ants-rc. */
export function daemonize(stop: () => void): void {
  // Whatever goes wrong in one client's requests or one shell must not end the others.
  process.on('uncaughtException', (e) => {
    if (process.env.ANTS_DEBUG) console.error(e);
  });
  process.on('unhandledRejection', (e) => {
    if (process.env.ANTS_DEBUG) console.error(e);
  });
  process.on('SIGHUP', () => {});
  process.on('SIGPIPE', () => {});
  process.on('SIGINT', () => {});
  process.on('SIGTERM', stop);
}
