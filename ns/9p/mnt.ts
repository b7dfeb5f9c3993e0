/*
 * `#M`, the mount driver: a 9P connection presented as a FileServer, so a mounted server
 * is used exactly like a kernel device. Each Fid is a client fid on the connection.
 *
 * Over 9P2000 every operation is its message. Over 9P2000.L (diod) the driver speaks
 * Linux's dialect and translates, so nothing above it knows:
 *   open → Tlopen, create → Tlcreate (Tmkdir, walk and Tlopen for a directory),
 *   stat → Tgetattr, wstat → Tsetattr (length, mode, times) and Trenameat (name),
 *   remove → Tunlinkat, reading a directory → Treaddir plus a walk+getattr per entry,
 *   served as stat(5) entries from a snapshot taken when a read starts at offset 0.
 * Renaming and removing need the parent directory, so a .L fid remembers its names
 * from the attach root and walks a helper fid there when it must.
 *
 * Reads and writes larger than the connection's iounit are split and done in order,
 * stopping at a short read, as Plan 9's mnt device does. A connection is hung up when its
 * last fid is clunked if the driver was made to own it (mounts by dial string or srv
 * socket); a hung-up connection fails every operation with `i/o on hungup channel`.
 *
 * Every operation is interruptible: it takes the caller's interrupt signal (opts.signal,
 * read synchronously when the kernel calls in, while `up` is the caller) and hands it to
 * each of its requests, so an interrupt sends Tflush and the operation fails with
 * `interrupted`. Helpers of a multi-request operation get the signal passed down, never
 * read it again after an await.
 */
import os from 'node:os';
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import { Eisdir, Enotimpl } from '../errors.js';
import {
  DMDIR, type Dir, type Fid, type FileServer, NsError, OEXEC, OREAD, ORDWR, OTRUNC, OWRITE,
  type OpenResult, type Qid, QTDIR, type WalkOpened, walkThenOpen,
} from '../types.js';
import { clientAuth, type AuthKey } from './auth.js';
import { type Client, isInterrupt } from './client.js';
import { L, type LAttr, MAXWELEM, NOFID } from './fcall.js';

export interface MountOptions {
  /** Hang up the connection when its last fid is clunked. */
  ownConnection?: boolean;
  /** A key: authenticate each attach with p9hmac when the server asks for it. */
  authKey?: AuthKey;
  /** The caller's interrupt signal, read at the start of each operation (an interrupted one sends Tflush). */
  signal?: () => AbortSignal | undefined;
}

const me = ((): { name: string; uid: number; gid: number } => {
  try {
    const u = os.userInfo();
    return { name: u.username, uid: u.uid, gid: u.gid };
  } catch {
    return { name: process.env.USER ?? 'none', uid: 65534, gid: 65534 };
  }
})();

const idName = (id: number): string => (id === me.uid ? me.name : String(id));

/**
 * The mode a .L create asks for: the Plan 9 perm less this process's umask. A Linux
 * server creates with the mode it is given, since a Linux client applies the umask
 * itself; without this, rc's `>` (perm 0666) made files every user could write.
 */
const createMode = (perm: number): number => perm & 0o777 & ~process.umask();

/** A 9P connection as a FileServer. */
export class MountFs implements FileServer {
  private live = 0;
  private own: boolean;
  /** 9P2000.L messages the server answered `not implemented`, not to be tried again. */
  readonly lacks = new Set<string>();

  constructor(
    readonly client: Client,
    readonly opts: MountOptions = {},
  ) {
    this.own = opts.ownConnection ?? false;
  }

  /** Nothing keeps the connection for its own sake any more (its srv entry went): it goes with its last fid. */
  unkeep(): void {
    this.own = true;
    if (this.live <= 0) this.client.close();
  }

  /** The caller's interrupt signal: read synchronously at the start of an operation. */
  get intr(): AbortSignal | undefined {
    return this.opts.signal?.();
  }

  async attach(uname: string, aname: string): Promise<Fid> {
    const c = this.client;
    const s = this.intr;
    let afid = NOFID;
    const nUname = c.dotL ? me.uid : undefined;
    if (this.opts.authKey) afid = await this.auth(uname, aname, s, nUname);
    const fid = c.allocFid();
    try {
      const r = await c.rpc({ type: 'Tattach', fid, afid, uname, aname, ...(nUname === undefined ? {} : { nUname }) }, s);
      this.live++;
      return new MFid(this, fid, r.qid, [], '/');
    } catch (e) {
      if (!isInterrupt(e)) c.freeFid(fid);
      // A connection dialed for this mount goes with a failed attach.
      if (this.live <= 0 && this.own) c.close();
      throw e;
    } finally {
      if (afid !== NOFID) this.clunkNumber(afid);
    }
  }

