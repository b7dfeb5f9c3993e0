/*
 * mntgen: a directory in which every name exists — walking to it makes it, an empty
 * directory — so /n/anything and /mnt/anything are ready mount points. A name is listed
 * while some fid holds it (a mount on it, a walk in progress) and forgotten after.
 */
import { Eisdir, Enonexist, Enotdir, Eperm } from '../errors.js';
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import { DMDIR, type Dir, type Fid, type FileServer, NsError, OEXEC, OREAD, type OpenResult, type Qid, QTDIR } from '../types.js';

interface Entry {
  qid: Qid;
  refs: number;
}

export class Mntgen implements FileServer {
  readonly entries = new Map<string, Entry>();
  private nextPath = 1;

  constructor(readonly owner = 'none') {}

  async attach(): Promise<Fid> {
    return new MntgenFid(this, undefined);
  }

  hold(name: string): Entry {
    let e = this.entries.get(name);
    if (!e) this.entries.set(name, (e = { qid: { type: QTDIR, vers: 0, path: this.nextPath++ }, refs: 0 }));
    e.refs++;
    return e;
  }

  drop(name: string): void {
    const e = this.entries.get(name);
    if (e && --e.refs <= 0) this.entries.delete(name);
  }

  dirOf(name: string, qid: Qid): Dir {
    const t = Math.floor(Date.now() / 1000);
    return { type: 0, dev: 0, qid: { ...qid }, mode: (DMDIR | 0o555) >>> 0, atime: t, mtime: t, length: 0, name, uid: this.owner, gid: this.owner, muid: this.owner };
  }
}

const ROOTQID: Qid = { type: QTDIR, vers: 0, path: 0 };

class MntgenFid implements Fid {
  private opened = false;
  private clunked = false;
  private dirState: { snap?: DirSnapshot } = {};

  constructor(
    private readonly gen: Mntgen,
    /** undefined: the root; else the name this fid holds. */
    private readonly name: string | undefined,
  ) {
    if (name !== undefined) gen.hold(name);
  }

  get qid(): Qid {
    return this.name === undefined ? ROOTQID : (this.gen.entries.get(this.name)?.qid ?? ROOTQID);
  }

  walkSync(names: string[]): { fid?: Fid; qids: Qid[] } {
    let at = this.name;
    const qids: Qid[] = [];
    for (const n of names) {
      if (n === '..' || n === '.') {
        at = n === '..' ? undefined : at;
      } else if (at === undefined) {
        at = n;
      } else {
        if (qids.length === 0) throw new NsError(Enonexist);
        return { qids };
      }
      qids.push(at === undefined ? ROOTQID : this.peek(at));
    }
    return { fid: new MntgenFid(this.gen, at), qids };
  }

  private peek(name: string): Qid {
    const e = this.gen.hold(name);
    const q = { ...e.qid };
    queueMicrotask(() => this.gen.drop(name));
    return q;
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return this.walkSync(names);
  }

  async open(mode: number): Promise<OpenResult> {
    if ((mode & 3) !== OREAD && (mode & 3) !== OEXEC) throw new NsError(Eisdir);
    this.opened = true;
    return { qid: this.qid, iounit: 0 };
  }

  async create(): Promise<OpenResult> {
    throw new NsError(Eperm);
  }

  async read(offset: number, count: number): Promise<Buffer> {
    if (!this.opened) throw new NsError(Enotdir);
    if (this.name !== undefined) return Buffer.alloc(0);
    return dirRead(this.dirState, offset, count, () => [...this.gen.entries].map(([n, e]) => this.gen.dirOf(n, e.qid)));
  }

  async write(): Promise<number> {
    throw new NsError(Eisdir);
  }

  async stat(): Promise<Dir> {
    return this.gen.dirOf(this.name ?? '/', this.qid);
  }

  async wstat(): Promise<void> {
    throw new NsError(Eperm);
  }

  async remove(): Promise<void> {
    await this.clunk();
    throw new NsError(Eperm);
  }

  async clunk(): Promise<void> {
    if (this.clunked) return;
    this.clunked = true;
    if (this.name !== undefined) this.gen.drop(this.name);
  }
}
