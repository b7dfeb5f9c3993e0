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
import { Daemon } from '../daemon.js';
import { NsError } from '../types.js';
import { worldServer } from './index.js';
import { NETD_MSIZE, NETD_TAGS } from './netdclient.js';
import { NETD_SOCKET } from './remote.js';
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

/** A NetWorld served on the daemon socket `ants-net` (the lifecycle is ns/daemon.ts's). */
export class NetDaemon {
  private constructor(
    readonly dir: string,
    readonly world: NetWorld,
    private readonly d: Daemon,
  ) {}

  get sock(): string {
    return this.d.sock;
  }

  get clients(): number {
    return this.d.clients;
  }

  /** Requests in flight from all clients. */
  get requests(): number {
    return this.d.requests;
  }

  /** Resolves when the daemon has shut down. */
  get done(): Promise<void> {
    return this.d.done;
  }

  /** Serve dir's socket; undefined when another daemon answers there or is starting. */
  static async start(dir: string, opts: NetdOptions = {}): Promise<NetDaemon | undefined> {
    const world = opts.world ?? new NetWorld();
    const d = await Daemon.start({
      dir,
      name: NETD_SOCKET,
      server: worldServer(world),
      idleMs: opts.idleMs ?? idleFromEnv(),
      locked: opts.locked,
      // Reads of quiet conversations wait here for as long as they are quiet: a session
      // must never find the daemon deaf for having many of them (netdclient.ts).
      serve: { msize: NETD_MSIZE, maxTags: 2 * NETD_TAGS },
      busy: () => liveConversations(world),
      hangup: 'now',
      onClose: () => world.shutdown(),
    });
    return d && new NetDaemon(dir, world, d);
  }

  /** Stop: no new clients, every connection hung up, the socket and pid file removed. */
  close(): void {
    this.d.close();
  }
}

/** Any conversation not idle, in any stack. */
function liveConversations(world: NetWorld): boolean {
  for (const s of world.allStacks()) {
    for (const c of s.tcp.convs) if (c.state !== 'Idle' || c.inuse > 0) return true;
    for (const c of s.udp.convs) if (c.state !== 'Idle' || c.inuse > 0) return true;
  }
  return false;
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
