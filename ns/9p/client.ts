/*
 * The 9P client: one connection, many requests in flight.
 *
 * rpc() takes a T-message without a tag, gives it a free tag, sends it, and resolves with
 * the matching R-message (Rerror and 9P2000.L's Rlerror reject with an NsError of the
 * server's text, errnos worded as Plan 9 would). Tags are a bounded pool: when all are out,
 * rpc waits for one, so a caller cannot queue without bound.
 *
 * Interrupts. An rpc given an AbortSignal that fires (while waiting for a tag or for the
 * reply) rejects with `interrupted` at once and sends Tflush; its tag stays reserved until
 * Rflush comes back (flush(5)). Fid numbers come from a free list, and the client keeps
 * them honest: a Tclunk or Tremove frees its fid when answered (whatever the answer), and
 * when a request is interrupted the client takes over every fid it names as made or
 * ended — a walk's newfid, an attach's fid, an auth's afid, a clunked or removed fid —
 * holding the number until the server's state is known, clunking what the server made
 * or kept. So a caller never frees a fid after `interrupted`.
 *
 * The watchdog. A server may be dead without the connection dropping (stopped, wedged,
 * behind a dead network). While requests are outstanding the client watches what
 * arrives: after half the deadline of silence it pings (a Tflush of a tag never used,
 * which a live server answers at once even when every other request is blocked in a
 * read), and after the whole deadline of silence it hangs up. The deadline is
 * $ANTS_9P_DEADLINE ms (30 s by default); Tversion is covered, so a server that accepts
 * and never answers fails a mount within it.
 *
 * When the connection drops, every pending rpc and every later one rejects with
 * `i/o on hungup channel` at once: a dead server never hangs the shell.
 *
 * connect() negotiates the version: 9P2000 first, then 9P2000.L when the server answers
 * with an error or does not speak 9P2000 (diod), and msize (64 KiB unless asked, never
 * more than the server allows).
 */
import type { Duplex } from 'node:stream';
import util from 'node:util';
import { Eintr, Ehungup, Emountrpc } from '../errors.js';
import { NsError } from '../types.js';
import { decode, encodeParts } from './codec.js';
import { type Fcall, type Msg, NOTAG, type Reply, type TType, TYPES, VERSION9P, VERSION9PL } from './fcall.js';
import { Conn } from './transport.js';

export const DEFAULT_MSIZE = 65536 + 24;
export const Emsize = 'msize too small';

/** A T-message as rpc takes it: everything but the tag. */
export type Request = { [K in TType]: Omit<Msg<K>, 'tag'> }[TType];

interface Pending {
  req: Fcall;
  resolve(f: Fcall): void;
  reject(e: NsError): void;
  /** Set when the caller gave up (Tflush sent): the reply is discarded and the tag kept until Rflush. */
  flushed: boolean;
}

/** Linux errnos (9P2000.L Rlerror) in Plan 9's words. */
const ERRNO: Record<number, string> = {
  1: 'permission denied', 2: 'file does not exist', 5: 'i/o error', 9: 'unknown fid', 12: 'out of memory',
  13: 'permission denied', 16: 'device or object already in use', 17: 'file already exists', 18: 'cross-device link',
  20: 'not a directory', 21: 'file is a directory', 22: 'bad arg in system call', 24: 'too many open files',
  27: 'file too large', 28: 'file system full', 29: 'illegal seek', 30: 'file system read only', 36: 'name too long',
  38: 'not implemented', 39: 'directory not empty', 95: 'not implemented', 110: 'connection timed out',
  122: 'disk quota exceeded',
};

export function errnoText(n: number): string {
  if (ERRNO[n]) return ERRNO[n];
  try {
    return util.getSystemErrorName(-n).toLowerCase();
  } catch {
    return `error ${n}`;
  }
}

/** The watchdog's deadline in ms: $ANTS_9P_DEADLINE, else 30 s; 0 turns it off. */
export function deadlineFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.ANTS_9P_DEADLINE;
  const n = v === undefined || v.trim() === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : 30000;
}