  /** Tauth and run p9hmac on the afid; NOFID when the server needs no authentication. */
  private async auth(uname: string, aname: string, s: AbortSignal | undefined, nUname?: number): Promise<number> {
    const c = this.client;
    const afid = c.allocFid();
    try {
      await c.rpc({ type: 'Tauth', afid, uname, aname, ...(nUname === undefined ? {} : { nUname }) }, s);
    } catch (e) {
      if (isInterrupt(e)) throw e;
      c.freeFid(afid);
      return NOFID;
    }
    try {
      let off = 0;
      await clientAuth(this.opts.authKey!, uname, aname,
        async () => (await c.rpc({ type: 'Tread', fid: afid, offset: 0, count: 4096 }, s)).data,
        async (b) => {
          await c.rpc({ type: 'Twrite', fid: afid, offset: off, data: b }, s);
          off += b.length;
        });
      return afid;
    } catch (e) {
      this.clunkNumber(afid);
      throw e;
    }
  }

  /** Clunk a fid in the background (the client frees its number when answered). */
  clunkNumber(fid: number): void {
    this.client.rpc({ type: 'Tclunk', fid }).catch(() => {});
  }

  /** @internal A fid was made (walk) or forgotten (clunk, remove). */
  count(d: number): void {
    this.live += d;
    if (this.live <= 0 && this.own) this.client.close();
  }
}

function lflags(mode: number): number {
  let f = (mode & 3) === OWRITE ? L.O_WRONLY : (mode & 3) === ORDWR ? L.O_RDWR : L.O_RDONLY;
  if (mode & OTRUNC) f |= L.O_TRUNC;
  if (mode & 0x100) f |= L.O_APPEND;
  return f;
}

function attrDir(a: LAttr, name: string): Dir {
  const isDir = (a.mode & L.S_IFMT) === L.S_IFDIR;
  return {
    type: 0, dev: 0, qid: { ...a.qid, type: isDir ? QTDIR : a.qid.type & ~QTDIR }, mode: ((isDir ? DMDIR : 0) | (a.mode & 0o777)) >>> 0,
    atime: a.atimeSec >>> 0, mtime: a.mtimeSec >>> 0, length: isDir ? 0 : a.size, name,
    uid: idName(a.uid), gid: idName(a.gid), muid: '',
  };
}

type Sig = AbortSignal | undefined;

class MFid implements Fid {
  /** 9P2000.L: a clone of an attach fid made before it is opened, to walk from (an open fid cannot walk). */
  private base?: MFid;
  private dirState: { snap?: DirSnapshot } = {};
  private gone = false;

  constructor(
    private readonly fs: MountFs,
    private fid: number,
    public qid: Qid,
    /** Names from the attach root (9P2000.L renames and removes need the parent). */
    private names: string[],
    private name: string,
    private readonly root?: MFid,
  ) {}

  private get c(): Client {
    return this.fs.client;
  }

  private get top(): MFid {
    return this.root ?? this.base ?? this;
  }

  walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return this.walkS(names, this.fs.intr);
  }

  private async walkS(names: string[], s: Sig): Promise<{ fid?: MFid; qids: Qid[] }> {
    const c = this.c;
    const newfid = c.allocFid();
    const qids: Qid[] = [];
    let from = this.fid;
    let made = false;
    try {
      let i = 0;
      do {
        const part = names.slice(i, i + MAXWELEM);
        let r;
        try {
          r = await c.rpc({ type: 'Twalk', fid: from, newfid, wname: part }, s);
        } catch (e) {
          if (qids.length === 0 || isInterrupt(e)) throw e;
          break;
        }
        qids.push(...r.wqid);
        if (r.wqid.length < part.length) break;
        made = true;
        from = newfid;
        i += part.length;
      } while (i < names.length);
      if (qids.length < names.length) {
        if (made) this.fs.clunkNumber(newfid);
        else c.freeFid(newfid);
        return { qids };
      }
    } catch (e) {
      // Interrupted, the first walk's newfid is the client's; a later one's is ours to clunk.
      if (made) this.fs.clunkNumber(newfid);
      else if (!isInterrupt(e)) c.freeFid(newfid);
      throw e;
    }
    return { fid: this.made(newfid, names, qids), qids };
  }

  /** The fid newfid, walked from this one along names to qids. */
  private made(newfid: number, names: string[], qids: Qid[]): MFid {
    const path = this.names.slice();
    for (const n of names) {
      if (n === '..') path.pop();
      else if (n !== '.') path.push(n);
    }
    this.fs.count(1);
    const last = names.length > 0 ? names[names.length - 1]! : this.name;
    const qid = qids.length > 0 ? qids[qids.length - 1]! : { ...this.qid };
    return new MFid(this.fs, newfid, qid, path, path.length === 0 ? '/' : last, this.top);
  }

  /**
   * Twalk, Topen (and Tread) sent back to back. A server that runs them out of order
   * (ours waits; Plan 9's exportfs might not) fails the open, which is then tried again
   * on its own; a fid number is reused only once every message naming it is answered.
   */
  async walkOpen(names: string[], mode: number, read = 0): Promise<WalkOpened> {
    const c = this.c;
    const s = this.fs.intr;
    if (c.dotL || names.length === 0 || names.length > MAXWELEM) return walkThenOpen(this, names, mode);
    const newfid = c.allocFid();
    const pw = c.rpc({ type: 'Twalk', fid: this.fid, newfid, wname: names }, s);
    const po = c.rpc({ type: 'Topen', fid: newfid, mode: mode & 0xff }, s);
    const pr = read > 0 ? c.rpc({ type: 'Tread', fid: newfid, offset: 0, count: Math.min(read, c.iounit) }, s) : undefined;
    const after = Promise.allSettled([po, pr]);
    let w;
    try {
      w = await pw;
    } catch (e) {
      await after;
      if (!isInterrupt(e)) c.freeFid(newfid);
      throw e;
    }
    if (w.wqid.length < names.length) {
      await after;
      c.freeFid(newfid);
      return { qids: w.wqid };
    }
    const fid = this.made(newfid, names, w.wqid);
    const [o, d] = await after;
    if (o.status === 'fulfilled') {
      fid.qid = o.value.qid;
      return { fid, qids: w.wqid, opened: { qid: o.value.qid, iounit: this.iounit(o.value.iounit) }, data: d.status === 'fulfilled' ? d.value?.data : undefined };
    }
    if (isInterrupt(o.reason)) {
      fid.clunk().catch(() => {});
      throw o.reason;
    }
    try {
      return { fid, qids: w.wqid, opened: await fid.openS(mode, s) };
    } catch (e) {
      return { fid, qids: w.wqid, openErr: e };
    }
  }

  open(mode: number): Promise<OpenResult> {
    return this.openS(mode, this.fs.intr);
  }

  private async openS(mode: number, s: Sig): Promise<OpenResult> {
    const c = this.c;
    let r;
    if (c.dotL) {
      if ((this.qid.type & QTDIR) !== 0 && (mode & 3) !== OREAD && (mode & 3) !== OEXEC) throw new NsError(Eisdir);
      if (!this.root && !this.base) this.base = (await this.walkS([], s)).fid;
      r = await c.rpc({ type: 'Tlopen', fid: this.fid, flags: lflags(mode) }, s);
    } else {
      r = await c.rpc({ type: 'Topen', fid: this.fid, mode: mode & 0xff }, s);
    }
    this.qid = r.qid;
    return { qid: r.qid, iounit: this.iounit(r.iounit) };
  }

  private iounit(n: number): number {
    const max = this.c.iounit;
    return n > 0 && n < max ? n : max;
  }

  async create(name: string, perm: number, mode: number): Promise<OpenResult> {
    const c = this.c;
    const s = this.fs.intr;
    let qid: Qid;
    let iounit: number;
    if (!c.dotL) {
      const r = await c.rpc({ type: 'Tcreate', fid: this.fid, name, perm: perm >>> 0, mode: mode & 0xff }, s);
      qid = r.qid;
      iounit = r.iounit;
    } else if (perm & DMDIR) {
      await c.rpc({ type: 'Tmkdir', dfid: this.fid, name, mode: createMode(perm), gid: me.gid }, s);
      const w = await c.rpc({ type: 'Twalk', fid: this.fid, newfid: this.fid, wname: [name] }, s);
      const o = await c.rpc({ type: 'Tlopen', fid: this.fid, flags: L.O_RDONLY }, s);
      qid = w.wqid[0] ?? o.qid;
      iounit = o.iounit;
    } else {
      const r = await c.rpc({ type: 'Tlcreate', fid: this.fid, name, flags: lflags(mode) | L.O_CREAT, mode: createMode(perm), gid: me.gid }, s);
      qid = r.qid;
      iounit = r.iounit;
    }
    this.names = [...this.names, name];
    this.name = name;
    this.qid = qid;
    return { qid, iounit: this.iounit(iounit) };
  }

  async read(offset: number, count: number): Promise<Buffer> {
    const c = this.c;
    const s = this.fs.intr;
    if ((this.qid.type & QTDIR) !== 0) {
      if (c.dotL) return dirRead(this.dirState, offset, Math.min(count, c.iounit), () => this.lreaddir(s));
      return (await c.rpc({ type: 'Tread', fid: this.fid, offset, count: Math.min(count, c.iounit) }, s)).data;
    }
    if (count <= c.iounit) return (await c.rpc({ type: 'Tread', fid: this.fid, offset, count }, s)).data;
    const parts: Buffer[] = [];
    let got = 0;
    while (got < count) {
      const n = Math.min(count - got, c.iounit);
      const b = (await c.rpc({ type: 'Tread', fid: this.fid, offset: offset + got, count: n }, s)).data;
      parts.push(b);
      got += b.length;
      if (b.length < n) break;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
  }

  async write(offset: number, data: Buffer): Promise<number> {
    const c = this.c;
    const s = this.fs.intr;
    if (data.length <= c.iounit) return (await c.rpc({ type: 'Twrite', fid: this.fid, offset, data }, s)).count;
    let done = 0;
    while (done < data.length) {
      const part = data.subarray(done, done + c.iounit);
      const n = (await c.rpc({ type: 'Twrite', fid: this.fid, offset: offset + done, data: part }, s)).count;
      done += n;
      if (n < part.length) break;
    }
    return done;
  }

  /** 9P2000.L: every entry of this directory as a Dir (a walk and getattr each, all in flight). */
  private async lreaddir(s: Sig): Promise<Dir[]> {
    const c = this.c;
    const ents: { name: string }[] = [];
    let cookie = 0n;
    for (;;) {
      const r = await c.rpc({ type: 'Treaddir', fid: this.fid, offset: cookie, count: c.iounit }, s);
      if (r.entries.length === 0) break;
      for (const e of r.entries) if (e.name !== '.' && e.name !== '..') ents.push(e);
      cookie = r.entries[r.entries.length - 1]!.offset;
    }
    // The open fid cannot be walked; a fresh one from the root walks to each entry.
    const dirs = await Promise.all(ents.map(async (e) => {
      try {
        return await this.top.statAt([...this.names, e.name], e.name, s);
      } catch (err) {
        if (isInterrupt(err)) throw err;
        return undefined;
      }
    }));
    return dirs.filter((d): d is Dir => d !== undefined);
  }

  /** 9P2000.L: stat the file at names from this (root) fid. */
  private async statAt(names: string[], name: string, s: Sig): Promise<Dir> {
    const w = await this.walkS(names, s);
    if (!w.fid) throw new NsError('file does not exist');
    try {
      const d = await w.fid.statS(s);
      return { ...d, name };
    } finally {
      await w.fid.clunk();
    }
  }

  stat(): Promise<Dir> {
    return this.statS(this.fs.intr);
  }

  private async statS(s: Sig): Promise<Dir> {
    const c = this.c;
    if (!c.dotL) return (await c.rpc({ type: 'Tstat', fid: this.fid }, s)).stat;
    const r = await c.rpc({ type: 'Tgetattr', fid: this.fid, mask: L.GETATTR_BASIC }, s);
    return attrDir(r.attr, this.name);
  }

  async wstat(d: Partial<Dir>): Promise<void> {
    const c = this.c;
    const s = this.fs.intr;
    const keep = (n: number | undefined): n is undefined => n === undefined || n === -1 || n === 0xffffffff || n >= 2 ** 53;
    if (!c.dotL) {
      const stat: Dir = {
        type: 0xffff, dev: 0xffffffff, qid: { type: 0xff, vers: 0xffffffff, path: 2 ** 64 },
        mode: keep(d.mode) ? 0xffffffff : d.mode, atime: keep(d.atime) ? 0xffffffff : d.atime,
        mtime: keep(d.mtime) ? 0xffffffff : d.mtime, length: keep(d.length) ? 2 ** 64 : d.length,
        name: d.name ?? '', uid: d.uid ?? '', gid: d.gid ?? '', muid: d.muid ?? '',
      };
      await c.rpc({ type: 'Twstat', fid: this.fid, stat }, s);
      return;
    }
    let valid = 0;
    const a = { valid: 0, mode: 0, uid: 0, gid: 0, size: 0, atimeSec: 0, atimeNsec: 0, mtimeSec: 0, mtimeNsec: 0 };
    if (!keep(d.mode)) {
      valid |= L.SETATTR_MODE;
      a.mode = d.mode & 0o777;
    }
    if (!keep(d.length)) {
      valid |= L.SETATTR_SIZE;
      a.size = d.length;
    }
    if (!keep(d.mtime)) {
      valid |= L.SETATTR_MTIME | L.SETATTR_MTIME_SET;
      a.mtimeSec = d.mtime;
    }
    if (!keep(d.atime)) {
      valid |= L.SETATTR_ATIME | L.SETATTR_ATIME_SET;
      a.atimeSec = d.atime;
    }
    if (valid !== 0) await c.rpc({ type: 'Tsetattr', fid: this.fid, attr: { ...a, valid } }, s);
    if (d.name !== undefined && d.name !== '' && d.name !== this.name) {
      if (this.names.length === 0) throw new NsError('permission denied');
      const parent = this.names.slice(0, -1);
      await this.inParent(parent, s, async (dfid) => {
        // diod before 1.0.25 has no renameat; Trename of this fid does the same.
        if (this.fs.lacks.has('Trenameat')) return c.rpc({ type: 'Trename', fid: this.fid, dfid, name: d.name! }, s);
        try {
          return await c.rpc({ type: 'Trenameat', olddirfid: dfid, oldname: this.name, newdirfid: dfid, newname: d.name! }, s);
        } catch (e) {
          if ((e as Error).message !== Enotimpl) throw e;
          this.fs.lacks.add('Trenameat');
          return c.rpc({ type: 'Trename', fid: this.fid, dfid, name: d.name! }, s);
        }
      });
      this.names = [...parent, d.name];
      this.name = d.name;
    }
  }

  /** Run fn with a fid on the directory at names (from the attach root), clunked after. */
  private async inParent<T>(names: string[], s: Sig, fn: (dfid: number) => Promise<T>): Promise<T> {
    const w = await this.top.walkS(names, s);
    if (!w.fid) throw new NsError('file does not exist');
    try {
      return await fn(w.fid.fid);
    } finally {
      await w.fid.clunk();
    }
  }

  async remove(): Promise<void> {
    const c = this.c;
    const s = this.fs.intr;
    if (!c.dotL) return this.tremove(s);
    if (this.fs.lacks.has('Tunlinkat')) return this.tremove(s);
    try {
      if (this.names.length === 0) throw new NsError('permission denied');
      const flags = (this.qid.type & QTDIR) !== 0 ? L.AT_REMOVEDIR : 0;
      await this.inParent(this.names.slice(0, -1), s, (dfid) => c.rpc({ type: 'Tunlinkat', dirfid: dfid, name: this.name, flags }, s));
    } catch (e) {
      if ((e as Error).message !== Enotimpl) {
        await this.clunk();
        throw e;
      }
      this.fs.lacks.add('Tunlinkat');
      return this.tremove(s);
    }
    await this.clunk();
  }

  /** Tremove: remove the file and forget the fid, whatever the answer (the client frees its number). */
  private async tremove(s: Sig): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    try {
      await this.c.rpc({ type: 'Tremove', fid: this.fid }, s);
    } finally {
      this.done();
    }
  }

  async clunk(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    try {
      await this.c.rpc({ type: 'Tclunk', fid: this.fid }, this.fs.intr);
    } catch {
      /* the fid is gone either way */
    }
    this.done();
  }

  /** The fid is gone (its number is the client's to free): its helper clunked, the connection told. */
  private done(): void {
    this.base?.clunk().catch(() => {});
    this.fs.count(-1);
  }
}
