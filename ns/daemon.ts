/*
 * A daemon's socket and lifecycle, shared by the /net daemon (ns/net/netd.ts) and the
 * headless ants-rc (shell/daemon.ts): one file server served on the socket NAME in the
 * user's srv directory ($NAMESPACE).
 *
 * A session that finds no socket takes the start lock `NAME.lock` and spawns the daemon
 * detached, holding it (ns/spawnd.ts); started by hand the daemon takes the lock itself,
 * and gives up quietly when another daemon of the name answers or is starting. Once it
 * listens (0600) it drops the lock and writes its pid to `NAME.pid`. It ends when it has
 * had no clients and its owner's busy() has been false for idleMs, when its socket is
 * removed or replaced, or when close() is called; the socket and pid file go with it.
 */
import fs from 'node:fs';
import net from 'node:net';
import nodePath from 'node:path';
import { serve, type ServeOptions, type ServerConn } from './9p/server.js';
import { isLive } from './9p/transport.js';
import { ensureSrvDir } from './dev/srv.js';
import { dropLock, takeLock } from './spawnd.js';
import type { FileServer } from './types.js';

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
  /** How each connection is served (msize, tags). */
  serve?: Omit<ServeOptions, 'onClose'>;
  /**
   * At close: `drain` (the default) ends each connection once what was answered has gone
   * out, so a `quit` gets its reply; `now` hangs every connection up at once.
   */
  hangup?: 'drain' | 'now';
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

  /** Requests in flight from all clients. */
  get requests(): number {
    let n = 0;
    for (const c of this.conns.keys()) n += c.inflight;
    return n;
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
      ...this.o.serve,
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
    if (this.o.hangup === 'now') {
      for (const c of this.conns.keys()) c.close();
      this.conns.clear();
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