/** Was e an rpc's `interrupted` (whose fids the client has taken over)? */
export function isInterrupt(e: unknown): boolean {
  return e instanceof NsError && e.message === Eintr;
}

export interface ClientOptions {
  /** Largest message to ask for (size[4] included); default 64 KiB of data plus header. */
  msize?: number;
  /** Version to try first; 9P2000 by default (then 9P2000.L). */
  version?: string;
  /** Requests in flight at once. */
  maxTags?: number;
  /** Silence (ms) with requests outstanding that hangs the connection up; $ANTS_9P_DEADLINE by default. */
  deadline?: number;
  /** Gives up the version negotiation (the connection is closed, connect fails with `interrupted`). */
  interrupt?: AbortSignal;
}

/** The fid a request makes, if it succeeds. */
function madeFid(req: Fcall): number | undefined {
  if (req.type === 'Twalk') return req.newfid !== req.fid ? req.newfid : undefined;
  if (req.type === 'Tattach') return req.fid;
  if (req.type === 'Tauth') return req.afid;
  return undefined;
}

/** Does the request end its fid, whatever the answer? */
const endsFid = (req: Fcall): req is Msg<'Tclunk'> | Msg<'Tremove'> => req.type === 'Tclunk' || req.type === 'Tremove';

interface TagWaiter {
  ok(tag: number): void;
  fail(e: NsError): void;
}

export class Client {
  msize = 8192;
  version = VERSION9P;
  /** Silence (ms) with requests outstanding after which the connection is hung up; 0: never. */
  readonly deadline: number;
  private readonly conn: Conn;
  private readonly pending: (Pending | undefined)[] = [];
  private versionPending?: Pending;
  private readonly freeTags: number[] = [];
  private readonly tagWaiters: TagWaiter[] = [];
  private readonly freeFids: number[] = [];
  private nextFid = 1;
  private dead?: NsError;
  private readonly hangupHooks: Array<() => void> = [];
  /** Requests awaiting an answer (flushed ones until Rflush), and when a byte last arrived or the first of them went out. */
  private busy = 0;
  private heard = 0;
  private watchdog?: NodeJS.Timeout;
  private pinged = false;
  /** Version negotiated: pings may go. */
  private ready = false;
  /** The tag of the watchdog's ping, outside the pool; the tag it flushes is the one after. */
  private readonly pingTag: number;

  constructor(stream: Duplex, maxTags = 256, deadline = deadlineFromEnv()) {
    maxTags = Math.max(1, Math.min(maxTags, NOTAG - 2));
    for (let t = maxTags - 1; t >= 0; t--) this.freeTags.push(t);
    this.pingTag = maxTags;
    this.deadline = deadline;
    this.conn = new Conn(stream, (m) => this.receive(m), (e) => this.hangup(e), 1 << 20);
    stream.on('data', () => {
      this.heard = Date.now();
      this.pinged = false;
    });
  }

  /** Open a client on stream and negotiate version and msize. */
  static async connect(stream: Duplex, opts: ClientOptions = {}): Promise<Client> {
    const c = new Client(stream, opts.maxTags, opts.deadline);
    const intr = opts.interrupt;
    const onAbort = (): void => c.close();
    if (intr?.aborted) {
      c.close();
      throw new NsError(Eintr);
    }
    intr?.addEventListener('abort', onAbort, { once: true });
    try {
      await c.negotiate(opts.msize ?? DEFAULT_MSIZE, opts.version ?? VERSION9P);
    } catch (e) {
      c.close();
      throw intr?.aborted ? new NsError(Eintr) : e;
    } finally {
      intr?.removeEventListener('abort', onAbort);
    }
    return c;
  }

  get dotL(): boolean {
    return this.version === VERSION9PL;
  }

  /** The most data one Tread or Twrite carries. */
  get iounit(): number {
    return this.msize - 24;
  }

  get hungup(): boolean {
    return this.dead !== undefined;
  }

  /** Run fn when the connection drops (at once if it has). */
  onHangup(fn: () => void): void {
    if (this.dead) fn();
    else this.hangupHooks.push(fn);
  }

