/*
 * A session's link to the shared /net daemon (netd.ts): one 9P connection per kernel,
 * over the daemon's socket in the user's srv directory, on which each `#I<n>` and `#l<n>`
 * is an attach (aname `I0`, `l1` …). Loaded only when a session first uses /net.
 *
 * Connecting is the tmux pattern: dial the socket; if no one answers, start the daemon
 * (`node bin/ants-rc.js --netd DIR`, detached, its stdio closed) and dial again until it
 * answers. A lock in the srv directory makes sessions starting at once start one daemon
 * between them; the others wait for it. When the connection drops (the daemon died
 * or was killed) every operation on it fails with `i/o on hungup channel`, and the next
 * root asked for makes a new connection, starting a new daemon if need be.
 *
 * Writes to a TCP conversation's data file write behind, as a socket does: a write
 * returns once it is on its way, with up to WINDOW bytes not yet acknowledged by the
 * daemon (which keeps a conversation's writes in order, conv.ts). A write made while
 * others are still unacknowledged is copied into a batch that goes as one Twrite of up
 * to BATCH bytes when full or at the end of the event loop's turn (Nagle's rule, without
 * its delay): a stream of 8 KiB writes costs a message per 256 KiB, not per 8 KiB. Writes
 * of SMALL or more pay for their own message and go as they are, uncopied.
 * Before the program exits, settle() sends every batch and waits for what is in flight
 * (shell/main.ts), so a session that writes and exits loses nothing. A failure is reported
 * by the next write, or by a zero-length one (the half-close), which waits for all before
 * it; a clunk waits for them too, so nothing written is lost by closing. Reads of it read
 * ahead, as a socket's receive buffer does: from the first read on, up to READAHEAD reads
 * are kept outstanding (the daemon answers a conversation's reads in order) and what they
 * bring is handed out as asked for. Without these, every 64 KiB would cost a round trip
 * to the daemon on each side.
 *
 * A read of a conversation may wait at the daemon for as long as its peer is quiet, and
 * the peer may be in this very session, writing over this very connection. So nothing a
 * session keeps waiting may crowd out the requests that would end the wait:
 *  - a reading file always has one read outstanding (the one asked for); the reads beyond
 *    it come out of one budget per connection (RA_BUDGET) shared evenly among the files
 *    reading, so with many conversations each reads ahead less, down to none;
 *  - likewise a writing file may always have one Twrite in flight, and more out of
 *    W_BUDGET; past its share its small writes gather in its batch, which goes as a
 *    message returns (a peer that does not read keeps a file's writes, not the tags);
 *  - the connection has NETD_TAGS tags, far more than the budgets use, and the daemon
 *    takes more requests in flight than that (netd.ts), so it never stops reading a session
 *    for having too many: only thousands of files reading and writing at once could run
 *    the pool dry.
 */
import fs from 'node:fs';
import type net from 'node:net';
import nodePath from 'node:path';
import { Client } from '../9p/client.js';
import { MountFs } from '../9p/mnt.js';
import { dial } from '../9p/transport.js';
import { defaultSrvDir, ensureSrvDir } from '../dev/srv.js';
import { Ehungup } from '../errors.js';
import { unlessInterrupted } from '../sleepon.js';
import { spawnDetached, takeLock as takeLockIn } from '../spawnd.js';
import { type Dir, type Fid, NsError, type OpenResult, type Qid, type Signal, type WalkOpened, walkThenOpen } from '../types.js';
import { tcpConvFile } from './devip.js';
import { NETD_LOCK, NETD_SOCKET } from './remote.js';

/** The msize sessions ask the daemon for: one 9P message carries up to 256 KiB of data. */
export const NETD_MSIZE = 256 * 1024 + 24;
/** Requests one session may have in flight at the daemon; the daemon takes more than this. */
export const NETD_TAGS = 8192;
/** How long a session waits for a daemon it started (or saw starting) to answer. */
const START_WAIT = 10_000;
export const Enetd = 'cannot start the /net daemon';

