/*
 * The shared /net daemon: one NetWorld for every ants-rc session of the user, served over
 * 9P (worldServer: attach name `I<n>` is stack n's tree, `l<n>` ether n's) on the Unix
 * socket `ants-net` in the user's srv directory ($NAMESPACE, made 0700; the socket 0600).
 *
 *   ants-rc --netd DIR [locked]
 *
 * Sessions start it on demand (netdclient.ts) holding the start lock (`locked`); started
 * by hand it takes the lock itself, and gives up quietly when another daemon is starting
 * or already answers. Once it listens it drops the lock and writes its pid to
 * `ants-net.pid`. It exits when it has had no clients and no live conversations for
 * $ANTS_NETD_IDLE milliseconds (30 s), when its socket is removed or replaced (the srv
 * directory was deleted, another daemon took over), or on SIGTERM. Bad input is the 9P
 * server's business (Rerror or a closed connection); nothing a client sends, and no
 * fault of ours, stops the daemon for the other sessions.
 */
import fs from 'node:fs';
import net from 'node:net';
import nodePath from 'node:path';
import { serve, type ServerConn } from '../9p/server.js';
import { isLive } from '../9p/transport.js';
import { ensureSrvDir } from '../dev/srv.js';
import { NsError } from '../types.js';
import { worldServer } from './index.js';
import { NETD_MSIZE, NETD_TAGS, takeLock } from './netdclient.js';
import { NETD_LOCK, NETD_PID, NETD_SOCKET } from './remote.js';
import { NetWorld } from './world.js';

export const DEFAULT_IDLE = 30_000;

export interface NetdOptions {
  /** Exit after this long without clients or conversations (ms). */
  idleMs?: number;
  /** The caller holds the start lock (a session started us). */
  locked?: boolean;
  world?: NetWorld;
}

function idleFromEnv(): number {
  const n = Number(process.env.ANTS_NETD_IDLE);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_IDLE;
}

const inode = (p: string): number | undefined => {
  try {
    return fs.statSync(p).ino;
  } catch {
    return undefined;
  }
};

export class NetDaemon {
  private readonly conns = new Set<ServerConn>();
  private timer?: NodeJS.Timeout;
  private lastBusy = Date.now();
  private closed = false;
  private ino?: number;
  private finish!: () => void;
  /** Resolves when the daemon has shut down. */
  readonly done = new Promise<void>((r) => (this.finish = r));

  private constructor(
    readonly dir: string,
    readonly world: NetWorld,
    private readonly listener: net.Server,
    private readonly idleMs: number,
  ) {}

  get sock(): string {
    return nodePath.join(this.dir, NETD_SOCKET);
  }

  get clients(): number {
    return this.conns.size;
  }

  /** Requests in flight from all clients. */
  get requests(): number {
    let n = 0;
    for (const c of this.conns) n += c.inflight;
    return n;
  }

  /** Serve dir's socket; undefined when another daemon answers there or is starting. */
  static async start(dir: string, opts: NetdOptions = {}): Promise<NetDaemon | undefined> {
    ensureSrvDir(dir);
    if (!opts.locked && !takeLock(dir)) return undefined;
    const sock = nodePath.join(dir, NETD_SOCKET);
    try {
      if (await isLive(sock)) return undefined;
      try {
        fs.unlinkSync(sock);
      } catch {
        /* no stale socket */
      }
      let d: NetDaemon | undefined;
      const world = opts.world ?? new NetWorld();
      const fsrv = worldServer(world);
      const listener = net.createServer((s) => d?.accept(s, fsrv));
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(sock, () => {
          listener.off('error', reject);
          resolve();
        });
      });
      listener.on('error', () => {});
      fs.chmodSync(sock, 0o600);
      d = new NetDaemon(dir, world, listener, opts.idleMs ?? idleFromEnv());
      d.ino = inode(sock);
      fs.writeFileSync(nodePath.join(dir, NETD_PID), `${process.pid}\n`, { mode: 0o600 });
      d.timer = setInterval(() => d.tick(), Math.max(20, Math.min(1000, d.idleMs / 4)));
      return d;
    } finally {
      fs.rmSync(nodePath.join(dir, NETD_LOCK), { recursive: true, force: true });
    }
  }

  private accept(s: net.Socket, fsrv: ReturnType<typeof worldServer>): void {
    if (this.closed) {
      s.destroy();
      return;
    }
    s.on('error', () => {});
    const c: ServerConn = serve(fsrv, s, {
      msize: NETD_MSIZE,
      // Reads of quiet conversations wait here for as long as they are quiet: a session
      // must never find the daemon deaf for having many of them (netdclient.ts).
      maxTags: 2 * NETD_TAGS,
      onClose: () => {
        this.conns.delete(c);
        this.lastBusy = Date.now();
      },
    });
    this.conns.add(c);
  }

  /** Any conversation not idle, in any stack. */
  private busy(): boolean {
    if (this.conns.size > 0) return true;
    for (const s of this.world.allStacks()) {
      for (const c of s.tcp.convs) if (c.state !== 'Idle' || c.inuse > 0) return true;
      for (const c of s.udp.convs) if (c.state !== 'Idle' || c.inuse > 0) return true;
    }
    return false;
  }

  private tick(): void {
    if (this.ino === undefined || inode(this.sock) !== this.ino) {
      this.close();
      return;
    }
    if (this.busy()) this.lastBusy = Date.now();
    else if (Date.now() - this.lastBusy >= this.idleMs) this.close();
  }

  /** Stop: no new clients, every connection hung up, the socket and pid file removed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.listener.close();
    if (this.ino !== undefined && inode(this.sock) === this.ino) fs.rmSync(this.sock, { force: true });
    const pidf = nodePath.join(this.dir, NETD_PID);
    try {
      if (fs.readFileSync(pidf, 'utf8').trim() === String(process.pid)) fs.rmSync(pidf, { force: true });
    } catch {
      /* no pid file */
    }
    for (const c of this.conns) c.close();
    this.conns.clear();
    this.world.shutdown();
    this.finish();
  }
}

/** `ants-rc --netd DIR [locked]`: run the daemon until it is done; the exit status. */
export async function runNetd(argv: string[]): Promise<number> {
  // Whatever goes wrong inside one conversation must not take /net from every session.
  process.on('uncaughtException', () => {});
  process.on('unhandledRejection', () => {});
  process.on('SIGHUP', () => {});
  process.on('SIGPIPE', () => {});
  const dir = argv[0];
  if (!dir) {
    process.stderr.write('usage: ants-rc --netd dir\n');
    return 1;
  }
  let d: NetDaemon | undefined;
  try {
    d = await NetDaemon.start(dir, { locked: argv[1] === 'locked' });
  } catch (e) {
    process.stderr.write(`ants-rc: ${e instanceof NsError ? e.message : 'cannot start the /net daemon'}\n`);
    return 1;
  }
  if (!d) return 0;
  const stop = (): void => d.close();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await d.done;
  return 0;
}