  private async negotiate(msize: number, first: string): Promise<void> {
    const versions = first === VERSION9PL ? [VERSION9PL] : [first, VERSION9PL];
    let lastErr: NsError = new NsError(Emountrpc);
    for (const v of versions) {
      let r: Msg<'Rversion'>;
      try {
        r = await this.send({ type: 'Tversion', msize, version: v }, NOTAG);
      } catch (e) {
        if (this.dead) throw this.dead;
        lastErr = e as NsError;
        continue;
      }
      if (r.version === 'unknown' || !r.version.startsWith('9P2000')) continue;
      if (r.msize < 256) throw new NsError(Emsize);
      this.msize = Math.min(r.msize, msize);
      this.version = r.version === VERSION9PL ? VERSION9PL : VERSION9P;
      this.conn.maxMessage = this.msize;
      this.ready = true;
      return;
    }
    throw lastErr.message === Emountrpc ? lastErr : new NsError('unsupported 9P version');
  }

  /* ---- fids ---- */

  allocFid(): number {
    return this.freeFids.pop() ?? this.nextFid++;
  }

  freeFid(fid: number): void {
    this.freeFids.push(fid);
  }

  /** Clunk a fid in the background; its number is freed when the server answers. */
  private clunkFid(fid: number): void {
    this.rpc({ type: 'Tclunk', fid }).catch(() => {});
  }

  /** A request given up before it went out: what it would have made is freed, what it would have ended is clunked. */
  private abandon(req: Fcall): void {
    if (endsFid(req)) this.clunkFid(req.fid);
    else {
      const fid = madeFid(req);
      if (fid !== undefined) this.freeFid(fid);
    }
  }

  /* ---- requests ---- */