/** Where the daemon's socket is for a kernel with no srv directory of its own: $NAMESPACE's. */
export function defaultNetdDir(): string {
  return defaultSrvDir();
}

const EMPTY = Buffer.alloc(0);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start a daemon serving dir, which holds the start lock; it detaches and outlives this process. */
export function startNetd(dir: string): void {
  if (spawnDetached(['--netd', dir, 'locked']) === undefined) throw new NsError(Enetd);
}

/** Take the daemon's start lock in dir (spawnd.ts): the one who gets it starts the daemon. */
export const takeLock = (dir: string): boolean => takeLockIn(dir, NETD_LOCK);

async function tryConnect(sock: string): Promise<{ fs: MountFs; sock: net.Socket } | undefined> {
  let s;
  try {
    s = await dial({ net: 'unix', path: sock });
  } catch {
    return undefined;
  }
  // A daemon that accepted but does not answer (it is exiting) is as good as none.
  const t = setTimeout(() => s.destroy(), 2000);
  try {
    return { fs: new MountFs(await Client.connect(s, { msize: NETD_MSIZE, maxTags: NETD_TAGS })), sock: s };
  } catch {
    return undefined;
  } finally {
    clearTimeout(t);
  }
}

/** A connection to the daemon of srv directory dir, starting one when none answers. */
export async function connectNetd(dir: string): Promise<{ fs: MountFs; sock: net.Socket }> {
  // A socket in a directory others can write to may be anyone's daemon.
  ensureSrvDir(dir);
  const sock = nodePath.join(dir, NETD_SOCKET);
  const first = await tryConnect(sock);
  if (first) return first;
  const deadline = Date.now() + START_WAIT;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    // Whoever takes the lock starts the daemon; the others wait for it to answer.
    if (takeLock(dir)) {
      try {
        startNetd(dir);
      } catch (e) {
        fs.rmSync(nodePath.join(dir, NETD_LOCK), { recursive: true, force: true });
        throw e;
      }
    }
    await sleep(delay);
    const c = await tryConnect(sock);
    if (c) return c;
    if (Date.now() > deadline) throw new NsError(Enetd);
  }
}

/** Bytes a data file's writes may have in flight before a write waits. */
export const WINDOW = 1 << 20;
/** The largest batch of small writes sent as one Twrite, and the size below which a write is small. */
export const BATCH = 256 * 1024;
const SMALL = 32 * 1024;
/** Reads a data file keeps outstanding at most, and the count of each. */
export const READAHEAD = 4;
const RACOUNT = 64 * 1024;
/** Reads beyond each reading file's first that one connection keeps outstanding at most. */
export const RA_BUDGET = 64;
/** Twrites beyond each writing file's first that one connection keeps in flight at most. */
export const W_BUDGET = 64;

/** What the fids of one connection share: whether it is up, and each conversation's writes in flight. */
interface Shared {
  hungup(): boolean;
  /** Resolves when what was sent on the connection so far has been handed to the system. */
  sent(): Promise<void>;
  /** Settles when the writes in flight on conversation key have (the key is tcpConvFile's). */
  tails: Map<number, Promise<unknown>>;
  /** Writes in flight on the connection, and fids holding a batch not yet sent. */
  writes: Set<Promise<unknown>>;
  batched: Set<{ readonly conv?: number; flush(): void }>;
  /** Data files with reads outstanding at the daemon, and how many beyond their first they have there. */
  readers: Set<unknown>;
  extra: number;
  /** Data files with Twrites in flight, and how many beyond their first they have. */
  writers: Set<unknown>;
  wextra: number;
}

/**
 * A fid of the daemon's. Opened, its qid says whether it is a TCP conversation's data
 * file (written behind, read ahead) or ctl file, whose writes (a `hangup`) wait for the
 * conversation's data written behind, as do its clunks: what was written before is sent
 * before.
 */
