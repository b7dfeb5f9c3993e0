/*
 * Directory entries on the wire: stat(5)'s machine-independent layout, which is also what
 * a read of a directory returns (a sequence of whole entries). packDir/unpackDirs are
 * mirrors; the 9P codec reuses them for Rstat/Twstat. dirRead() serves directory reads at
 * byte offsets from a snapshot taken when a read starts at offset 0, so listing an n-entry
 * directory costs O(n), and a read never splits an entry.
 *
 *   size[2] type[2] dev[4] qid.type[1] qid.vers[4] qid.path[8] mode[4] atime[4] mtime[4]
 *   length[8] name[s] uid[s] gid[s] muid[s]        (s = len[2] + UTF-8 bytes)
 */
import { type Dir, NsError } from './types.js';
import { Ebadstat, Eshort } from './errors.js';

const FIXED = 2 + 2 + 4 + 13 + 4 + 4 + 4 + 8;

/** An upper bound of the bytes packDir(d) takes (UTF-8 needs at most 3 bytes per UTF-16 unit). */
function maxSize(d: Dir): number {
  return FIXED + 8 + 3 * (d.name.length + d.uid.length + d.gid.length + d.muid.length);
}

const put64 = (b: Buffer, n: number, o: number): number => {
  const v = Math.max(0, Math.floor(n));
  b.writeUInt32LE(v % 0x100000000, o);
  return b.writeUInt32LE(Math.floor(v / 0x100000000) >>> 0, o + 4);
};

/** A string at o: copied byte for byte while it is ASCII (the usual case), else encoded. */
function putStr(b: Buffer, s: string, o: number): number {
  const at = o + 2;
  let n = 0;
  for (; n < s.length; n++) {
    const ch = s.charCodeAt(n);
    if (ch > 0x7f) break;
    b[at + n] = ch;
  }
  if (n < s.length) n = b.write(s, at, 'utf8');
  b.writeUInt16LE(n, o);
  return at + n;
}

/** Pack d at offset o of b (room for maxSize(d) bytes); returns the offset after it. */
function packDirAt(d: Dir, b: Buffer, o: number): number {
  const start = o;
  o = b.writeUInt16LE(d.type & 0xffff, o + 2);
  o = b.writeUInt32LE(d.dev >>> 0, o);
  o = b.writeUInt8(d.qid.type & 0xff, o);
  o = b.writeUInt32LE(d.qid.vers >>> 0, o);
  o = put64(b, d.qid.path, o);
  o = b.writeUInt32LE(d.mode >>> 0, o);
  o = b.writeUInt32LE(d.atime >>> 0, o);
  o = b.writeUInt32LE(d.mtime >>> 0, o);
  o = put64(b, d.length, o);
  o = putStr(b, d.name, o);
  o = putStr(b, d.uid, o);
  o = putStr(b, d.gid, o);
  o = putStr(b, d.muid, o);
  b.writeUInt16LE(o - start - 2, start);
  return o;
}

export function packDir(d: Dir): Buffer {
  const b = Buffer.allocUnsafe(maxSize(d));
  return b.subarray(0, packDirAt(d, b, 0));
}

const get64 = (b: Buffer, o: number): number => b.readUInt32LE(o) + b.readUInt32LE(o + 4) * 0x100000000;

/** Decode one entry at offset; returns it and the offset after it. */
export function unpackDir(b: Buffer, at = 0): { dir: Dir; next: number } {
  if (b.length - at < 2) throw new NsError(Ebadstat);
  const size = b.readUInt16LE(at) + 2;
  const end = at + size;
  if (size < FIXED + 8 || end > b.length) throw new NsError(Ebadstat);
  let o = at + 2;
  const type = b.readUInt16LE(o);
  const dev = b.readUInt32LE(o + 2);
  const qid = { type: b.readUInt8(o + 6), vers: b.readUInt32LE(o + 7), path: get64(b, o + 11) };
  const mode = b.readUInt32LE(o + 19);
  const atime = b.readUInt32LE(o + 23);
  const mtime = b.readUInt32LE(o + 27);
  const length = get64(b, o + 31);
  o += 39;
  const strs: string[] = [];
  for (let i = 0; i < 4; i++) {
    if (o + 2 > end) throw new NsError(Ebadstat);
    const n = b.readUInt16LE(o);
    o += 2;
    if (o + n > end) throw new NsError(Ebadstat);
    strs.push(b.toString('utf8', o, o + n));
    o += n;
  }
  if (o !== end) throw new NsError(Ebadstat);
  const [name, uid, gid, muid] = strs as [string, string, string, string];
  return { dir: { type, dev, qid, mode, atime, mtime, length, name, uid, gid, muid }, next: end };
}

export function unpackDirs(b: Buffer): Dir[] {
  const out: Dir[] = [];
  for (let at = 0; at < b.length; ) {
    const { dir, next } = unpackDir(b, at);
    out.push(dir);
    at = next;
  }
  return out;
}

/** Per-open-fid state for dirRead: the packed snapshot and where each entry starts. */
export interface DirSnapshot {
  buf: Buffer;
  starts: number[];
}

export function snapshotDirs(dirs: Dir[]): DirSnapshot {
  let room = 0;
  for (const d of dirs) room += maxSize(d);
  const buf = Buffer.allocUnsafe(room);
  const starts: number[] = [];
  let o = 0;
  for (const d of dirs) {
    starts.push(o);
    o = packDirAt(d, buf, o);
  }
  starts.push(o);
  return { buf: buf.subarray(0, o), starts };
}

/**
 * Serve a directory read: whole entries from offset, at most count bytes. A read at offset 0
 * (or the first read) takes a new snapshot from list(); later reads continue in it.
 */
export async function dirRead(
  state: { snap?: DirSnapshot },
  offset: number,
  count: number,
  list: () => Dir[] | Promise<Dir[]>,
): Promise<Buffer> {
  if (offset === 0 || !state.snap) state.snap = snapshotDirs(await list());
  const { buf, starts } = state.snap;
  if (offset >= buf.length) return Buffer.alloc(0);
  let i = lowerBound(starts, offset);
  if (starts[i] !== offset) throw new NsError(Ebadstat);
  let end = offset;
  while (i + 1 < starts.length && starts[i + 1]! - offset <= count) end = starts[++i]!;
  if (end === offset) throw new NsError(Eshort);
  return buf.subarray(offset, end);
}

function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Plan 9's mntdirfix: entries read from a directory on a mounted server get the mount's
 * type (`M`) and device number, whatever the server put there (plan9port servers send
 * garbage). Works on a copy of the packed entries; a short tail is left as it is.
 */
export function mntdirfix(b: Buffer, dev: number): Buffer {
  const out = Buffer.from(b);
  for (let at = 0; at + 8 <= out.length; ) {
    const size = out.readUInt16LE(at);
    out.writeUInt16LE(0x4d, at + 2);
    out.writeUInt32LE(dev >>> 0, at + 4);
    at += 2 + size;
  }
  return out;
}
