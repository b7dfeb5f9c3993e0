/*
 * 9P messages: one discriminated union, Fcall, of every 9P2000 message (intro(5)) and the
 * 9P2000.L subset a client needs to mount Linux's diod. The wire layout of each is in
 * codec.ts, whose encoder and decoder mirror each other field by field.
 *
 * Every message is  size[4] type[1] tag[2] body,  little-endian; strings are len[2] UTF-8;
 * a qid is type[1] vers[4] path[8]. Numbers that are 64-bit on the wire are JS numbers
 * (exact to 2^53: file offsets, lengths, qid paths) except 9P2000.L directory cookies,
 * which Linux file systems fill with 63-bit hashes and are kept as bigint.
 *
 * Tauth and Tattach carry n_uname[4] at the end in 9P2000.u/.L; it is present when the
 * field is given, and the decoder reads it when those four bytes are there.
 */
import type { Dir, Qid } from '../types.js';

/** The tag of Tversion, which needs none. */
export const NOTAG = 0xffff;
/** The afid of an attach without authentication. */
export const NOFID = 0xffffffff;
/** n_uname when none is given. */
export const NONUNAME = 0xffffffff;
/** Bytes of a Tread/Twrite/Rread header: what msize allows beyond the data (Plan 9's IOHDRSZ). */
export const IOHDRSZ = 24;
/** The most names one Twalk may carry. */
export const MAXWELEM = 16;

export const VERSION9P = '9P2000';
export const VERSION9PL = '9P2000.L';

/** Message type numbers: one table, used by the encoder and the decoder. */
export const TYPES = {
  Tlerror: 6, Rlerror: 7,
  Tstatfs: 8, Rstatfs: 9,
  Tlopen: 12, Rlopen: 13,
  Tlcreate: 14, Rlcreate: 15,
  Trename: 20, Rrename: 21,
  Tgetattr: 24, Rgetattr: 25,
  Tsetattr: 26, Rsetattr: 27,
  Treaddir: 40, Rreaddir: 41,
  Tfsync: 50, Rfsync: 51,
  Tmkdir: 72, Rmkdir: 73,
  Trenameat: 74, Rrenameat: 75,
  Tunlinkat: 76, Runlinkat: 77,
  Tversion: 100, Rversion: 101,
  Tauth: 102, Rauth: 103,
  Tattach: 104, Rattach: 105,
  Rerror: 107,
  Tflush: 108, Rflush: 109,
  Twalk: 110, Rwalk: 111,
  Topen: 112, Ropen: 113,
  Tcreate: 114, Rcreate: 115,
  Tread: 116, Rread: 117,
  Twrite: 118, Rwrite: 119,
  Tclunk: 120, Rclunk: 121,
  Tremove: 122, Rremove: 123,
  Tstat: 124, Rstat: 125,
  Twstat: 126, Rwstat: 127,
} as const;

export type FcallType = keyof typeof TYPES;

/** 9P2000.L getattr: the attributes of a file (Linux's struct stat, plus a qid). */
export interface LAttr {
  valid: number;
  qid: Qid;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
  btimeSec: number;
  btimeNsec: number;
  gen: number;
  dataVersion: number;
}

/** 9P2000.L setattr: which fields to set (valid), and their values. */
export interface LSetattr {
  valid: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
}

/** One 9P2000.L directory entry: its qid, the cookie that continues after it, its d_type. */
export interface LDirent {
  qid: Qid;
  offset: bigint;
  dtype: number;
  name: string;
}

export interface LStatfs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  fsid: number;
  namelen: number;
}

type M<T extends FcallType, B> = { type: T; tag: number } & B;

