/*
 * The 9P codec: one layout table, LAYOUT, says which fields each message carries and how
 * each is laid out on the wire; encode() walks it writing and decode() walks it reading,
 * so the two are mirrors by construction. encodeParts() leaves a Twrite's or Rread's data
 * as a buffer of its own, so a socket can write header and payload without copying the
 * payload; decode() returns Rread/Twrite data as a view into the message it was given.
 *
 * decode() accepts exactly one whole message (size[4] included). Anything malformed —
 * short, long, a bad count, an unknown type — throws P9Error and nothing else.
 */
import { NsError, type Dir, type Qid } from '../types.js';
import { type Fcall, type FcallType, type LAttr, type LDirent, type LSetattr, type LStatfs, type Msg, TYPES } from './fcall.js';

export const Ebotch = '9P protocol botch';
export const Ebadtype = 'unknown 9P message type';

/** A malformed 9P message. */
export class P9Error extends NsError {
  override name = 'P9Error';
}

type Kind =
  | 'u8' | 'u16' | 'u32' | 'u64' | 'u64n' | 's' | 'qid' | 'qids' | 'strs' | 'stat' | 'data' | 'nuname'
  | 'attr' | 'setattr' | 'dirents' | 'statfs';
type Layout = ReadonlyArray<readonly [string, Kind]>;

const LAYOUT: Record<FcallType, Layout> = {
  Tversion: [['msize', 'u32'], ['version', 's']],
  Rversion: [['msize', 'u32'], ['version', 's']],
  Tauth: [['afid', 'u32'], ['uname', 's'], ['aname', 's'], ['nUname', 'nuname']],
  Rauth: [['aqid', 'qid']],
  Tattach: [['fid', 'u32'], ['afid', 'u32'], ['uname', 's'], ['aname', 's'], ['nUname', 'nuname']],
  Rattach: [['qid', 'qid']],
  Rerror: [['ename', 's']],
  Tflush: [['oldtag', 'u16']],
  Rflush: [],
  Twalk: [['fid', 'u32'], ['newfid', 'u32'], ['wname', 'strs']],
  Rwalk: [['wqid', 'qids']],
  Topen: [['fid', 'u32'], ['mode', 'u8']],
  Ropen: [['qid', 'qid'], ['iounit', 'u32']],
  Tcreate: [['fid', 'u32'], ['name', 's'], ['perm', 'u32'], ['mode', 'u8']],
  Rcreate: [['qid', 'qid'], ['iounit', 'u32']],
  Tread: [['fid', 'u32'], ['offset', 'u64'], ['count', 'u32']],
  Rread: [['data', 'data']],
  Twrite: [['fid', 'u32'], ['offset', 'u64'], ['data', 'data']],
  Rwrite: [['count', 'u32']],
  Tclunk: [['fid', 'u32']],
  Rclunk: [],
  Tremove: [['fid', 'u32']],
  Rremove: [],
  Tstat: [['fid', 'u32']],
  Rstat: [['stat', 'stat']],
  Twstat: [['fid', 'u32'], ['stat', 'stat']],
  Rwstat: [],
  Tlerror: [],
  Rlerror: [['ecode', 'u32']],
  Tstatfs: [['fid', 'u32']],
  Rstatfs: [['statfs', 'statfs']],
  Tlopen: [['fid', 'u32'], ['flags', 'u32']],
  Rlopen: [['qid', 'qid'], ['iounit', 'u32']],
  Tlcreate: [['fid', 'u32'], ['name', 's'], ['flags', 'u32'], ['mode', 'u32'], ['gid', 'u32']],
  Rlcreate: [['qid', 'qid'], ['iounit', 'u32']],
  Trename: [['fid', 'u32'], ['dfid', 'u32'], ['name', 's']],
  Rrename: [],
  Tgetattr: [['fid', 'u32'], ['mask', 'u64']],
  Rgetattr: [['attr', 'attr']],
  Tsetattr: [['fid', 'u32'], ['attr', 'setattr']],
  Rsetattr: [],
  Treaddir: [['fid', 'u32'], ['offset', 'u64n'], ['count', 'u32']],
  Rreaddir: [['entries', 'dirents']],
  Tfsync: [['fid', 'u32']],
  Rfsync: [],
  Tmkdir: [['dfid', 'u32'], ['name', 's'], ['mode', 'u32'], ['gid', 'u32']],
  Rmkdir: [['qid', 'qid']],
  Trenameat: [['olddirfid', 'u32'], ['oldname', 's'], ['newdirfid', 'u32'], ['newname', 's']],
  Rrenameat: [],
  Tunlinkat: [['dirfid', 'u32'], ['name', 's'], ['flags', 'u32']],
  Runlinkat: [],
};