class NetFid implements Fid {
  private inflight = 0;
  /** Twrites in flight. */
  private msgs = 0;
  private failed?: unknown;
  private waiters: Array<() => void> = [];
  private behind = false;
  /** The TCP conversation this open fid is a file of. */
  conv?: number;
  /** Reading ahead: the reads outstanding, oldest first, and what came but was not yet asked for. */
  private ahead?: Promise<Buffer>[];
  /** Reads of ahead's not yet answered. */
  private unanswered = 0;
  private got: Buffer[] = [];
  private ended = false;
  private rfailed?: unknown;
  /** The first read of a clone or listen file, made by walkOpen. */
  private first?: Buffer;
  /** Writes made while others were in flight, copied, to go as one Twrite. */
  private batch?: Buffer;
  private batchLen = 0;
  private flushing = false;

  constructor(
    private readonly f: Fid,
    private readonly sh: Shared,
  ) {}

  get qid(): Qid {
    return this.f.qid;
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    const r = await this.f.walk(names);
    return r.fid ? { fid: new NetFid(r.fid, this.sh), qids: r.qids } : r;
  }

  /**
   * Walked and opened in one round trip; a clone or listen file opened for reading also
   * has its first read (the conversation's number, which dial and listen read next) sent
   * with them, and kept for that read.
   */
  async walkOpen(names: string[], mode: number): Promise<WalkOpened> {
    const last = names[names.length - 1];
    const readable = (mode & 3) !== 1;
    const r = this.f.walkOpen
      ? await this.f.walkOpen(names, mode, readable && (last === 'clone' || last === 'listen') ? 32 : 0)
      : await walkThenOpen(this.f, names, mode);
    if (!r.fid) return r;
    const nf = new NetFid(r.fid, this.sh);
    const w: WalkOpened = { ...r, fid: nf };
    if (w.opened) {
      nf.opened(w.opened, mode);
      if (r.data) nf.first = r.data;
    }
    return w;
  }

  async open(mode: number): Promise<OpenResult> {
    const r = await this.f.open(mode);
    this.opened(r, mode);
    return r;
  }

  private opened(r: OpenResult, mode: number): void {
    const cf = tcpConvFile(r.qid.path);
    if (cf) {
      this.conv = cf.conv;
      if (cf.file === 'data') {
        this.behind = (mode & 3) !== 0;
        if ((mode & 3) !== 1) this.ahead = [];
      }
    }
  }

  create(name: string, perm: number, mode: number): Promise<OpenResult> {
    return this.f.create(name, perm, mode);
  }

  async read(offset: number, count: number, signal?: Signal): Promise<Buffer> {
    const first = this.first;
    if (first) {
      this.first = undefined;
      if (offset === 0 && first.length <= count) return first;
    }
    const ahead = this.ahead;
    if (!ahead) return this.f.read(offset, count, signal);
    while (this.got.length === 0) {
      if (this.rfailed !== undefined) throw this.rfailed;
      if (this.ended) return Buffer.alloc(0);
      this.readAhead(ahead);
      // A reader that gives up (a flushed Tread, an interrupt) takes nothing: the read
      // ahead stays queued for the next reader.
      const head = ahead[0]!;
      await unlessInterrupted(head.then(() => {}, () => {}), signal);
      if (ahead[0] !== head) continue;
      ahead.shift();
      try {
        const b = await head;
        if (b.length === 0) this.ended = true;
        else this.got.push(b);
      } catch (e) {
        this.rfailed ??= e;
      }
    }
    const b = this.got[0]!;
    if (b.length <= count) return this.got.shift()!;
    this.got[0] = b.subarray(count);
    return b.subarray(0, count);
  }

