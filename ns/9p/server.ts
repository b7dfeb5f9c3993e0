/*
 * The 9P server: serves any FileServer on a byte stream (9P2000).
 *
 * Each connection has a fid table (bounded: maxFids) mapping the client's fid numbers to
 * the FileServer's Fids, and a table of requests in flight keyed by tag. Requests run
 * concurrently, each answered when its operation settles.
 *
 * Tflush cancels the flushed read at its file (a Signal given to Fid.read), so a
 * read waiting on a pipe or a conversation takes nothing once flushed: the data goes to
 * the next read. A write gets one too, for files whose writes wait (hubfs under fear).
 * Rflush goes at the end of the event loop's turn; a flushed request that settled by
 * then — a read that had already taken its data, a walk that made its fid — is answered
 * first, as flush(5) allows, so nothing it did is lost. One still running
 * then has its reply dropped; if it later makes a fid (walk, attach) the fid is clunked,
 * so the tables stay as if it never happened.
 *
 * A client may pipeline: a request naming a fid that an earlier request is still making
 * (walk, attach) waits for that request, and a read, write or remove of a fid still being
 * opened waits for the open, so Twalk+Topen+Tread sent back to back act as if sent one by
 * one. Clunk does not wait for an open: it is how a blocked open is given up. The open
 * then closes whatever it opens when it ends, so nothing stays open behind a clunk.
 *
 * Bounds, so that no client can make the server hold without limit: at most maxTags
 * requests, and maxHeld bytes of Twrite data, are in flight, and when the socket's send
 * buffer is full the server stops reading until the client drains its replies. A request
 * that waits for data costs a few small objects, so maxTags is large: idle readers (a /net
 * session keeps reads waiting on each conversation) must not use up the window. Requests
 * past maxTags are not a reason to stop reading either, since those in flight may be
 * waiting for something only the client can end (a read of a pipe, a flush): they wait in
 * arrival order, up to another maxTags of them, until one in flight is answered. A Tflush,
 * and a Tclunk of a fid no waiting request names, go ahead of them, so a client can always
 * give up a request or a file.
 * A message larger than msize, or one whose framing cannot be trusted, closes the
 * connection; a well-framed message that does not decode gets Rerror. Failures are
 * NsErrors whose text goes back in Rerror; anything else is `i/o error`, never a stack.
 *
 * Authentication (auth.ts) is optional: with a key, Tauth makes an auth fid running the
 * challenge-response, and with requireAuth an attach must name a finished auth fid.
 * Without requireAuth (loopback, a Unix socket) an attach is served with no afid or with
 * an auth fid whose exchange never finished.
 */
import type { Duplex } from 'node:stream';
import { Eio } from '../errors.js';
import { type Dir, type Fid, type FileServer, NsError, OREAD, ORDWR, OWRITE, OEXEC, type OpenResult, type Qid, type Signal } from '../types.js';
import { AuthFid, type AuthKey } from './auth.js';
import { decode, decodeTwritePieces, encodeParts, P9Error, peekHeader, rreadParts } from './codec.js';
import { type Fcall, IOHDRSZ, MAXWELEM, type Msg, NOFID, VERSION9P } from './fcall.js';
import { Conn } from './transport.js';

export const Eunknownfid = 'unknown fid';
export const Efidinuse = 'fid in use';
export const Etaginuse = 'tag in use';
export const Emsize = 'msize too small';
export const Etoomanyfids = 'too many fids';
export const Eopened = 'fid already opened';
export const Enotopen = 'fid not open';
export const Enotreading = 'file not open for reading';
export const Enotwriting = 'file not open for writing';
export const Ewalktoolong = 'too many names in walk';
export const Enoversion = 'version not negotiated';
export const Enotimpl = 'function not implemented';
export const Eauthreq = 'authentication required';
export const Enoauth = 'authentication not required';
export const Ebadafid = 'bad authentication fid';
/** What a flushed request would have answered, had its answer not been dropped. */
const Eflushed = 'interrupted';

