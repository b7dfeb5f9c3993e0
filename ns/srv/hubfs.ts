/*
 * hubfs: a directory of hubs, pipes with any number of readers and writers, as ANTS's
 * hubfs(4). Every write to a hub is appended for all its readers; each open fid reads
 * from its own cursor, starting at the oldest byte the hub keeps (its ring: the last
 * `ring` bytes written) or, under trunc, at what is written after it opened. A read with
 * nothing to take waits, and gives up taking nothing when its signal fires (a Tflush, an
 * interrupt). A reader the ring has left behind jumps to the oldest byte kept and the
 * bytes it missed are counted in `lost`; under `fear` a writer instead waits (at most
 * fearWait ms, or until its own signal fires) while the write would push bytes the slowest
 * reader has not read out of the ring. A reader that lets a writer wait that long without
 * reading is not waited for again until it reads, so one quiet client costs one stall,
 * not one per write.
 *
 * End of file is a mark in the stream: `eof` puts one at the hub's current end, and every
 * reader gets exactly one empty read when its cursor reaches it, whenever that is — a
 * reader opened later, reading the backlog, included. Removing a hub ends its readers.
 *
 * `freeze` makes hubs plain files of what they keep, for the fids opened while frozen:
 * those read at offsets to the end and write at offsets. Fids streaming before stay
 * streams (the shell reading a hub must not see end of file because someone looked).
 *
 * The ring is a list of blocks; small writes are copied into the tail block, so a hub of
 * one-byte writes costs its bytes, not a Buffer each. Bytes once in a block never change
 * (a frozen write at an offset rebuilds the ring), since replies hold views of them.
 */
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import { Ebadarg, Ebadchar, Ebadusefd, Eexist, Ehungup, Eisdir, Enonexist, Enotdir, Eperm } from '../errors.js';
import { checkSignal, sleepOn } from '../sleepon.js';
import { turnDue, yieldTurn } from '../turn.js';
import {
  DMDIR, type Dir, type Fid, type FileServer, NsError, OEXEC, OREAD, ORCLOSE, ORDWR, OTRUNC, OWRITE, type OpenResult,
  type Qid, QTDIR, QTFILE, type Signal,
} from '../types.js';

export const Ebadctl = 'unknown control message';

export interface HubfsOptions {
  /** Shown in ctl's status line (the srv name). */
  name: string;
  /** Bytes each hub keeps (default 777777, as ANTS). */
  ring?: number;
  /** New readers start at the end rather than at the oldest byte kept. */
  trunc?: boolean;
  /** Longest a writer waits under fear, in ms (default 2000). */
  fearWait?: number;
  owner?: string;
}

const BLOCK = 64 * 1024;
const now = (): number => Math.floor(Date.now() / 1000);

/** The bytes a hub keeps: blocks at absolute stream positions, the oldest kept at base. */
class Ring {
  private bufs: Buffer[] = [];
  private lens: number[] = [];
  private starts: number[] = [];
  private head = 0;
  base = 0;
  end = 0;

  constructor(public size: number) {}

  append(data: Buffer): void {
    let off = 0;
    // Only the last `size` bytes of a write larger than the ring could be kept.
    if (data.length > this.size) {
      this.end += data.length - this.size;
      off = data.length - this.size;
      this.clear(this.end);
    }
    while (off < data.length) {
      const last = this.bufs.length - 1;
      const room = last >= this.head ? this.bufs[last]!.length - this.lens[last]! : 0;
      if (room > 0) {
        const n = Math.min(room, data.length - off);
        data.copy(this.bufs[last]!, this.lens[last]!, off, off + n);
        this.lens[last]! += n;
        this.end += n;
        off += n;
        continue;
      }
      const left = data.length - off;
      const b = Buffer.allocUnsafe(left >= BLOCK ? left : BLOCK);
      this.bufs.push(b);
      this.lens.push(0);
      this.starts.push(this.end);
    }
    this.trim();
  }

