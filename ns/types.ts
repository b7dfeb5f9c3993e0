/*
 * The one file-server interface.
 *
 * Everything the mount table can point at — kernel devices (#c #e #p #s #| #U …),
 * program-level servers (ramfs, mntgen), and the 9P client's connections — implements
 * FileServer/Fid, whose operations are 9P2000's, one for one: attach gives a Fid for a
 * tree's root; walk clones a Fid along names; open/create turn a Fid into an open file;
 * read/write take explicit offsets; clunk forgets the Fid. All operations are async and
 * fail by rejecting with an NsError carrying Plan 9's error text, so a 9P server can send
 * the text back as Rerror and a 9P client can raise an Rerror as the same NsError.
 */

/** Qid.type bits (also the top byte of Dir.mode). */
export const QTDIR = 0x80;
export const QTAPPEND = 0x40;
export const QTEXCL = 0x20;
export const QTMOUNT = 0x10;
export const QTAUTH = 0x08;
export const QTTMP = 0x04;
export const QTFILE = 0x00;

/** Dir.mode bits. */
export const DMDIR = 0x80000000;
export const DMAPPEND = 0x40000000;
export const DMEXCL = 0x20000000;
export const DMMOUNT = 0x10000000;
export const DMAUTH = 0x08000000;
export const DMTMP = 0x04000000;

/** Open modes. */
export const OREAD = 0;
export const OWRITE = 1;
export const ORDWR = 2;
export const OEXEC = 3;
export const OTRUNC = 0x10;
export const ORCLOSE = 0x40;
export const OEXCL = 0x1000;

export interface Qid {
  type: number;
  vers: number;
  /** 64-bit in 9P; a JS number is exact to 2^53, enough for every server we host. */
  path: number;
}

export interface Dir {
  type: number;
  dev: number;
  qid: Qid;
  mode: number;
  atime: number;
  mtime: number;
  length: number;
  name: string;
  uid: string;
  gid: string;
  muid: string;
}

const keepStacks = !!process.env.ANTS_DEBUG;

/**
 * An error with Plan 9's wording, e.g. "'/x' does not exist", "permission denied". It is
 * ordinary control flow (every miss in a union walk makes one) and never shown with a
 * stack, so it captures none, which makes it ~7× cheaper; ANTS_DEBUG=1 keeps stacks.
 */
export class NsError extends Error {
  override name = 'NsError';

  constructor(message?: string) {
    const limit = Error.stackTraceLimit;
    if (!keepStacks) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

export interface OpenResult {
  qid: Qid;
  /** Largest read/write the server promises to do atomically; 0 means no promise. */
  iounit: number;
}

/**
 * How a reader that may give up says so (a flushed Tread, an interrupted process): an
 * AbortSignal is one. The 9P server makes a lighter one per read, since an AbortSignal
 * costs tens of microseconds to make, more than the read it would guard.
 */
export interface Signal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface Fid {
  readonly qid: Qid;
  /**
   * Walk a clone of this fid along names (9P Twalk with newfid). With names empty it is a
   * plain clone. If the walk stops early the result carries the qids walked so far and no
   * fid; a failure on the first name rejects with that name's error.
   */
  walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }>;
  /** mode may carry vfs.ts's OAPPEND, a hint a server may use (#U opens O_APPEND) or ignore. */
  open(mode: number): Promise<OpenResult>;
  /** Create name in this directory fid; afterwards this fid is the new file, open in mode. */
  create(name: string, perm: number, mode: number): Promise<OpenResult>;
  /**
   * signal: the reader may give up (a flushed Tread). A read still waiting for data when it
   * fires fails with `interrupted` and has taken nothing; files that never wait ignore it.
   */
  read(offset: number, count: number, signal?: Signal): Promise<Buffer>;
  write(offset: number, data: Buffer): Promise<number>;
  stat(): Promise<Dir>;
  /** 9P wstat: fields left at their "don't touch" values (~0, "") are unchanged. */
  wstat(dir: Partial<Dir>): Promise<void>;
  /** Remove the file and clunk the fid, even when the remove fails. */
  remove(): Promise<void>;
  clunk(): Promise<void>;

  /*
   * Optional capabilities of in-process servers; a 9P connection has none of them and
   * everything still works, only without the shortcut each one gives.
   */
  /**
   * walk, and when it reaches the end open the new fid in mode: one round trip on a 9P
   * connection (Twalk and Topen pipelined), where walk then open is two. A failed open
   * leaves the walked fid in the result, unopened, with the error in openErr. Callers
   * use it only where no mount point can lie on the names walked (namespace.ts). With
   * read, the opened file's first read (offset 0, up to read bytes) is sent along too and
   * comes back in data — for files whose first read is known to follow (a clone's ctl).
   */
  walkOpen?(names: string[], mode: number, read?: number): Promise<WalkOpened>;
  /**
   * write of the pieces' concatenation, by servers that can take data in pieces (a TCP
   * conversation's data file) without joining them: how a large Twrite that arrived in
   * several reads reaches them uncopied.
   */
  writev?(offset: number, pieces: Buffer[]): Promise<number>;
  /** read, giving up to count bytes as the pieces the server holds them in, not joined. */
  readv?(offset: number, count: number, signal?: Signal): Promise<Buffer[]>;
  /** The same walk done synchronously, by servers that never block (kernel devices, #U). */
  walkSync?(names: string[]): { fid?: Fid; qids: Qid[] };
  /** The host path of the file this fid stands for (#U only). */
  readonly hostPath?: string;
  /** After open: the host descriptor behind it (#U only), given straight to host programs. */
  readonly hostFd?: number;
  /** The file server a srv entry (#s/name) stands for: what `mount` attaches to. */
  readonly server?: FileServer;
  /**
   * Where the file lives in the namespace an in-process export serves it from (NsExport):
   * how a host file reached through `/mnt/term` is still known to be a host file. Never
   * sent over 9P.
   */
  where?(): Promise<Where>;
}

/**
 * Where a file lives, as host programs care (shell/exec.ts): the host files behind it
 * (one, or each host member of a union directory), else the server that serves it (the
 * source of its mount as /proc/N/ns shows it), else the kernel device it is a file of.
 */
export interface Where {
  hosts: string[];
  server?: string;
  /** Where the server is mounted in this namespace (`/` for a root), when that is known. */
  mtpt?: string;
  device?: string;
}

export interface WalkOpened {
  fid?: Fid;
  qids: Qid[];
  opened?: OpenResult;
  openErr?: unknown;
  data?: Buffer;
}

/** walkOpen done as a walk and then an open, for fids with no way to do both at once. */
export async function walkThenOpen(from: Fid, names: string[], mode: number): Promise<WalkOpened> {
  const w = await from.walk(names);
  if (!w.fid) return w;
  try {
    return { ...w, opened: await w.fid.open(mode) };
  } catch (e) {
    return { ...w, openErr: e };
  }
}

export interface FileServer {
  attach(uname: string, aname: string): Promise<Fid>;
}