export interface ServeOptions {
  /** Largest msize granted (size[4] included). */
  msize?: number;
  maxFids?: number;
  maxTags?: number;
  /** Bytes of Twrite data in flight (default 32 messages' worth). */
  maxHeld?: number;
  /** A key turns on Tauth; requireAuth refuses attaches without a finished auth fid. */
  authKey?: AuthKey;
  requireAuth?: boolean;
  /** Called once when the connection ends. */
  onClose?: () => void;
}

interface SFid {
  fid?: Fid;
  auth?: AuthFid;
  qid: Qid;
  /** Open mode, or -1 while not open. */
  omode: number;
  /** Reserved for a walk or attach still running. */
  pending?: boolean;
  /** While a walk or attach makes (or walks) this fid: settles when it is done. */
  made?: Promise<void>;
  /** While an open or create of this fid is waiting or running: settles when it is done. */
  opening?: Promise<void>;
}

/** A request that came while maxTags were in flight. */
interface Parked {
  f: Fcall;
  pieces?: Buffer[];
}

interface Req {
  f: Fcall;
  /** Given up: its reply, whenever it comes, is dropped. */
  flushed: boolean;
  /** Tags of the Tflushes waiting for it (answered once it settles or the turn ends). */
  flushers?: number[];
  /** A read's or write's cancellation, fired by Tflush or the end of the session. */
  cancel?: Cancel;
  /** Bytes of Twrite data it holds. */
  held: number;
  /** A Twrite's data, when it came in pieces (its f.data is then empty). */
  pieces?: Buffer[];
  /** An Rread's data, when the file gave it in pieces (Fid.readv). */
  out?: Buffer[];
}

const DEFAULT_MSIZE = 256 * 1024 + IOHDRSZ;

/** A read's Signal (types.ts), made for every Tread: far cheaper than an AbortSignal. */
class Cancel implements Signal {
  aborted = false;
  private listeners?: Array<() => void>;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const ls = this.listeners ?? [];
    this.listeners = undefined;
    for (const l of ls) l();
  }
}

const EMPTY = Buffer.alloc(0);

/** Serve fs on stream until it closes; returns a handle that can hang up. */
export function serve(fs: FileServer, stream: Duplex, opts: ServeOptions = {}): ServerConn {
  return new ServerConn(fs, stream, opts);
}

export class ServerConn {
  private readonly conn: Conn;
  private readonly fids = new Map<number, SFid>();
  private readonly reqs = new Map<number, Req>();
  private readonly parked: Parked[] = [];
  private msize = 0;
  private readonly maxMsize: number;
  private readonly maxFids: number;
  private readonly maxTags: number;
  private readonly maxHeld: number;
  private held = 0;
  private blocked = false;
  private closed = false;
  private readonly written: () => void;

  constructor(
    private readonly fs: FileServer,
    stream: Duplex,
    private readonly opts: ServeOptions,
  ) {
    this.maxMsize = Math.max(opts.msize ?? DEFAULT_MSIZE, 256);
    this.maxFids = opts.maxFids ?? 4096;
    this.maxTags = opts.maxTags ?? 4096;
    this.maxHeld = opts.maxHeld ?? 32 * this.maxMsize;
    this.conn = new Conn(stream, (m) => this.receive(m), () => this.ended(), this.maxMsize);
    this.conn.onPieces = (ps) => this.receivePieces(ps);
    this.written = () => {
      if (this.blocked || this.parked.length > 0) this.flow();
    };
  }

  close(): void {
    this.conn.close();
  }

  /** Requests taken and not yet answered, whether running or waiting for a place. */
  get inflight(): number {
    return this.reqs.size + this.parked.length;
  }