  private trim(): void {
    this.base = Math.max(this.base, this.end - this.size);
    while (this.head < this.bufs.length && this.starts[this.head]! + this.lens[this.head]! <= this.base && this.head < this.bufs.length - 1) this.head++;
    if (this.head > 64 && this.head * 2 > this.bufs.length) {
      this.bufs.splice(0, this.head);
      this.lens.splice(0, this.head);
      this.starts.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Forget everything before pos (= end: empty). */
  clear(pos: number): void {
    this.bufs = [];
    this.lens = [];
    this.starts = [];
    this.head = 0;
    this.end = pos;
    this.base = pos;
  }

  /** Up to count bytes from pos (base <= pos <= end), as views of at most `most` blocks. */
  pieces(pos: number, count: number, most = Infinity): Buffer[] {
    const out: Buffer[] = [];
    let i = this.find(pos);
    while (count > 0 && i < this.bufs.length && pos < this.end && out.length < most) {
      const from = pos - this.starts[i]!;
      const n = Math.min(this.lens[i]! - from, count);
      if (n > 0) {
        out.push(this.bufs[i]!.subarray(from, from + n));
        pos += n;
        count -= n;
      }
      i++;
    }
    return out;
  }

  private find(pos: number): number {
    let lo = this.head;
    let hi = this.bufs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Write at pos (may be past end: the gap is zeros), as a frozen file does. */
  writeAt(pos: number, data: Buffer): void {
    if (pos >= this.end) {
      if (pos > this.end) this.append(Buffer.alloc(pos - this.end));
      this.append(data);
      return;
    }
    const all = Buffer.concat([...this.pieces(this.base, this.end - this.base), ...(pos + data.length > this.end ? [Buffer.alloc(pos + data.length - this.end)] : [])]);
    data.copy(all, pos - this.base);
    const base = this.base;
    this.clear(base);
    this.append(all);
  }
}

/** A reader's cursor into a hub. */
interface Cursor {
  pos: number;
  /** The sequence number of the next eof mark this reader has not had. */
  mark: number;
  /** Let a writer under fear wait its whole fearWait without reading: not waited for again until it reads. */
  asleep?: boolean;
}

class Hub {
  readonly ring: Ring;
  lost = 0;
  removed = false;
  mtime = now();
  muid: string;
  /** Positions of eof marks; marks[i] has sequence markBase + i. */
  marks: number[] = [];
  markBase = 0;
  readonly cursors = new Set<Cursor>();
  /** Open fids, reading or writing. */
  opens = 0;
  readers = 0;
  readonly wantRead: (() => void)[] = [];
  readonly wantWrite: (() => void)[] = [];

  constructor(
    public name: string,
    readonly qid: Qid,
    readonly uid: string,
    ring: number,
  ) {
    this.ring = new Ring(ring);
    this.muid = uid;
  }

  get written(): number {
    return this.ring.end;
  }

  wakeReaders(): void {
    for (const w of this.wantRead.splice(0)) w();
  }

  wakeWriters(): void {
    for (const w of this.wantWrite.splice(0)) w();
  }

  /** Drop marks the ring no longer holds. */
  trimMarks(): void {
    let n = 0;
    while (n < this.marks.length && this.marks[n]! < this.ring.base) n++;
    if (n > 0) {
      this.marks.splice(0, n);
      this.markBase += n;
    }
  }

  /**
   * A reader behind the ring jumps to its oldest byte; the gap is lost. Eof marks in the
   * gap are not: the reader still gets them, there (readv), or a `cat` would never end.
   */
  catchUp(c: Cursor): void {
    if (c.pos < this.ring.base) {
      this.lost += this.ring.base - c.pos;
      c.pos = this.ring.base;
    }
  }

  /** Bytes lost so far: those counted, and those the ring has dropped under readers not yet back. */
  lostNow(): number {
    let n = this.lost;
    for (const c of this.cursors) if (c.pos < this.ring.base) n += this.ring.base - c.pos;
    return n;
  }

  /** How far behind the end the slowest streaming reader still awake is. */
  lag(): number {
    let min = this.ring.end;
    for (const c of this.cursors) if (c.pos < min && !c.asleep) min = c.pos;
    return this.ring.end - min;
  }
}

export class Hubfs implements FileServer {
  readonly name: string;
  readonly ring: number;
  trunc: boolean;
  fear = false;
  frozen = false;
  quitted = false;
  fearWait: number;
  readonly owner: string;
  readonly hubsByName = new Map<string, Hub>();
  readonly rootQid: Qid = { type: QTDIR, vers: 0, path: 0 };
  readonly ctlQid: Qid = { type: QTFILE, vers: 0, path: 1 };
  private nextPath = 2;
  private openFids = 0;
  private readonly verbs = new Map<string, (rest: string) => Promise<void> | void>();
  private readonly quitters: (() => void)[] = [];
  private readonly idlers: (() => void)[] = [];

  constructor(opts: HubfsOptions) {
    this.name = opts.name;
    this.ring = opts.ring !== undefined && opts.ring > 0 ? Math.floor(opts.ring) : 777777;
    this.trunc = !!opts.trunc;
    this.fearWait = opts.fearWait ?? 2000;
    this.owner = opts.owner ?? 'none';
  }

  async attach(uname: string): Promise<Fid> {
    if (this.quitted) throw new NsError(Ehungup);
    return new HubFid(this, undefined, uname || this.owner, 'root');
  }

  /** Names of the hubs, oldest first. */
  hubs(): string[] {
    return [...this.hubsByName.keys()];
  }

  /** Fids open for reading on hub (0 for no such hub). */
  readers(hub: string): number {
    return this.hubsByName.get(hub)?.readers ?? 0;
  }

  /** Fids open on any hub, reading or writing. */
  get clients(): number {
    return this.openFids;
  }

  /** cb runs each time the last open fid of all hubs is clunked; returns a function that stops it. */
  onIdle(cb: () => void): () => void {
    this.idlers.push(cb);
    return () => {
      const i = this.idlers.indexOf(cb);
      if (i >= 0) this.idlers.splice(i, 1);
    };
  }

  /**
   * A ctl message of the host's own: a write to ctl whose first word is verb goes, whole,
   * to fn with the verb and the blank after it taken off (it may span lines); what fn
   * throws fails the write. The hub daemon's `new GROUP` is one.
   */
  addControl(verb: string, fn: (rest: string) => Promise<void> | void): void {
    this.verbs.set(verb, fn);
  }

  /** The host's handler for a ctl write, if its first word is one of addControl's verbs. */
  hostControl(text: string): (() => Promise<void> | void) | undefined {
    const m = /^[ \t]*([^ \t\n]+)[ \t]?/.exec(text);
    const fn = m ? this.verbs.get(m[1]!) : undefined;
    return fn && (() => fn(text.slice(m![0].length)));
  }

  /** cb runs once, on quit (a `quit` to ctl, or quit()). */
  onQuit(cb: () => void): void {
    if (this.quitted) cb();
    else this.quitters.push(cb);
  }

  /** End the server: readers see end of file, writers and new attaches `i/o on hungup channel`. */
  quit(): void {
    if (this.quitted) return;
    this.quitted = true;
    for (const h of this.hubsByName.values()) {
      h.wakeReaders();
      h.wakeWriters();
    }
    for (const cb of this.quitters.splice(0)) {
      try {
        cb();
      } catch {
        /* a host's hook failing does not stop the others */
      }
    }
  }

  opened(h: Hub, reading: boolean): void {
    h.opens++;
    if (reading) h.readers++;
    this.openFids++;
  }

  closed(h: Hub, reading: boolean): void {
    h.opens--;
    if (reading) h.readers--;
    if (--this.openFids === 0) for (const cb of [...this.idlers]) {
      try {
        cb();
      } catch {
        /* as above */
      }
    }
  }

  create(name: string, uid: string): Hub {
    if (name === 'ctl' || this.hubsByName.has(name)) throw new NsError(Eexist);
    const h = new Hub(name, { type: QTFILE, vers: 0, path: this.nextPath++ }, uid, this.ring);
    this.hubsByName.set(name, h);
    this.rootQid.vers++;
    return h;
  }

  remove(h: Hub): void {
    if (this.hubsByName.get(h.name) === h) this.hubsByName.delete(h.name);
    h.removed = true;
    this.rootQid.vers++;
    h.wakeReaders();
    h.wakeWriters();
  }

  eof(h: Hub): void {
    h.marks.push(h.written);
    h.wakeReaders();
  }

  status(): string {
    const b = (v: boolean): number => (v ? 1 : 0);
    let s = `hubfs ${this.name}: fear ${b(this.fear)} freeze ${b(this.frozen)} trunc ${b(this.trunc)} ring ${this.ring}\n`;
    for (const h of this.hubsByName.values()) s += `${h.name} readers ${h.readers} written ${h.written} lost ${h.lostNow()}\n`;
    return s;
  }

  /** ctl messages, a line each; a write with any bad line does none of them. */
  control(text: string): void {
    const todo: (() => void)[] = [];
    for (const line of text.split('\n')) {
      const m = /^[ \t]*(\S+)[ \t]*(.*?)[ \t]*$/.exec(line);
      if (!m) continue;
      const [, verb, arg] = m as unknown as [string, string, string];
      if (verb === 'eof') {
        const hubs = arg === '' ? [...this.hubsByName.values()] : [this.hubsByName.get(arg)];
        if (hubs.some((h) => !h)) throw new NsError(Enonexist);
        todo.push(() => hubs.forEach((h) => this.eof(h!)));
        continue;
      }
      const act = arg === '' ? this.verbAction(verb) : undefined;
      if (!act) throw new NsError(Ebadctl);
      todo.push(act);
    }
    for (const f of todo) f();
  }

  private verbAction(verb: string): (() => void) | undefined {
    switch (verb) {
      case 'freeze':
        return () => (this.frozen = true);
      case 'melt':
        return () => (this.frozen = false);
      case 'fear':
        return () => (this.fear = true);
      case 'calm':
        return () => {
          this.fear = false;
          for (const h of this.hubsByName.values()) h.wakeWriters();
        };
      case 'trunc':
        return () => (this.trunc = true);
      case 'notrunc':
        return () => (this.trunc = false);
      case 'quit':
        return () => this.quit();
      default:
        return undefined;
    }
  }

  dirOf(what: 'root' | 'ctl' | Hub): Dir {
    const t = now();
    if (what === 'root') {
      return { type: 0, dev: 0, qid: { ...this.rootQid }, mode: (DMDIR | 0o777) >>> 0, atime: t, mtime: t, length: 0, name: '/', uid: this.owner, gid: this.owner, muid: this.owner };
    }
    if (what === 'ctl') {
      return { type: 0, dev: 0, qid: { ...this.ctlQid }, mode: 0o666, atime: t, mtime: t, length: 0, name: 'ctl', uid: this.owner, gid: this.owner, muid: this.owner };
    }
    const h = what;
    return {
      type: 0, dev: 0, qid: { ...h.qid }, mode: 0o666, atime: t, mtime: h.mtime, length: h.written - h.ring.base,
      name: h.name, uid: h.uid, gid: this.owner, muid: h.muid,
    };
  }
}

type Node = 'root' | 'ctl' | Hub;

class HubFid implements Fid {
  /** Open mode, or -1. */
  private omode = -1;
  /** Set while this fid streams from its hub. */
  private cursor?: Cursor;
  /** Opened while frozen: reads and writes at offsets. */
  private frozen = false;
  private ctlText?: Buffer;
  private dirState: { snap?: DirSnapshot } = {};

  constructor(
    private readonly fs: Hubfs,
    hub: Hub | undefined,
    private readonly uname: string,
    private node: Node = hub ?? 'root',
  ) {}

  get qid(): Qid {
    const n = this.node;
    if (n === 'root') return { ...this.fs.rootQid };
    if (n === 'ctl') return { ...this.fs.ctlQid };
    return { ...n.qid };
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    if (this.omode >= 0) throw new NsError(Ebadusefd);
    let n = this.node;
    const qids: Qid[] = [];
    for (const name of names) {
      let next: Node | undefined;
      if (n !== 'root') {
        if (name === '..') next = 'root';
        else if (qids.length === 0) throw new NsError(Enotdir);
        else return { qids };
      } else if (name === '..' || name === '.') next = 'root';
      else if (name === 'ctl') next = 'ctl';
      else next = this.fs.hubsByName.get(name);
      if (!next) {
        if (qids.length === 0) throw new NsError(Enonexist);
        return { qids };
      }
      n = next;
      qids.push(n === 'root' ? { ...this.fs.rootQid } : n === 'ctl' ? { ...this.fs.ctlQid } : { ...n.qid });
    }
    return { fid: new HubFid(this.fs, undefined, this.uname, n), qids };
  }

  async open(mode: number): Promise<OpenResult> {
    if (this.omode >= 0) throw new NsError(Ebadusefd);
    if (this.fs.quitted) throw new NsError(Ehungup);
    const n = this.node;
    const rw = mode & 3;
    if (rw === OEXEC) throw new NsError(Eperm);
    if (n === 'root') {
      if (rw !== OREAD || (mode & OTRUNC)) throw new NsError(Eisdir);
    } else if (n !== 'ctl') {
      if (n.removed) throw new NsError(Enonexist);
      if (mode & OTRUNC) {
        n.ring.clear(n.written);
        n.trimMarks();
        n.mtime = now();
      }
      const reading = rw === OREAD || rw === ORDWR;
      this.frozen = this.fs.frozen;
      if (reading && !this.frozen) {
        const c: Cursor = this.fs.trunc ? { pos: n.written, mark: n.markBase + n.marks.length } : { pos: n.ring.base, mark: n.markBase };
        this.cursor = c;
        n.cursors.add(c);
      }
      this.fs.opened(n, reading);
    }
    this.omode = mode;
    return { qid: this.qid, iounit: 0 };
  }

  async create(name: string, perm: number, mode: number): Promise<OpenResult> {
    if (this.omode >= 0) throw new NsError(Ebadusefd);
    if (this.fs.quitted) throw new NsError(Ehungup);
    if (this.node !== 'root') throw new NsError(Enotdir);
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new NsError(Ebadchar);
    if (perm & DMDIR) throw new NsError(Eperm);
    this.node = this.fs.create(name, this.uname);
    return this.open(mode & ~OTRUNC);
  }

  private hub(): Hub {
    const n = this.node;
    if (this.omode < 0) throw new NsError(Ebadusefd);
    if (n === 'root' || n === 'ctl') throw new NsError(Eisdir);
    return n;
  }

  /** A stream read gives what one block holds (a short read, as a pipe's), never a copy. */
  async read(offset: number, count: number, signal?: Signal): Promise<Buffer> {
    const ps = await this.readv(offset, count, signal, 1);
    return ps.length === 1 ? ps[0]! : Buffer.concat(ps);
  }

  async readv(offset: number, count: number, signal?: Signal, most = Infinity): Promise<Buffer[]> {
    if (this.omode < 0 || (this.omode & 3) === OWRITE) throw new NsError(Ebadusefd);
    if (offset < 0 || count < 0) throw new NsError(Ebadarg);
    const n = this.node;
    if (n === 'root') {
      return [await dirRead(this.dirState, offset, count, () => ['ctl' as const, ...this.fs.hubsByName.values()].map((x) => this.fs.dirOf(x)))];
    }
    if (n === 'ctl') {
      if (offset === 0 || !this.ctlText) this.ctlText = Buffer.from(this.fs.status());
      return [this.ctlText.subarray(Math.min(offset, this.ctlText.length), Math.min(offset + count, this.ctlText.length))];
    }
    if (!this.cursor) {
      const r = n.ring;
      const at = r.base + offset;
      if (at >= r.end || n.removed) return [];
      return r.pieces(at, count);
    }
    if (turnDue()) await yieldTurn();
    const c = this.cursor;
    for (;;) {
      checkSignal(signal);
      if (n.removed || this.fs.quitted) return [];
      n.catchUp(c);
      const mark = c.mark < n.markBase ? -1 : c.mark - n.markBase < n.marks.length ? n.marks[c.mark - n.markBase]! : Infinity;
      if (mark <= c.pos) {
        c.mark++;
        return [];
      }
      if (c.pos < n.written && count > 0) {
        const out = n.ring.pieces(c.pos, Math.min(count, mark - c.pos), most);
        c.asleep = false;
        for (const p of out) c.pos += p.length;
        if (n.wantWrite.length > 0) n.wakeWriters();
        return out;
      }
      if (count === 0) return [];
      await sleepOn(n.wantRead, (wake) => wake, signal);
    }
  }

  async write(offset: number, data: Buffer, signal?: Signal): Promise<number> {
    if (this.omode < 0 || (this.omode & 3) === OREAD) throw new NsError(Ebadusefd);
    const n = this.node;
    if (n === 'root') throw new NsError(Eisdir);
    if (n === 'ctl') {
      const text = data.toString('utf8');
      const host = this.fs.hostControl(text);
      if (host) await host();
      else this.fs.control(text);
      return data.length;
    }
    if (offset < 0) throw new NsError(Ebadarg);
    if (turnDue()) await yieldTurn();
    if (this.frozen) {
      if (n.removed || this.fs.quitted) throw new NsError(Ehungup);
      n.ring.writeAt(n.ring.base + offset, data);
    } else {
      await this.fear(n, data.length, signal);
      if (n.removed || this.fs.quitted) throw new NsError(Ehungup);
      if (data.length === 0) return 0;
      n.ring.append(data);
    }
    n.trimMarks();
    n.mtime = now();
    n.muid = this.uname;
    n.qid.vers = (n.qid.vers + 1) >>> 0;
    n.wakeReaders();
    return data.length;
  }

  /** Under fear, wait while writing len bytes would push unread bytes out of the ring. */
  private async fear(n: Hub, len: number, signal?: Signal): Promise<void> {
    if (!this.fs.fear) return;
    const over = (): boolean => this.fs.fear && !n.removed && !this.fs.quitted && n.lag() > 0 && n.lag() + len > n.ring.size;
    if (!over()) return;
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      n.wakeWriters();
    }, this.fs.fearWait);
    try {
      while (over() && !expired) await sleepOn(n.wantWrite, (wake) => wake, signal);
      checkSignal(signal);
      // Whoever still holds the write back has stopped reading (a client gone quiet): one
      // stall is enough, the next writes do not wait for it.
      if (expired) for (const c of n.cursors) if (n.ring.end - c.pos + len > n.ring.size) c.asleep = true;
    } finally {
      clearTimeout(timer);
    }
  }

  async stat(): Promise<Dir> {
    const n = this.node;
    return this.fs.dirOf(n);
  }

  async wstat(d: Partial<Dir>): Promise<void> {
    const n = this.node;
    const set = (v: number | undefined): v is number => v !== undefined && v !== -1 && v !== 0xffffffff && v < 2 ** 53;
    if (n === 'root' || n === 'ctl') {
      if ((d.name !== undefined && d.name !== '') || set(d.length)) throw new NsError(Eperm);
      return;
    }
    const rename = d.name !== undefined && d.name !== '' && d.name !== n.name;
    if (rename) {
      const to = d.name!;
      if (to === '.' || to === '..' || to.includes('/') || to.includes('\0')) throw new NsError(Ebadchar);
      if (to === 'ctl' || this.fs.hubsByName.has(to)) throw new NsError(Eexist);
    }
    if (set(d.length) && d.length !== 0) throw new NsError(Eperm);
    if (rename && !n.removed) {
      this.fs.hubsByName.delete(n.name);
      n.name = d.name!;
      this.fs.hubsByName.set(n.name, n);
      this.fs.rootQid.vers++;
    } else if (rename) n.name = d.name!;
    if (set(d.length)) {
      n.ring.clear(n.written);
      n.trimMarks();
    }
    if (set(d.mtime)) n.mtime = d.mtime;
  }

  async remove(): Promise<void> {
    const n = this.node;
    try {
      if (n === 'root' || n === 'ctl') throw new NsError(Eperm);
      if (n.removed) throw new NsError(Enonexist);
      this.fs.remove(n);
    } finally {
      this.omode &= ~ORCLOSE;
      await this.clunk();
    }
  }

  async clunk(): Promise<void> {
    if (this.omode < 0) return;
    const mode = this.omode;
    this.omode = -1;
    const n = this.node;
    if (n === 'root' || n === 'ctl') return;
    if (this.cursor) {
      n.cursors.delete(this.cursor);
      this.cursor = undefined;
      // The slowest reader may have gone: a writer waiting under fear may go on.
      if (n.wantWrite.length > 0) n.wakeWriters();
    }
    const rw = mode & 3;
    this.fs.closed(n, rw === OREAD || rw === ORDWR);
    if (mode & ORCLOSE && !n.removed) this.fs.remove(n);
  }
}