/** getattr's numeric fields after valid[8] qid[13]: mode uid gid are 4 bytes, the rest 8. */
const ATTR_FIELDS: ReadonlyArray<readonly [keyof LAttr, 4 | 8]> = [
  ['mode', 4], ['uid', 4], ['gid', 4], ['nlink', 8], ['rdev', 8], ['size', 8], ['blksize', 8], ['blocks', 8],
  ['atimeSec', 8], ['atimeNsec', 8], ['mtimeSec', 8], ['mtimeNsec', 8], ['ctimeSec', 8], ['ctimeNsec', 8],
  ['btimeSec', 8], ['btimeNsec', 8], ['gen', 8], ['dataVersion', 8],
];
const SETATTR_FIELDS: ReadonlyArray<readonly [keyof LSetattr, 4 | 8]> = [
  ['valid', 4], ['mode', 4], ['uid', 4], ['gid', 4], ['size', 8],
  ['atimeSec', 8], ['atimeNsec', 8], ['mtimeSec', 8], ['mtimeNsec', 8],
];
const STATFS_FIELDS: ReadonlyArray<readonly [keyof LStatfs, 4 | 8]> = [
  ['type', 4], ['bsize', 4], ['blocks', 8], ['bfree', 8], ['bavail', 8], ['files', 8], ['ffree', 8], ['fsid', 8],
  ['namelen', 4],
];

const sizeOf = (fields: ReadonlyArray<readonly [string, 4 | 8]>): number => fields.reduce((n, [, s]) => n + s, 0);
const ATTR_SIZE = sizeOf(ATTR_FIELDS);
const SETATTR_SIZE = sizeOf(SETATTR_FIELDS);
const STATFS_SIZE = sizeOf(STATFS_FIELDS);

const BYNUM: (FcallType | undefined)[] = [];
for (const [name, n] of Object.entries(TYPES)) BYNUM[n] = name as FcallType;

const QIDSZ = 13;
const strlen = (s: string): number => 2 + Buffer.byteLength(s, 'utf8');
/** A stat entry's bytes (stat(5)), its own size[2] included. */
const statSize = (d: Dir): number => 2 + 2 + 4 + QIDSZ + 4 + 4 + 4 + 8 + strlen(d.name) + strlen(d.uid) + strlen(d.gid) + strlen(d.muid);

/* ---------------- encoding ---------------- */

type Rec = Record<string, unknown>;

function fieldSize(kind: Kind, v: unknown): number {
  switch (kind) {
    case 'u8': return 1;
    case 'u16': return 2;
    case 'u32': return 4;
    case 'u64': case 'u64n': return 8;
    case 's': return strlen(v as string);
    case 'qid': return QIDSZ;
    case 'qids': return 2 + QIDSZ * (v as Qid[]).length;
    case 'strs': return (v as string[]).reduce((n, s) => n + strlen(s), 2);
    case 'stat': return 2 + statSize(v as Dir);
    case 'data': return 4 + (v as Buffer).length;
    case 'nuname': return v === undefined ? 0 : 4;
    case 'attr': return 8 + QIDSZ + ATTR_SIZE;
    case 'setattr': return SETATTR_SIZE;
    case 'dirents': return (v as LDirent[]).reduce((n, e) => n + QIDSZ + 8 + 1 + strlen(e.name), 4);
    case 'statfs': return STATFS_SIZE;
  }
}

class Writer {
  o = 0;
  constructor(readonly b: Buffer) {}
  u8(v: number): void { this.o = this.b.writeUInt8(v & 0xff, this.o); }
  u16(v: number): void { this.o = this.b.writeUInt16LE(v & 0xffff, this.o); }
  u32(v: number): void { this.o = this.b.writeUInt32LE(v >>> 0, this.o); }
  /** 2^64 and beyond (what ~0 reads back as) is written as ~0, 9P's "don't touch". */
  u64(v: number): void {
    if (v >= 2 ** 64) {
      this.u32(0xffffffff);
      return this.u32(0xffffffff);
    }
    const n = Math.max(0, Math.floor(v));
    this.u32(n % 0x100000000);
    this.u32(Math.floor(n / 0x100000000));
  }
  u64n(v: bigint): void { this.o = this.b.writeBigUInt64LE(BigInt.asUintN(64, v), this.o); }
  n(v: number, size: 4 | 8): void { if (size === 4) this.u32(v); else this.u64(v); }
  s(v: string): void {
    const n = this.b.write(v, this.o + 2, 'utf8');
    this.u16(n);
    this.o += n;
  }
  qid(q: Qid): void { this.u8(q.type); this.u32(q.vers); this.u64(q.path); }
  bytes(v: Buffer): void { this.o += v.copy(this.b, this.o); }
}

