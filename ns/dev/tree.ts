/*
 * A small in-memory tree from which the kernel devices are made (Plan 9's devgen/devwalk).
 *
 * A device describes its files as Nodes: a directory lists or looks up children, a file
 * reads and writes (stateless), or opens a Handle (per-open state: a pipe end, a snapshot of
 * /proc/N/ns). TreeFid turns any Node into a Fid: walks are synchronous (so it offers
 * walkSync), directory reads are packed stat entries, and operations a node does not offer
 * fail with `permission denied`. Node functions are called synchronously at the start of
 * each operation, so a device may read the kernel's calling process (`up`) there.
 */
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import { Eexist, Eisdir, Enonexist, Enotdir, Eperm } from '../errors.js';
import { DMDIR, type Dir, type Fid, type FileServer, NsError, OEXEC, OREAD, ORDWR, OTRUNC, OWRITE, type OpenResult, type Qid, QTDIR, type Signal } from '../types.js';

export interface Handle {
  read?(offset: number, count: number, signal?: Signal): Buffer | Promise<Buffer>;
  write?(offset: number, data: Buffer): number | Promise<number>;
  close?(): void;
}

export interface Node {
  readonly name: string;
  readonly qid: Qid;
  /** Permission bits, with DMDIR for a directory. */
  readonly perm: number;
  readonly uid?: string;
  readonly parent?: Node;
  length?(): number;
  mtime?(): number;
  /* directories */
  list?(): Node[];
  lookup?(name: string): Node | undefined;
  create?(name: string, perm: number, mode: number): Node;
  /* files: either stateless read/write or an open() giving per-open state */
  read?(offset: number, count: number): Buffer | Promise<Buffer>;
  write?(offset: number, data: Buffer): number | Promise<number>;
  open?(mode: number): Handle;
  /* both */
  remove?(): void;
  truncate?(): void;
  /* capabilities passed through to the Fid (see types.ts) */
  readonly server?: FileServer;
  readonly hostPath?: string;
}

export const isDirNode = (n: Node): boolean => (n.perm & DMDIR) !== 0;

export function mkqid(path: number, dir: boolean, vers = 0): Qid {
  return { type: dir ? QTDIR : 0, vers, path };
}

/** A read at offset from a whole-file string or Buffer (for small generated files). */
export function readStr(s: string | Buffer, offset: number, count: number): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  if (offset >= b.length) return Buffer.alloc(0);
  return b.subarray(offset, Math.min(b.length, offset + count));
}

/** A Node with fixed children, for device roots and per-process directories. */
export function dirNode(name: string, qid: Qid, children: () => Node[], parent?: Node, perm = 0o555): Node {
  return { name, qid, perm: DMDIR | perm, parent, list: children };
}

export function nodeStat(n: Node, owner: string, type = 0): Dir {
  const now = Math.floor(Date.now() / 1000);
  const mtime = n.mtime?.() ?? now;
  const uid = n.uid ?? owner;
  return {
    type, dev: 0, qid: { ...n.qid }, mode: n.perm >>> 0, atime: mtime, mtime,
    length: isDirNode(n) ? 0 : (n.length?.() ?? 0), name: n.name, uid, gid: uid, muid: uid,
  };
}

function child(n: Node, name: string): Node | undefined {
  if (name === '..') return n.parent ?? n;
  if (name === '.') return n;
  if (n.lookup) return n.lookup(name);
  return n.list?.().find((c) => c.name === name);
}

export class TreeFid implements Fid {
  private handle?: Handle;
  private opened = -1;
  private dirState: { snap?: DirSnapshot } = {};

  constructor(
    private node: Node,
    private readonly owner: string,
    private readonly devType = 0,
  ) {}

  get qid(): Qid {
    return this.node.qid;
  }

  get server(): FileServer | undefined {
    return this.node.server;
  }

  get hostPath(): string | undefined {
    return this.node.hostPath;
  }

  walkSync(names: string[]): { fid?: Fid; qids: Qid[] } {
    let n = this.node;
    const qids: Qid[] = [];
    for (const name of names) {
      if (!isDirNode(n)) {
        if (qids.length === 0) throw new NsError(Enotdir);
        return { qids };
      }
      const c = child(n, name);
      if (!c) {
        if (qids.length === 0) throw new NsError(Enonexist);
        return { qids };
      }
      n = c;
      qids.push(c.qid);
    }
    return { fid: new TreeFid(n, this.owner, this.devType), qids };
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return this.walkSync(names);
  }

  async open(mode: number): Promise<OpenResult> {
    const n = this.node;
    const rw = mode & 3;
    if (isDirNode(n)) {
      if (rw !== OREAD && rw !== OEXEC) throw new NsError(Eisdir);
    } else {
      const wantR = rw === OREAD || rw === ORDWR || rw === OEXEC;
      const wantW = rw === OWRITE || rw === ORDWR || (mode & OTRUNC) !== 0;
      if (wantR && (n.perm & 0o444) === 0) throw new NsError(Eperm);
      if (wantW && (n.perm & 0o222) === 0) throw new NsError(Eperm);
      if ((mode & OTRUNC) !== 0) n.truncate?.();
      this.handle = n.open ? n.open(mode) : n;
    }
    this.opened = mode;
    return { qid: n.qid, iounit: 0 };
  }

  async create(name: string, perm: number, mode: number): Promise<OpenResult> {
    const n = this.node;
    if (!isDirNode(n)) throw new NsError(Enotdir);
    if (!n.create) throw new NsError(Eperm);
    if (child(n, name)) throw new NsError(Eexist);
    this.node = n.create(name, perm, mode);
    return this.open(mode & ~OTRUNC);
  }

  async read(offset: number, count: number, signal?: Signal): Promise<Buffer> {
    const n = this.node;
    if (isDirNode(n)) {
      return dirRead(this.dirState, offset, count, () =>
        (n.list?.() ?? []).map((c) => nodeStat(c, this.owner, this.devType)),
      );
    }
    const h = this.handle;
    if (!h?.read) throw new NsError(Eperm);
    return h.read(offset, count, signal);
  }

  async write(offset: number, data: Buffer): Promise<number> {
    const h = this.handle;
    if (isDirNode(this.node)) throw new NsError(Eisdir);
    if (!h?.write) throw new NsError(Eperm);
    return h.write(offset, data);
  }

  async stat(): Promise<Dir> {
    return nodeStat(this.node, this.owner, this.devType);
  }

  async wstat(dir: Partial<Dir>): Promise<void> {
    if (dir.length === 0 && this.node.truncate) {
      this.node.truncate();
      return;
    }
    throw new NsError(Eperm);
  }

  async remove(): Promise<void> {
    const n = this.node;
    this.close();
    if (!n.remove) throw new NsError(Eperm);
    n.remove();
  }

  async clunk(): Promise<void> {
    this.close();
  }

  private close(): void {
    if (this.opened >= 0) this.handle?.close?.();
    this.opened = -1;
    this.handle = undefined;
  }
}