  private ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropAll();
    this.parked.length = 0;
    this.clunkAll();
    this.opts.onClose?.();
  }

  /** Give up every request in flight: reads waiting at their files stop waiting. */
  private dropAll(): void {
    for (const r of this.reqs.values()) {
      r.flushed = true;
      r.cancel?.abort();
    }
    this.reqs.clear();
    this.held = 0;
  }

  /** Forget every fid; one being opened is clunked by its open when that ends (opens()). */
  private clunkAll(): void {
    for (const s of this.fids.values()) if (!s.opening) s.fid?.clunk().catch(() => {});
    this.fids.clear();
  }

  /**
   * Start requests that waited for a place, unless more than a few messages of replies
   * wait for the client to take them; stop reading while those replies wait or too many
   * requests do. Each reply written re-checks.
   */
  private flow(): void {
    const backed = (): boolean => this.conn.stream.writableLength > 4 * (this.msize || this.maxMsize);
    while (this.parked.length > 0 && this.reqs.size < this.maxTags && this.held <= this.maxHeld && !this.closed && !backed()) {
      const p = this.parked.shift()!;
      this.start(p.f, p.pieces);
    }
    const parkedBytes = this.parked.reduce((n, p) => n + (p.f.type !== 'Twrite' ? 0 : p.pieces ? p.pieces.reduce((m, b) => m + b.length, 0) : p.f.data.length), 0);
    const full = this.parked.length >= this.maxTags || this.held + parkedBytes > 2 * this.maxHeld || backed();
    if (full && !this.blocked) this.conn.pause();
    else if (!full && this.blocked) this.conn.resume();
    this.blocked = full;
  }

  private receive(b: Buffer): void {
    let f: Fcall;
    try {
      f = decode(b);
    } catch (e) {
      const { tag } = peekHeader(b);
      if (tag === undefined) return this.conn.close();
      this.send({ type: 'Rerror', tag, ename: e instanceof P9Error ? e.message : Eio });
      return;
    }
    if (f.type[0] !== 'T') {
      this.send({ type: 'Rerror', tag: f.tag, ename: Enotimpl });
      return;
    }
    if (f.type === 'Tversion') {
      this.version(f);
      return;
    }
    this.dispatch(f);
  }

  /**
   * A Twrite that came in pieces (Conn.onPieces): its header is read here and its data
   * left in the pieces, for a file that takes them as they are (Fid.writev).
   */
  private receivePieces(ps: Buffer[]): void {
    const w = decodeTwritePieces(ps);
    // A header that does not add up: the decoder says what is wrong with it.
    if (!w) return this.receive(Buffer.concat(ps));
    this.dispatch(w.f, w.data);
  }

  private dispatch(f: Fcall, pieces?: Buffer[]): void {
    if (this.reqs.has(f.tag) || this.parked.some((p) => p.f.tag === f.tag)) {
      this.send({ type: 'Rerror', tag: f.tag, ename: Etaginuse });
      return;
    }
    if (this.msize === 0) {
      this.send({ type: 'Rerror', tag: f.tag, ename: Enoversion });
      return;
    }
    if (f.type === 'Tflush') {
      const r = this.reqs.get(f.oldtag);
      if (!r) {
        // One still waiting for a place is simply dropped.
        const i = this.parked.findIndex((p) => p.f.tag === f.oldtag);
        if (i >= 0) this.parked.splice(i, 1);
        this.send({ type: 'Rflush', tag: f.tag });
        this.flow();
        return;
      }
      (r.flushers ??= []).push(f.tag);
      if (r.flushers.length === 1) {
        r.cancel?.abort();
        setImmediate(() => this.flushed(r));
      }
      return;
    }
    const ahead = f.type === 'Tclunk' && !this.parked.some((p) => names(p.f, f.fid));
    if (!ahead && (this.parked.length > 0 || this.reqs.size >= this.maxTags || this.held > this.maxHeld)) {
      this.parked.push({ f, pieces });
      this.flow();
      return;
    }
    this.start(f, pieces);
    this.flow();
  }

  private start(f: Fcall, pieces?: Buffer[]): void {
    const held = f.type !== 'Twrite' ? 0 : pieces ? pieces.reduce((n, p) => n + p.length, 0) : f.data.length;
    const req: Req = { f, flushed: false, pieces, held };
    if (f.type === 'Tread' || f.type === 'Twrite') req.cancel = new Cancel();
    this.held += held;
    this.reqs.set(f.tag, req);
    this.handle(f, req).then(
      (reply) => this.answer(req, reply),
      (e) => this.answer(req, { type: 'Rerror', tag: f.tag, ename: e instanceof NsError ? e.message : Eio }),
    );
  }

  private answer(req: Req, reply: Fcall): void {
    if (req.flushed) return;
    this.forget(req);
    if (req.out && reply.type === 'Rread') {
      if (!this.closed) this.conn.send(rreadParts(reply.tag, req.out), this.written);
    } else if (!(req.flushers && reply.type === 'Rerror' && reply.ename === Eflushed)) this.send(reply);
    this.rflush(req);
    this.flow();
  }

  /** The turn a Tflush came in has ended: a request not answered by now never will be. */
  private flushed(req: Req): void {
    if (req.flushed || this.reqs.get(req.f.tag) !== req) return;
    req.flushed = true;
    this.forget(req);
    this.rflush(req);
    this.flow();
  }

  private forget(req: Req): void {
    this.reqs.delete(req.f.tag);
    this.held -= req.held;
  }

  private rflush(req: Req): void {
    for (const tag of req.flushers ?? []) this.send({ type: 'Rflush', tag });
  }

  private send(f: Fcall): void {
    if (!this.closed) this.conn.send(encodeParts(f), this.written);
  }

  private version(f: Msg<'Tversion'>): void {
    // A new session: whatever was in flight or open is forgotten.
    this.dropAll();
    this.parked.length = 0;
    this.clunkAll();
    if (f.msize < 256) {
      this.send({ type: 'Rerror', tag: f.tag, ename: Emsize });
      return;
    }
    const ok = f.version === VERSION9P || f.version.startsWith(VERSION9P + '.');
    this.msize = ok ? Math.min(f.msize, this.maxMsize) : 0;
    this.conn.maxMessage = ok ? this.msize : this.maxMsize;
    this.send({ type: 'Rversion', tag: f.tag, msize: ok ? this.msize : Math.min(f.msize, this.maxMsize), version: ok ? VERSION9P : 'unknown' });
    this.flow();
  }

  private lookup(fid: number): SFid {
    const s = this.fids.get(fid);
    if (!s || s.pending) throw new NsError(Eunknownfid);
    return s;
  }

  /**
   * The fid, once an earlier request making it (or, with open, opening it) is done;
   * synchronous when there is nothing to wait for. What to wait for is decided when the
   * request arrives: requests are taken in order, each up to its first wait, so a Topen
   * right behind a Twalk finds the fid reserved and a Tread behind it finds it opening.
   */
  private ready(fid: number, open = false): SFid | Promise<SFid> {
    const s = this.fids.get(fid);
    if (s?.made) return s.made.then(() => this.ready(fid, open));
    if (open && s?.opening) return s.opening.then(() => this.ready(fid, open));
    return this.lookup(fid);
  }

  /**
   * ready(), for a request that may have waited: one flushed meanwhile does nothing (a
   * pipelined read given up must not take data nobody will see).
   */
  private async readyFor(req: Req, fid: number, open = false): Promise<SFid> {
    const r = this.ready(fid, open);
    const s = r instanceof Promise ? await r : r;
    if (req.flushed || req.flushers) throw new NsError(Eflushed);
    return s;
  }

  /**
   * Topen and Tcreate: the fid is marked opening from the moment the request arrives (so
   * reads behind it wait), then, once any walk making it is done, opened by op. A fid
   * clunked (or the session reset) while it was opening is clunked here, once the open
   * is over, so what the open opened is closed whichever finished first.
   */
  private async opens(req: Req, fid: number, mode: number, op: (f: Fid) => Promise<OpenResult>): Promise<OpenResult> {
    const s0 = this.fids.get(fid);
    if (s0?.opening) throw new NsError(Eopened);
    const release = s0 && ServerConn.hold(s0, 'opening');
    try {
      const s = await this.readyFor(req, fid);
      if (s.auth || s.omode >= 0) throw new NsError(Eopened);
      const r = await op(this.fidOf(s));
      s.omode = mode;
      s.qid = r.qid;
      return r;
    } finally {
      release?.();
      if (s0 && this.fids.get(fid) !== s0) s0.fid?.clunk().catch(() => {});
    }
  }

  /** A promise set on s while a request works on it; call the returned function when it is done. */
  private static hold(s: SFid, what: 'made' | 'opening'): () => void {
    let done!: () => void;
    s[what] = new Promise<void>((r) => (done = r));
    return () => {
      s[what] = undefined;
      done();
    };
  }

  /** Reserve fid for a walk or attach in progress. */
  private reserve(fid: number): SFid {
    if (fid === NOFID) throw new NsError(Eunknownfid);
    if (this.fids.has(fid)) throw new NsError(Efidinuse);
    if (this.fids.size >= this.maxFids) throw new NsError(Etoomanyfids);
    const s: SFid = { qid: { type: 0, vers: 0, path: 0 }, omode: -1, pending: true };
    this.fids.set(fid, s);
    return s;
  }

  /** Finish a reservation: keep the fid, unless the request was flushed or the session reset. */
  private settle(fid: number, s: SFid, req: Req, made: Fid): void {
    if (req.flushed || this.fids.get(fid) !== s) {
      made.clunk().catch(() => {});
      if (this.fids.get(fid) === s) this.fids.delete(fid);
      return;
    }
    s.fid = made;
    s.qid = made.qid;
    s.pending = false;
  }

  private fidOf(s: SFid): Fid {
    if (!s.fid) throw new NsError(Eunknownfid);
    return s.fid;
  }

  private async handle(f: Fcall, req: Req): Promise<Fcall> {
    const tag = f.tag;
    switch (f.type) {
      case 'Tauth': {
        if (!this.opts.authKey) throw new NsError(Enoauth);
        const s = this.reserve(f.afid);
        s.auth = new AuthFid(this.opts.authKey, f.uname, f.aname);
        s.qid = s.auth.qid;
        s.pending = false;
        return { type: 'Rauth', tag, aqid: s.qid };
      }
      case 'Tattach': {
        if (f.afid !== NOFID) {
          const a = this.fids.get(f.afid);
          const good = a?.auth?.done && a.auth.uname === f.uname && a.auth.aname === f.aname;
          // Where authentication is not required, a client that tried and did not finish
          // is served as one that never tried: plan9port's 9p attaches with its afid
          // whatever came of the exchange (it has no factotum key for us).
          if (!good && (this.opts.requireAuth || !a?.auth)) throw new NsError(Ebadafid);
        } else if (this.opts.requireAuth) throw new NsError(Eauthreq);
        const s = this.reserve(f.fid);
        const release = ServerConn.hold(s, 'made');
        try {
          const root = await this.fs.attach(f.uname, f.aname);
          this.settle(f.fid, s, req, root);
          return { type: 'Rattach', tag, qid: root.qid };
        } catch (e) {
          if (this.fids.get(f.fid) === s) this.fids.delete(f.fid);
          throw e;
        } finally {
          release();
        }
      }
      case 'Twalk': {
        if (f.wname.length > MAXWELEM) throw new NsError(Ewalktoolong);
        // Taken before this walk marks its own target, so an in-place walk does not wait for itself.
        const ready = this.ready(f.fid);
        if (ready instanceof Promise) ready.catch(() => {});
        const same = f.newfid === f.fid;
        const ns = same ? undefined : this.reserve(f.newfid);
        const target = ns ?? this.fids.get(f.fid);
        const release = target && ServerConn.hold(target, 'made');
        try {
          const s = await ready;
          const from = this.fidOf(s);
          if (s.omode >= 0 || s.opening) throw new NsError(Eopened);
          const r = await from.walk(f.wname);
          const full = r.fid !== undefined && r.qids.length === f.wname.length;
          if (!full) {
            r.fid?.clunk().catch(() => {});
            if (ns && this.fids.get(f.newfid) === ns) this.fids.delete(f.newfid);
            if (r.qids.length === 0 && f.wname.length > 0) throw new NsError('file does not exist');
            return { type: 'Rwalk', tag, wqid: r.qids };
          }
          if (ns) this.settle(f.newfid, ns, req, r.fid!);
          else if (req.flushed || this.fids.get(f.fid) !== s) r.fid!.clunk().catch(() => {});
          else {
            from.clunk().catch(() => {});
            s.fid = r.fid!;
            s.qid = r.fid!.qid;
          }
          return { type: 'Rwalk', tag, wqid: r.qids };
        } catch (e) {
          if (ns && this.fids.get(f.newfid) === ns) this.fids.delete(f.newfid);
          throw e;
        } finally {
          release?.();
        }
      }
      case 'Topen': {
        const r = await this.opens(req, f.fid, f.mode, (fid) => fid.open(f.mode));
        return { type: 'Ropen', tag, qid: r.qid, iounit: this.iounit(r.iounit) };
      }
      case 'Tcreate': {
        const r = await this.opens(req, f.fid, f.mode, (fid) => {
          if (f.name === '' || f.name === '.' || f.name === '..' || f.name.includes('/')) throw new NsError('bad character in file name');
          return fid.create(f.name, f.perm, f.mode);
        });
        return { type: 'Rcreate', tag, qid: r.qid, iounit: this.iounit(r.iounit) };
      }
      case 'Tread': {
        const s = await this.readyFor(req, f.fid, true);
        const count = Math.min(f.count, this.msize - IOHDRSZ);
        if (s.auth) return { type: 'Rread', tag, data: s.auth.read(count) };
        if (s.omode < 0) throw new NsError(Enotopen);
        const m = s.omode & 3;
        if (m !== OREAD && m !== ORDWR && m !== OEXEC) throw new NsError(Enotreading);
        const fid = this.fidOf(s);
        const signal = req.cancel;
        if (fid.readv) {
          // The answer goes out as the pieces the file gave, behind one header (answer()).
          req.out = await fid.readv(f.offset, count, signal);
          return { type: 'Rread', tag, data: EMPTY };
        }
        let data = await fid.read(f.offset, count, signal);
        if (data.length > count) data = data.subarray(0, count);
        return { type: 'Rread', tag, data };
      }
      case 'Twrite': {
        const s = await this.readyFor(req, f.fid, true);
        const ps = req.pieces;
        if (s.auth) return { type: 'Rwrite', tag, count: s.auth.write(ps ? Buffer.concat(ps) : f.data) };
        if (s.omode < 0) throw new NsError(Enotopen);
        const m = s.omode & 3;
        if (m !== OWRITE && m !== ORDWR) throw new NsError(Enotwriting);
        const fid = this.fidOf(s);
        const signal = req.cancel;
        const n = !ps ? await fid.write(f.offset, f.data, signal) : fid.writev ? await fid.writev(f.offset, ps, signal) : await fid.write(f.offset, Buffer.concat(ps), signal);
        return { type: 'Rwrite', tag, count: n };
      }
      case 'Tclunk': {
        const s = await this.ready(f.fid);
        this.fids.delete(f.fid);
        if (!s.opening) await s.fid?.clunk().catch(() => {});
        return { type: 'Rclunk', tag };
      }
      case 'Tremove': {
        const s = await this.ready(f.fid, true);
        this.fids.delete(f.fid);
        if (s.auth) return { type: 'Rremove', tag };
        await this.fidOf(s).remove();
        return { type: 'Rremove', tag };
      }
      case 'Tstat': {
        const s = await this.ready(f.fid);
        if (s.auth) return { type: 'Rstat', tag, stat: s.auth.stat() };
        return { type: 'Rstat', tag, stat: await this.fidOf(s).stat() };
      }
      case 'Twstat': {
        const s = await this.ready(f.fid);
        if (s.auth) throw new NsError('permission denied');
        await this.fidOf(s).wstat(partialDir(f.stat));
        return { type: 'Rwstat', tag };
      }
      default:
        throw new NsError(Enotimpl);
    }
  }

  private iounit(n: number): number {
    const max = this.msize - IOHDRSZ;
    return n > 0 && n < max ? n : 0;
  }
}

/** Whether request f names fid (uses it, makes it, or walks from it). */
function names(f: Fcall, fid: number): boolean {
  const g = f as { fid?: number; newfid?: number; afid?: number };
  return g.fid === fid || g.newfid === fid || g.afid === fid;
}

/** A wire Dir of a Twstat as the fields to change: ~0 numbers and empty strings mean "don't touch". */
export function partialDir(d: Dir): Partial<Dir> {
  const out: Partial<Dir> = {};
  if (d.mode !== 0xffffffff) out.mode = d.mode;
  if (d.atime !== 0xffffffff) out.atime = d.atime;
  if (d.mtime !== 0xffffffff) out.mtime = d.mtime;
  if (d.length < 2 ** 64 - 1) out.length = d.length;
  if (d.name !== '') out.name = d.name;
  if (d.uid !== '') out.uid = d.uid;
  if (d.gid !== '') out.gid = d.gid;
  if (d.muid !== '') out.muid = d.muid;
  return out;
}