  /**
   * Keep the read asked for outstanding, and as many more as this file's share of the
   * connection's budget allows: the budget over the files reading, at most READAHEAD in all.
   */
  private readAhead(ahead: Promise<Buffer>[]): void {
    const sh = this.sh;
    const share = Math.min(READAHEAD - 1, Math.floor(RA_BUDGET / (sh.readers.size + (this.unanswered === 0 ? 1 : 0))));
    while (ahead.length === 0 || (ahead.length < READAHEAD && this.unanswered <= share && sh.extra < RA_BUDGET)) {
      if (this.unanswered++ === 0) sh.readers.add(this);
      else sh.extra++;
      const r = this.f.read(0, RACOUNT);
      const answered = (): void => {
        if (this.ahead !== ahead) return;
        if (--this.unanswered === 0) sh.readers.delete(this);
        else sh.extra--;
      };
      r.then(answered, answered);
      ahead.push(r);
    }
  }

  /** Closing: reads still unanswered no longer count against the connection's budget. */
  private dropAhead(): void {
    if (!this.ahead) return;
    if (this.unanswered > 0) {
      this.sh.extra -= this.unanswered - 1;
      this.sh.readers.delete(this);
    }
    this.unanswered = 0;
    this.ahead = [];
    this.ended = true;
  }

  async write(offset: number, data: Buffer): Promise<number> {
    if (!this.behind || data.length === 0 || data.length > WINDOW) {
      await this.settled();
      await this.convSettled();
      return this.f.write(offset, data);
    }
    const n = data.length;
    // Wait for room in the window, and for a message of this file's share when the write needs one.
    for (;;) {
      if (this.failed !== undefined) throw this.failed;
      if (this.sh.hungup()) throw new NsError(Ehungup);
      const room = this.inflight === 0 || this.inflight + n <= WINDOW;
      const joins = this.inflight > 0 && n < SMALL && this.batchLen + n <= BATCH;
      if (room && (joins || this.maySend())) break;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    this.flushOthers();
    if (this.inflight > 0 && n < SMALL) {
      // Others are on their way: this one joins the batch, copied, as a TCP stack
      // coalesces segments; the batch goes as one Twrite when full or at the turn's end,
      // or, when this file has all the messages its share allows in flight, as one returns.
      if (this.batchLen + n > BATCH) this.flush();
      this.batch ??= Buffer.allocUnsafe(BATCH);
      data.copy(this.batch, this.batchLen);
      this.batchLen += n;
      this.inflight += n;
      this.sh.batched.add(this);
      if (this.batchLen >= BATCH && this.maySend()) this.flush();
      else if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => {
          this.flushing = false;
          if (this.maySend()) this.flush();
        });
      }
      return n;
    }
    this.flush();
    this.send(data);
    // Returning once the message is out of this process: a session that exits right after
    // writing (a listen1 service) loses nothing; the daemon has it.
    await this.sh.sent();
    return n;
  }

  /** Send what the batch holds. */
  flush(): void {
    this.sh.batched.delete(this);
    const b = this.batch;
    if (!b || this.batchLen === 0) return;
    const data = b.subarray(0, this.batchLen);
    this.batch = undefined;
    this.batchLen = 0;
    this.inflight -= data.length;
    this.send(data);
  }

  /**
   * Whether this file may send another Twrite now: always when it has none in flight;
   * beyond that, out of the connection's W_BUDGET shared evenly among the files writing.
   */
  private maySend(): boolean {
    if (this.msgs === 0) return true;
    const sh = this.sh;
    return sh.wextra < W_BUDGET && this.msgs <= Math.floor(W_BUDGET / sh.writers.size);
  }

  /** One Twrite of data, counted in flight until answered and kept in its conversation's order. */
  private send(data: Buffer): void {
    const n = data.length;
    const sh = this.sh;
    this.inflight += n;
    if (this.msgs++ === 0) sh.writers.add(this);
    else sh.wextra++;
    const done = (): void => {
      this.inflight -= n;
      if (--this.msgs === 0) sh.writers.delete(this);
      else sh.wextra--;
      if (this.batchLen > 0 && this.maySend()) this.flush();
      for (const w of this.waiters.splice(0)) w();
    };
    const p = this.f.write(0, data).then(done, (e: unknown) => {
      this.failed ??= e;
      done();
    });
    this.sh.writes.add(p);
    void p.then(() => this.sh.writes.delete(p));
    const key = this.conv!;
    const tails = this.sh.tails;
    const prev = tails.get(key);
    const t = prev ? Promise.all([prev, p]) : p;
    tails.set(key, t);
    void t.then(() => {
      if (tails.get(key) === t) tails.delete(key);
    });
  }

  /** Batches other fids of this conversation hold go before what this one writes now. */
  private flushOthers(): void {
    if (this.sh.batched.size === 0 || this.conv === undefined) return;
    for (const f of this.sh.batched) if (f !== this && f.conv === this.conv) f.flush();
  }

  /** Wait for what any fid of this conversation has written behind. */
  private async convSettled(): Promise<void> {
    if (this.conv === undefined) return;
    this.flushOthers();
    const t = this.sh.tails.get(this.conv);
    if (t) await t;
  }

  /** Wait for writes in flight; fail with the first of them that failed. */
  private async settled(): Promise<void> {
    this.flush();
    while (this.inflight > 0) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failed !== undefined) throw this.failed;
  }

  stat(): Promise<Dir> {
    return this.f.stat();
  }

  wstat(d: Partial<Dir>): Promise<void> {
    return this.f.wstat(d);
  }

  async remove(): Promise<void> {
    this.dropAhead();
    await this.settled().catch(() => {});
    await this.convSettled();
    return this.f.remove();
  }

  async clunk(): Promise<void> {
    this.dropAhead();
    await this.settled().catch(() => {});
    await this.convSettled();
    return this.f.clunk();
  }
}

