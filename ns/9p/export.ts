/*
 * Exporting a namespace: a subtree of a Vfs (a process's Namespace, as srvfs and exportfs
 * see it) presented as a FileServer, for the 9P server to serve or for /srv to hold.
 *
 * A fid is a path under the export root; walking cleans names (`..` stops at the root)
 * and stats each step for its qid. Qids are made unique across the mounts inside the
 * export: the (device type, device, path) of each file is given a path of its own. An
 * open file is a Chan read and written at explicit offsets (pread/pwrite); an open
 * directory is served from its readdir, snapshotted at offset 0 (dirfmt.dirRead).
 *
 * Errors are given as the client sees the files: the namespace names a file by its path
 * on this side (`'/home/x/pub/f' does not exist`), which would tell the client where the
 * export lies here. A path under the root is named from the root, as the client reaches
 * it (`'/f'`), and a walk that finds nothing answers Plan 9's `file does not exist`,
 * leaving the client's kernel to name the file by its own path.
 *
 * An in-process client (a namespace mounting the export without a 9P hop, as /mnt/term is
 * after rerootwin) can ask a fid where its file lives (Fid.where): a host file stays one,
 * so a host program can be given it. Nothing of that crosses a socket.
 *
 * readOnly() wraps any FileServer so that nothing through it can change a file:
 * opens for writing, create, remove and wstat fail with `file system read only`
 * (and it does not pass where on: a host program could write the file).
 */
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import { Ebadusefd, Edoesnotexist, Efilename, Eisdir, Enonexist } from '../errors.js';
import {
  DMDIR, type Dir, type Fid, type FileServer, NsError, OREAD, ORCLOSE, ORDWR, OTRUNC, OWRITE, type OpenResult, type Qid,
  QTDIR, type Signal, type Where,
} from '../types.js';
import { cleanname, type Chan, type Vfs } from '../vfs.js';

export const Erdonly = 'file system read only';

/** What an export needs of a namespace (where, to tell an in-process client where its files live). */
export type ExportVfs = Pick<Vfs, 'open' | 'create' | 'stat' | 'readdir' | 'remove' | 'wstat'> & Partial<Pick<Vfs, 'where'>>;

export class NsExport implements FileServer {
  private readonly qids = new Map<string, number>();
  private nextQid = 1;
  readonly root: string;

  constructor(
    readonly vfs: ExportVfs,
    root = '/',
  ) {
    this.root = cleanname(root);
  }

  async attach(_uname: string, _aname: string): Promise<Fid> {
    const d = await this.seen(this.vfs.stat(this.root));
    return new NsFid(this, this.root, this.qidOf(d));
  }

  /** p, failing with its error as the client sees it (see the top of the file). */
  async seen<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      throw e instanceof NsError ? new NsError(this.clientView(e.message)) : e;
    }
  }

  /** msg with each quoted path under the root named from the root. */
  clientView(msg: string): string {
    return msg.replace(/'((?:[^']|'')*)'/g, (q, inner: string) => {
      const p = inner.replace(/''/g, "'");
      const rel = p === this.root ? '/' : this.root === '/' ? p : p.startsWith(this.root + '/') ? p.slice(this.root.length) : undefined;
      return rel === undefined ? q : "'" + rel.replace(/'/g, "''") + "'";
    });
  }

  /** A qid unique within the export for a file the namespace stat'ed. */
  qidOf(d: Dir): Qid {
    const key = d.type + ':' + d.dev + ':' + d.qid.path;
    let path = this.qids.get(key);
    if (path === undefined) this.qids.set(key, (path = this.nextQid++));
    return { type: d.qid.type | ((d.mode & DMDIR) !== 0 ? QTDIR : 0), vers: d.qid.vers, path };
  }

  /** The path of name in dir, never above the root. */
  child(dir: string, name: string): string {
    if (name === '' || name.includes('/') || name.includes('\0')) throw new NsError(Efilename);
    if (name === '.') return dir;
    if (name === '..') return dir === this.root ? dir : cleanname(dir + '/..');
    return dir === '/' ? '/' + name : dir + '/' + name;
  }
}

class NsFid implements Fid {
  private chan?: Chan;
  private dirOpen = false;
  private readonly dirState: { snap?: DirSnapshot } = {};

  constructor(
    private readonly x: NsExport,
    private path: string,
    public qid: Qid,
  ) {}

  private get isOpen(): boolean {
    return this.chan !== undefined || this.dirOpen;
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    if (this.isOpen) throw new NsError(Ebadusefd);
    let p = this.path;
    const qids: Qid[] = [];
    for (const name of names) {
      try {
        const next = this.x.child(p, name);
        qids.push(this.x.qidOf(await this.x.vfs.stat(next)));
        p = next;
      } catch (e) {
        if (qids.length > 0) return { qids };
        if (e instanceof NsError && e.message.endsWith(' ' + Edoesnotexist)) throw new NsError(Enonexist);
        throw e instanceof NsError ? new NsError(this.x.clientView(e.message)) : e;
      }
    }
    return { fid: new NsFid(this.x, p, qids.length > 0 ? qids[qids.length - 1]! : { ...this.qid }), qids };
  }