function writeField(w: Writer, kind: Kind, v: unknown, inline: boolean): void {
  switch (kind) {
    case 'u8': return w.u8(v as number);
    case 'u16': return w.u16(v as number);
    case 'u32': return w.u32(v as number);
    case 'u64': return w.u64(v as number);
    case 'u64n': return w.u64n(v as bigint);
    case 's': return w.s(v as string);
    case 'qid': return w.qid(v as Qid);
    case 'qids':
      w.u16((v as Qid[]).length);
      for (const q of v as Qid[]) w.qid(q);
      return;
    case 'strs':
      w.u16((v as string[]).length);
      for (const s of v as string[]) w.s(s);
      return;
    case 'stat': {
      const d = v as Dir;
      const n = statSize(d);
      w.u16(n);
      w.u16(n - 2);
      w.u16(d.type);
      w.u32(d.dev);
      w.qid(d.qid);
      w.u32(d.mode);
      w.u32(d.atime);
      w.u32(d.mtime);
      w.u64(d.length);
      for (const s of [d.name, d.uid, d.gid, d.muid]) w.s(s);
      return;
    }
    case 'data':
      w.u32((v as Buffer).length);
      if (inline) w.bytes(v as Buffer);
      return;
    case 'nuname':
      if (v !== undefined) w.u32(v as number);
      return;
    case 'attr': {
      const a = v as LAttr;
      w.u64(a.valid);
      w.qid(a.qid);
      for (const [k, size] of ATTR_FIELDS) w.n(a[k] as number, size);
      return;
    }
    case 'setattr':
      for (const [k, size] of SETATTR_FIELDS) w.n((v as LSetattr)[k], size);
      return;
    case 'dirents': {
      const at = w.o;
      w.u32(0);
      for (const e of v as LDirent[]) {
        w.qid(e.qid);
        w.u64n(e.offset);
        w.u8(e.dtype);
        w.s(e.name);
      }
      w.b.writeUInt32LE(w.o - at - 4, at);
      return;
    }
    case 'statfs':
      for (const [k, size] of STATFS_FIELDS) w.n((v as LStatfs)[k], size);
      return;
  }
}

/**
 * The message as buffers to send in order: one, or for Twrite and Rread a header and
 * then the caller's data buffer itself (not copied).
 */
export function encodeParts(f: Fcall): Buffer[] {
  const layout = LAYOUT[f.type];
  const rec = f as unknown as Rec;
  let size = 7;
  let data: Buffer | undefined;
  for (const [name, kind] of layout) {
    size += fieldSize(kind, rec[name]);
    if (kind === 'data') data = rec[name] as Buffer;
  }
  const split = data !== undefined && data.length > 0;
  const b = Buffer.allocUnsafe(split ? size - data!.length : size);
  const w = new Writer(b);
  w.u32(size);
  w.u8(TYPES[f.type]);
  w.u16(f.tag);
  for (const [name, kind] of layout) writeField(w, kind, rec[name], !split);
  return split ? [b, data!] : [b];
}

/** An Rread whose data is the pieces given, in order: a header, then the pieces themselves. */
export function rreadParts(tag: number, pieces: Buffer[]): Buffer[] {
  let n = 0;
  for (const p of pieces) n += p.length;
  const h = Buffer.allocUnsafe(11);
  h.writeUInt32LE(11 + n, 0);
  h.writeUInt8(TYPES.Rread, 4);
  h.writeUInt16LE(tag, 5);
  h.writeUInt32LE(n, 7);
  return [h, ...pieces];
}

/** size[4] type[1] tag[2] fid[4] offset[8] count[4]: what comes before a Twrite's data. */
const TWRITEHDR = 23;

/**
 * A Twrite given as the pieces it arrived in (transport.ts's Conn.onPieces): its header
 * decoded, its data left in the pieces. Undefined when the count does not match the size.
 */
export function decodeTwritePieces(ps: Buffer[]): { f: Msg<'Twrite'>; data: Buffer[] } | undefined {
  const h = Buffer.allocUnsafe(TWRITEHDR);
  const data: Buffer[] = [];
  let o = 0;
  for (const p of ps) {
    if (o >= TWRITEHDR) {
      data.push(p);
      continue;
    }
    const k = Math.min(TWRITEHDR - o, p.length);
    p.copy(h, o, 0, k);
    o += k;
    if (k < p.length) data.push(p.subarray(k));
  }
  if (o < TWRITEHDR || h.readUInt8(4) !== TYPES.Twrite || h.readUInt32LE(19) !== h.readUInt32LE(0) - TWRITEHDR) return undefined;
  const offset = h.readUInt32LE(11) + h.readUInt32LE(15) * 0x100000000;
  return { f: { type: 'Twrite', tag: h.readUInt16LE(5), fid: h.readUInt32LE(7), offset, data: Buffer.alloc(0) }, data };
}