export type Fcall =
  | M<'Tversion', { msize: number; version: string }>
  | M<'Rversion', { msize: number; version: string }>
  | M<'Tauth', { afid: number; uname: string; aname: string; nUname?: number }>
  | M<'Rauth', { aqid: Qid }>
  | M<'Tattach', { fid: number; afid: number; uname: string; aname: string; nUname?: number }>
  | M<'Rattach', { qid: Qid }>
  | M<'Rerror', { ename: string }>
  | M<'Tflush', { oldtag: number }>
  | M<'Rflush', {}>
  | M<'Twalk', { fid: number; newfid: number; wname: string[] }>
  | M<'Rwalk', { wqid: Qid[] }>
  | M<'Topen', { fid: number; mode: number }>
  | M<'Ropen', { qid: Qid; iounit: number }>
  | M<'Tcreate', { fid: number; name: string; perm: number; mode: number }>
  | M<'Rcreate', { qid: Qid; iounit: number }>
  | M<'Tread', { fid: number; offset: number; count: number }>
  | M<'Rread', { data: Buffer }>
  | M<'Twrite', { fid: number; offset: number; data: Buffer }>
  | M<'Rwrite', { count: number }>
  | M<'Tclunk', { fid: number }>
  | M<'Rclunk', {}>
  | M<'Tremove', { fid: number }>
  | M<'Rremove', {}>
  | M<'Tstat', { fid: number }>
  | M<'Rstat', { stat: Dir }>
  | M<'Twstat', { fid: number; stat: Dir }>
  | M<'Rwstat', {}>
  // 9P2000.L
  | M<'Tlerror', {}>
  | M<'Rlerror', { ecode: number }>
  | M<'Tstatfs', { fid: number }>
  | M<'Rstatfs', { statfs: LStatfs }>
  | M<'Tlopen', { fid: number; flags: number }>
  | M<'Rlopen', { qid: Qid; iounit: number }>
  | M<'Tlcreate', { fid: number; name: string; flags: number; mode: number; gid: number }>
  | M<'Rlcreate', { qid: Qid; iounit: number }>
  | M<'Trename', { fid: number; dfid: number; name: string }>
  | M<'Rrename', {}>
  | M<'Tgetattr', { fid: number; mask: number }>
  | M<'Rgetattr', { attr: LAttr }>
  | M<'Tsetattr', { fid: number; attr: LSetattr }>
  | M<'Rsetattr', {}>
  | M<'Treaddir', { fid: number; offset: bigint; count: number }>
  | M<'Rreaddir', { entries: LDirent[] }>
  | M<'Tfsync', { fid: number }>
  | M<'Rfsync', {}>
  | M<'Tmkdir', { dfid: number; name: string; mode: number; gid: number }>
  | M<'Rmkdir', { qid: Qid }>
  | M<'Trenameat', { olddirfid: number; oldname: string; newdirfid: number; newname: string }>
  | M<'Rrenameat', {}>
  | M<'Tunlinkat', { dirfid: number; name: string; flags: number }>
  | M<'Runlinkat', {}>;

/** The message of one type: Msg<'Twalk'> has fid, newfid and wname. */
export type Msg<T extends FcallType> = Extract<Fcall, { type: T }>;

/** T-message types; each has an R-message of the next number (the encoder and client rely on it). */
export type TType = Extract<FcallType, `T${string}`>;
/** The reply to a T-message type: Reply<'Twalk'> is Msg<'Rwalk'>. */
export type Reply<T extends TType> = T extends `T${infer N}` ? Msg<Extract<`R${N}`, FcallType>> : never;

/** 9P2000.L: Linux open flags, errno values and getattr mask bits the client uses. */
export const L = {
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 0o100, O_EXCL: 0o200, O_TRUNC: 0o1000, O_APPEND: 0o2000,
  S_IFDIR: 0o040000, S_IFREG: 0o100000, S_IFMT: 0o170000,
  GETATTR_BASIC: 0x7ff,
  SETATTR_MODE: 0x1, SETATTR_UID: 0x2, SETATTR_GID: 0x4, SETATTR_SIZE: 0x8, SETATTR_ATIME: 0x10,
  SETATTR_MTIME: 0x20, SETATTR_CTIME: 0x40, SETATTR_ATIME_SET: 0x80, SETATTR_MTIME_SET: 0x100,
  AT_REMOVEDIR: 0x200,
} as const;