  private waitTag(req: Fcall, signal?: AbortSignal): Promise<number> {
    return new Promise((ok, fail) => {
      const w: TagWaiter = { ok, fail };
      if (signal) {
        const onAbort = (): void => {
          const i = this.tagWaiters.indexOf(w);
          if (i < 0) return;
          this.tagWaiters.splice(i, 1);
          this.abandon(req);
          fail(new NsError(Eintr));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        w.ok = (t) => {
          signal.removeEventListener('abort', onAbort);
          ok(t);
        };
        w.fail = (e) => {
          signal.removeEventListener('abort', onAbort);
          fail(e);
        };
      }
      this.tagWaiters.push(w);
    });
  }

  private putTag(tag: number): void {
    const w = this.tagWaiters.shift();
    if (w) w.ok(tag);
    else this.freeTags.push(tag);
  }

  /**
   * Send a T-message and wait for its reply. With a signal, its abort ends the wait with
   * `interrupted` (and Tflush); the client then owns the fids the request names (see top).
   */
  async rpc<Q extends Request>(req: Q, signal?: AbortSignal): Promise<Reply<Q['type']>> {
    if (this.dead) throw this.dead;
    if (signal?.aborted) {
      this.abandon(req as unknown as Fcall);
      throw new NsError(Eintr);
    }
    const tag = this.freeTags.pop() ?? (await this.waitTag(req as unknown as Fcall, signal));
    if (this.dead) throw this.dead;
    return this.send(req, tag, signal);
  }

  private send<Q extends Request>(req: Q, tag: number, signal?: AbortSignal): Promise<Reply<Q['type']>> {
    const f = { ...req, tag } as unknown as Fcall;
    return new Promise<Reply<Q['type']>>((resolve, reject) => {
      const p: Pending = { req: f, resolve: resolve as (f: Fcall) => void, reject, flushed: false };
      this.track(tag, p);
      if (signal) {
        const onAbort = (): void => this.flush(tag, p);
        signal.addEventListener('abort', onAbort, { once: true });
        const done = (): void => signal.removeEventListener('abort', onAbort);
        p.resolve = (r) => {
          done();
          (resolve as (f: Fcall) => void)(r);
        };
        p.reject = (e) => {
          done();
          reject(e);
        };
      }
      this.conn.send(encodeParts(f));
    });
  }

  private track(tag: number, p: Pending): void {
    if (tag === NOTAG) this.versionPending = p;
    else this.pending[tag] = p;
    if (this.busy++ === 0) {
      this.heard = Date.now();
      this.pinged = false;
      if (!this.watchdog && this.deadline > 0) this.arm(this.deadline / 2);
    }
  }

  private untrack(tag: number): void {
    if (tag === NOTAG) this.versionPending = undefined;
    else this.pending[tag] = undefined;
    this.busy--;
  }

  private arm(ms: number): void {
    this.watchdog = setTimeout(this.watch, ms);
    this.watchdog.unref();
  }

  /** The watchdog (see top): ping at half the deadline of silence, hang up at all of it. */
  private readonly watch = (): void => {
    this.watchdog = undefined;
    if (this.dead || this.busy === 0) return;
    const half = this.deadline / 2;
    const quiet = Date.now() - this.heard;
    if (quiet >= this.deadline) {
      this.conn.close();
      return;
    }
    if (quiet >= half && !this.pinged && this.ready) {
      this.pinged = true;
      this.conn.send(encodeParts({ type: 'Tflush', tag: this.pingTag, oldtag: this.pingTag + 1 }));
    }
    this.arm(quiet < half ? half - quiet : this.deadline - quiet);
  };

  /** Give up on the request at tag: reject it now, Tflush it, free the tag at Rflush. */
  private flush(tag: number, p: Pending): void {
    if (p.flushed || this.pending[tag] !== p) return;
    p.flushed = true;
    p.reject(new NsError(Eintr));
    this.rpc({ type: 'Tflush', oldtag: tag }).then(
      () => {
        if (this.pending[tag] === p) {
          this.untrack(tag);
          this.forget(p, undefined);
        }
        this.putTag(tag);
      },
      () => {},
    );
  }

  /**
   * A flushed request is over, answered (reply) or not: a fid it made is clunked, one it
   * would have made is freed; a fid it ended is freed, one it did not end is clunked.
   */
  private forget(p: Pending, reply: Fcall | undefined): void {
    const req = p.req;
    if (endsFid(req)) {
      if (reply) this.freeFid(req.fid);
      else this.clunkFid(req.fid);
      return;
    }
    const fid = madeFid(req);
    if (fid === undefined) return;
    const made = reply !== undefined && TYPES[reply.type] === TYPES[req.type] + 1 &&
      (reply.type !== 'Rwalk' || req.type !== 'Twalk' || reply.wqid.length === req.wname.length);
    if (made) this.clunkFid(fid);
    else this.freeFid(fid);
  }

  private receive(msg: Buffer): void {
    let f: Fcall;
    try {
      f = decode(msg);
    } catch {
      this.conn.close(new NsError(Emountrpc));
      return;
    }
    const p = f.tag === NOTAG ? this.versionPending : this.pending[f.tag];
    if (!p) return;
    this.untrack(f.tag);
    if (p.flushed) {
      // The reply beat Rflush: the tag stays reserved until Rflush arrives.
      this.forget(p, f);
      return;
    }
    if (f.tag !== NOTAG) this.putTag(f.tag);
    if (endsFid(p.req)) this.freeFid(p.req.fid);
    if (f.type === 'Rerror') p.reject(new NsError(f.ename));
    else if (f.type === 'Rlerror') p.reject(new NsError(errnoText(f.ecode)));
    else if (TYPES[f.type] !== TYPES[p.req.type] + 1) p.reject(new NsError(Emountrpc));
    else p.resolve(f);
  }

  private hangup(e: NsError): void {
    if (this.dead) return;
    this.dead = e.message === Ehungup ? e : new NsError(Ehungup);
    const err = this.dead;
    const all = this.pending.splice(0);
    if (this.versionPending) all.push(this.versionPending);
    this.versionPending = undefined;
    this.busy = 0;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    for (const p of all) if (p && !p.flushed) p.reject(err);
    for (const w of this.tagWaiters.splice(0)) w.fail(err);
    for (const h of this.hangupHooks.splice(0)) h();
  }

  /** Hang up. */
  close(): void {
    this.conn.close();
  }
}