/** The message as one buffer. */
export function encode(f: Fcall): Buffer {
  const parts = encodeParts(f);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/* ---------------- decoding ---------------- */

class Reader {
  constructor(
    readonly b: Buffer,
    public o: number,
  ) {}
  need(n: number): void {
    if (this.o + n > this.b.length) throw new P9Error(Ebotch);
  }
  u8(): number { this.need(1); return this.b[this.o++]!; }
  u16(): number { this.need(2); const v = this.b.readUInt16LE(this.o); this.o += 2; return v; }
  u32(): number { this.need(4); const v = this.b.readUInt32LE(this.o); this.o += 4; return v; }
  u64(): number { const lo = this.u32(); return lo + this.u32() * 0x100000000; }
  u64n(): bigint { this.need(8); const v = this.b.readBigUInt64LE(this.o); this.o += 8; return v; }
  n(size: 4 | 8): number { return size === 4 ? this.u32() : this.u64(); }
  s(): string {
    const n = this.u16();
    this.need(n);
    const v = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return v;
  }
  qid(): Qid { const type = this.u8(); const vers = this.u32(); return { type, vers, path: this.u64() }; }
  bytes(n: number): Buffer { this.need(n); const v = this.b.subarray(this.o, this.o + n); this.o += n; return v; }
}

function readField(r: Reader, kind: Kind): unknown {
  switch (kind) {
    case 'u8': return r.u8();
    case 'u16': return r.u16();
    case 'u32': return r.u32();
    case 'u64': return r.u64();
    case 'u64n': return r.u64n();
    case 's': return r.s();
    case 'qid': return r.qid();
    case 'qids': {
      const n = r.u16();
      r.need(n * QIDSZ);
      const out: Qid[] = [];
      for (let i = 0; i < n; i++) out.push(r.qid());
      return out;
    }
    case 'strs': {
      const n = r.u16();
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(r.s());
      return out;
    }
    case 'stat': {
      const n = r.u16();
      const sub = new Reader(r.bytes(n), 0);
      if (sub.u16() !== n - 2) throw new P9Error(Ebotch);
      const d = {
        type: sub.u16(), dev: sub.u32(), qid: sub.qid(), mode: sub.u32(), atime: sub.u32(), mtime: sub.u32(),
        length: sub.u64(), name: sub.s(), uid: sub.s(), gid: sub.s(), muid: sub.s(),
      };
      if (sub.o !== n) throw new P9Error(Ebotch);
      return d;
    }
    case 'data': return r.bytes(r.u32());
    case 'nuname': return r.o + 4 <= r.b.length ? r.u32() : undefined;
    case 'attr': {
      const a: Rec = { valid: r.u64(), qid: r.qid() };
      for (const [k, size] of ATTR_FIELDS) a[k] = r.n(size);
      return a;
    }
    case 'setattr': {
      const a: Rec = {};
      for (const [k, size] of SETATTR_FIELDS) a[k] = r.n(size);
      return a;
    }
    case 'dirents': {
      const sub = new Reader(r.bytes(r.u32()), 0);
      const out: LDirent[] = [];
      while (sub.o < sub.b.length) out.push({ qid: sub.qid(), offset: sub.u64n(), dtype: sub.u8(), name: sub.s() });
      return out;
    }
    case 'statfs': {
      const a: Rec = {};
      for (const [k, size] of STATFS_FIELDS) a[k] = r.n(size);
      return a;
    }
  }
}

/** The type name at the front of a message, if the bytes say one (for error replies). */
export function peekHeader(b: Buffer): { type?: FcallType; tag?: number } {
  return { type: b.length >= 5 ? BYNUM[b[4]!] : undefined, tag: b.length >= 7 ? b.readUInt16LE(5) : undefined };
}

/** Decode one whole message (size[4] first, and exactly size bytes). */
export function decode(b: Buffer): Fcall {
  if (b.length < 7 || b.readUInt32LE(0) !== b.length) throw new P9Error(Ebotch);
  const type = BYNUM[b[4]!];
  if (!type) throw new P9Error(Ebadtype);
  const r = new Reader(b, 5);
  const f: Rec = { type, tag: r.u16() };
  for (const [name, kind] of LAYOUT[type]) {
    const v = readField(r, kind);
    if (v !== undefined) f[name] = v;
  }
  if (r.o !== b.length) throw new P9Error(Ebotch);
  return f as unknown as Fcall;
}