interface Link {
  fs: MountFs;
  roots: Map<string, Promise<Fid>>;
  shared: Shared;
}

/** The link of one session: the current connection and its attached roots. */
export class NetdLink {
  private cur?: Link;
  private connecting?: Promise<Link>;

  constructor(
    readonly dir: string,
    private readonly uname: string,
  ) {}

  /** The daemon's root for aname on a live connection. */
  async root(aname: string): Promise<Fid> {
    const c = await this.conn();
    let r = c.roots.get(aname);
    if (!r) {
      r = c.fs.attach(this.uname, aname).then((f) => new NetFid(f, c.shared));
      c.roots.set(aname, r);
      r.catch(() => c.roots.delete(aname));
    }
    return r;
  }

  private conn(): Promise<Link> | Link {
    const c = this.cur;
    if (c && !c.fs.client.hungup) return c;
    this.cur = undefined;
    return (this.connecting ??= connectNetd(this.dir).then(
      ({ fs, sock }) => {
        this.connecting = undefined;
        const sent = async (): Promise<void> => {
          // A request is sent a turn after it is made (client.ts waits for a tag) and goes
          // to the system when its connection uncorks, on the next tick (transport.ts).
          await null;
          await new Promise((r) => process.nextTick(r));
          if (sock.writableLength === 0 || sock.destroyed) return;
          // What the system did not take yet: an empty write's callback comes after it has.
          await new Promise<void>((r) => sock.write(EMPTY, () => r()));
        };
        const shared: Shared = { hungup: () => fs.client.hungup, sent, tails: new Map(), writes: new Set(), batched: new Set(), readers: new Set(), extra: 0, writers: new Set(), wextra: 0 };
        return (this.cur = { fs, roots: new Map(), shared });
      },
      (e) => {
        this.connecting = undefined;
        throw e;
      },
    ));
  }

  /** Send every batch and wait (at most ms) for the writes in flight to be answered. */
  async settle(ms: number): Promise<void> {
    const sh = this.cur?.shared;
    if (!sh) return;
    for (const f of [...sh.batched]) f.flush();
    if (sh.writes.size === 0) return;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...sh.writes]), new Promise((r) => (t = setTimeout(r, ms)))]);
    clearTimeout(t);
  }

  /** Hang up (the session is ending, or a test is done). */
  close(): void {
    this.cur?.fs.client.close();
    this.cur = undefined;
  }
}