  async open(mode: number): Promise<OpenResult> {
    if (this.isOpen) throw new NsError(Ebadusefd);
    if ((this.qid.type & QTDIR) !== 0) {
      if ((mode & 3) !== OREAD || (mode & OTRUNC) !== 0) throw new NsError(Eisdir);
      this.dirOpen = true;
      return { qid: this.qid, iounit: 0 };
    }
    this.chan = await this.x.seen(this.x.vfs.open(this.path, mode));
    return { qid: this.qid, iounit: 0 };
  }

  async create(name: string, perm: number, mode: number): Promise<OpenResult> {
    if (this.isOpen) throw new NsError(Ebadusefd);
    const p = this.x.child(this.path, name);
    const ch = await this.x.seen(this.x.vfs.create(p, (perm & DMDIR) !== 0 ? OREAD : mode, perm));
    this.path = p;
    this.qid = this.x.qidOf(await this.x.seen(this.x.vfs.stat(p)));
    if ((perm & DMDIR) !== 0) {
      ch.close();
      this.dirOpen = true;
    } else this.chan = ch;
    return { qid: this.qid, iounit: 0 };
  }

  async read(offset: number, count: number, signal?: Signal): Promise<Buffer> {
    if (this.dirOpen) {
      return dirRead(this.dirState, offset, count, async () =>
        (await this.x.seen(this.x.vfs.readdir(this.path))).map((d) => ({ ...d, qid: this.x.qidOf(d) })));
    }
    const ch = this.chan;
    if (!ch?.pread) throw new NsError(Ebadusefd);
    return ch.pread(offset, count, signal);
  }

  async write(offset: number, data: Buffer): Promise<number> {
    const ch = this.chan;
    if (!ch?.pwrite) throw new NsError(Ebadusefd);
    return ch.pwrite(offset, data);
  }

  async stat(): Promise<Dir> {
    const d = await this.x.seen(this.x.vfs.stat(this.path));
    return { ...d, qid: this.x.qidOf(d), name: this.path === this.x.root ? '/' : d.name };
  }

  async wstat(d: Partial<Dir>): Promise<void> {
    await this.x.seen(this.x.vfs.wstat(this.path, d));
    if (d.name !== undefined && d.name !== '' && this.path !== this.x.root) {
      this.path = cleanname(this.path + '/../' + d.name);
    }
  }

  async remove(): Promise<void> {
    try {
      await this.x.seen(this.x.vfs.remove(this.path));
    } finally {
      await this.clunk();
    }
  }

  async clunk(): Promise<void> {
    this.chan?.close();
    this.chan = undefined;
    this.dirOpen = false;
  }

  /**
   * In-process only (the 9P server never asks): where the exporting namespace has this
   * file; its mount point there means nothing to the client.
   */
  async where(): Promise<Where> {
    if (!this.x.vfs.where) return { hosts: [], server: '#M' };
    const w = await this.x.seen(this.x.vfs.where(this.path));
    return { ...w, mtpt: undefined };
  }
}

/** A FileServer through which nothing can be changed. */
export function readOnly(fs: FileServer): FileServer {
  return { attach: async (u, a) => new RoFid(await fs.attach(u, a)) };
}

class RoFid implements Fid {
  constructor(private readonly f: Fid) {}
  get qid(): Qid {
    return this.f.qid;
  }
  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    const r = await this.f.walk(names);
    return r.fid ? { fid: new RoFid(r.fid), qids: r.qids } : r;
  }
  open(mode: number): Promise<OpenResult> {
    if ((mode & 3) === OWRITE || (mode & 3) === ORDWR || (mode & (OTRUNC | ORCLOSE)) !== 0) return Promise.reject(new NsError(Erdonly));
    return this.f.open(mode);
  }
  create(): Promise<OpenResult> {
    return Promise.reject(new NsError(Erdonly));
  }
  read(offset: number, count: number, signal?: Signal): Promise<Buffer> {
    return this.f.read(offset, count, signal);
  }
  write(): Promise<number> {
    return Promise.reject(new NsError(Erdonly));
  }
  stat(): Promise<Dir> {
    return this.f.stat();
  }
  wstat(): Promise<void> {
    return Promise.reject(new NsError(Erdonly));
  }
  async remove(): Promise<void> {
    await this.f.clunk();
    throw new NsError(Erdonly);
  }
  clunk(): Promise<void> {
    return this.f.clunk();
  }
}
