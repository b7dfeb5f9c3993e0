/*
 * The 9P client: one connection, many requests in flight.
 *
 * rpc() takes a T-message without a tag, gives it a free tag, sends it, and resolves with
 * the matching R-message (Rerror and 9P2000.L's Rlerror reject with an NsError of the
 * server's text, errnos worded as Plan 9 would). Tags are a bounded pool: when all are out,
 * rpc waits for one, so a caller cannot queue without bound. An rpc given an AbortSignal
 * that fires rejects with `interrupted` at once and sends Tflush; its tag stays reserved
 * until Rflush comes back (flush(5)), and if the original reply wins the race and made a
 * fid (walk, attach), that fid is clunked. Fid numbers come from a free list.
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

export interface ClientOptions {
  /** Largest message to ask for (size[4] included); default 64 KiB of data plus header. */
  msize?: number;
  /** Version to try first; 9P2000 by default (then 9P2000.L). */
  version?: string;
  /** Requests in flight at once. */
  maxTags?: number;
}

export class Client {
  msize = 8192;
  version = VERSION9P;
  private readonly conn: Conn;
  private readonly pending: (Pending | undefined)[] = [];
  private readonly freeTags: number[] = [];
  private readonly tagWaiters: Array<{ ok(tag: number): void; fail(e: NsError): void }> = [];
  private readonly freeFids: number[] = [];
  private nextFid = 1;
  private dead?: NsError;
  private readonly hangupHooks: Array<() => void> = [];

  constructor(stream: Duplex, maxTags = 256) {
    for (let t = maxTags - 1; t >= 0; t--) this.freeTags.push(t);
    this.conn = new Conn(stream, (m) => this.receive(m), (e) => this.hangup(e), 1 << 20);
  }

  /** Open a client on stream and negotiate version and msize. */
  static async connect(stream: Duplex, opts: ClientOptions = {}): Promise<Client> {
    const c = new Client(stream, opts.maxTags);
    try {
      await c.negotiate(opts.msize ?? DEFAULT_MSIZE, opts.version ?? VERSION9P);
    } catch (e) {
      c.close();
      throw e;
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
        r = await this.rpcTagged({ type: 'Tversion', msize, version: v }, NOTAG);
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

  /* ---- requests ---- */

  private getTag(): Promise<number> | number {
    if (this.dead) throw this.dead;
    const t = this.freeTags.pop();
    if (t !== undefined) return t;
    return new Promise((ok, fail) => this.tagWaiters.push({ ok, fail }));
  }

  private putTag(tag: number): void {
    this.pending[tag] = undefined;
    const w = this.tagWaiters.shift();
    if (w) w.ok(tag);
    else this.freeTags.push(tag);
  }

  /** Send a T-message and wait for its reply. */
  async rpc<Q extends Request>(req: Q, signal?: AbortSignal): Promise<Reply<Q['type']>> {
    if (this.dead) throw this.dead;
    if (signal?.aborted) throw new NsError(Eintr);
    const tag = await this.getTag();
    if (this.dead) throw this.dead;
    return this.rpcTagged(req, tag, signal);
  }

  private rpcTagged<Q extends Request>(req: Q, tag: number, signal?: AbortSignal): Promise<Reply<Q['type']>> {
    const f = { ...req, tag } as unknown as Fcall;
    return new Promise<Reply<Q['type']>>((resolve, reject) => {
      const p: Pending = { req: f, resolve: resolve as (f: Fcall) => void, reject, flushed: false };
      if (tag !== NOTAG) this.pending[tag] = p;
      else this.versionPending = p;
      if (signal) {
        const onAbort = (): void => this.flush(tag, p);
        signal.addEventListener('abort', onAbort, { once: true });
        const done = (): void => signal.removeEventListener('abort', onAbort);
        p.resolve = (r) => { done(); (resolve as (f: Fcall) => void)(r); };
        p.reject = (e) => { done(); reject(e); };
      }
      this.conn.send(encodeParts(f));
    });
  }

  private versionPending?: Pending;

  /** Give up on the request at tag: reject it now, Tflush it, free the tag at Rflush. */
  private flush(tag: number, p: Pending): void {
    if (p.flushed || this.pending[tag] !== p) return;
    p.flushed = true;
    p.reject(new NsError(Eintr));
    this.rpc({ type: 'Tflush', oldtag: tag }).then(
      () => {
        if (this.pending[tag] === p) this.forget(p, undefined);
        this.putTag(tag);
      },
      () => {},
    );
  }

  /** A flushed request is over: undo a fid its reply made, or free the fid it would have made. */
  private forget(p: Pending, reply: Fcall | undefined): void {
    const req = p.req;
    let fid: number | undefined;
    if (req.type === 'Twalk' && req.newfid !== req.fid) fid = req.newfid;
    if (req.type === 'Tattach' || req.type === 'Tauth') fid = req.type === 'Tattach' ? req.fid : req.afid;
    if (fid === undefined) return;
    const made = reply !== undefined && (reply.type === 'Rattach' || reply.type === 'Rauth' || (reply.type === 'Rwalk' && req.type === 'Twalk' && reply.wqid.length === req.wname.length));
    if (!made) {
      this.freeFid(fid);
      return;
    }
    const f = fid;
    this.rpc({ type: 'Tclunk', fid: f }).then(() => this.freeFid(f), () => {});
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
    if (f.tag === NOTAG) this.versionPending = undefined;
    if (p.flushed) {
      // The reply beat Rflush: the tag stays reserved until Rflush arrives.
      this.pending[f.tag] = undefined;
      this.forget(p, f);
      return;
    }
    if (f.tag !== NOTAG) this.putTag(f.tag);
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
    for (const p of all) if (p && !p.flushed) p.reject(err);
    for (const w of this.tagWaiters.splice(0)) w.fail(err);
    for (const h of this.hangupHooks.splice(0)) h();
  }

  /** Hang up. */
  close(): void {
    this.conn.close();
  }
}
