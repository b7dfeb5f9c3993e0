/*
 * ramfs: a file tree in memory with the full 9P file semantics — the reference the 9P
 * conformance suite is checked against. A file is a list of 64 KiB pages (holes read as
 * zeros). A read within one page is handed out as a view of it, not a copy, and the page
 * is marked shared; a later write to a shared page writes a copy of it, so a view taken
 * is never changed under its holder (a pipe may keep one for a while). Opens check the owner/group/other bits of the walking user;
 * DMAPPEND files are written at their end and DMEXCL files open once at a time; wstat
 * renames, truncates or extends, and changes mode and times, all-or-nothing; a removed
 * file stays readable through fids already open on it; ORCLOSE removes at clunk.
 */
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import {
  Ebadarg, Ebadchar, Ebadfd, Ebadusefd, Eexcl, Eexist, Eisdir, Enonexist, Enotdir, Enotempty, Eperm,
} from '../errors.js';
import {
  DMAPPEND, DMDIR, DMEXCL, type Dir, type Fid, type FileServer, NsError, OEXEC, OREAD, ORCLOSE, ORDWR,
  OTRUNC, OWRITE, type OpenResult, type Qid, QTAPPEND, QTDIR, QTEXCL,
} from '../types.js';

interface RNode {
  name: string;
  qid: Qid;
  mode: number;
  uid: string;
  gid: string;
  muid: string;
  atime: number;
  mtime: number;
  /** 64 KiB pages; a missing one is zeros. Bytes at or past len are always zero. */
  pages: (Buffer | undefined)[];
  /** Pages handed out as views: copied before they are written again. */
  shared: boolean[];
  len: number;
  children?: Map<string, RNode>;
  parent: RNode;
  opens: number;
}

const now = (): number => Math.floor(Date.now() / 1000);

const PAGE = 64 * 1024;

/** Page i of n, made (zeroed) if missing, and copied first if a view of it is out. */
function writablePage(n: RNode, i: number): Buffer {
  let pg = n.pages[i];
  if (!pg) {
    pg = Buffer.alloc(PAGE);
    n.pages[i] = pg;
  } else if (n.shared[i]) {
    pg = Buffer.from(pg);
    n.pages[i] = pg;
  }
  n.shared[i] = false;
  return pg;
}

function qtype(mode: number): number {
  return ((mode & DMDIR) ? QTDIR : 0) | ((mode & DMAPPEND) ? QTAPPEND : 0) | ((mode & DMEXCL) ? QTEXCL : 0);
}

function badName(name: string): boolean {
  return name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0');
}

export class Ramfs implements FileServer {
  private nextPath = 1;
  readonly root: RNode;

  constructor(owner = 'none', perm = 0o777) {
    const t = now();
    const root = {
      name: '/', qid: { type: QTDIR, vers: 0, path: 0 }, mode: DMDIR | perm, uid: owner, gid: owner, muid: owner,
      atime: t, mtime: t, pages: [], shared: [], len: 0, children: new Map(), opens: 0,
    } as Omit<RNode, 'parent'> as RNode;
    root.parent = root;
    this.root = root;
  }

  async attach(uname: string, _aname = ''): Promise<Fid> {
    return new RamFid(this, this.root, uname);
  }

  newNode(parent: RNode, name: string, mode: number, uid: string): RNode {
    const t = now();
    const n: RNode = {
      name, qid: { type: qtype(mode), vers: 0, path: this.nextPath++ }, mode, uid, gid: parent.gid, muid: uid,
      atime: t, mtime: t, pages: [], shared: [], len: 0, parent, opens: 0,
      ...((mode & DMDIR) ? { children: new Map<string, RNode>() } : {}),
    };
    parent.children!.set(name, n);
    parent.mtime = t;
    parent.qid.vers++;
    return n;
  }
}

/** May uname do `want` (4 read, 2 write, 1 exec) on n? */
function allowed(n: RNode, uname: string, want: number): boolean {
  let bits = n.mode & 7;
  if (uname === n.gid) bits |= (n.mode >> 3) & 7;
  if (uname === n.uid) bits |= (n.mode >> 6) & 7;
  return (bits & want) === want;
}

function dirOf(n: RNode): Dir {
  return {
    type: 0, dev: 0, qid: { ...n.qid }, mode: n.mode >>> 0, atime: n.atime, mtime: n.mtime,
    length: n.children ? 0 : n.len, name: n.name, uid: n.uid, gid: n.gid, muid: n.muid,
  };
}

class RamFid implements Fid {
  private omode = -1;
  private dirState: { snap?: DirSnapshot } = {};

  constructor(
    private readonly fs: Ramfs,
    private node: RNode,
    private readonly uname: string,
  ) {}

  get qid(): Qid {
    return { ...this.node.qid };
  }

  walkSync(names: string[]): { fid?: Fid; qids: Qid[] } {
    if (this.omode >= 0) throw new NsError(Ebadusefd);
    let n = this.node;
    const qids: Qid[] = [];
    for (const name of names) {
      let err: string | undefined;
      let next: RNode | undefined;
      if (!n.children) err = Enotdir;
      else if (!allowed(n, this.uname, 1)) err = Eperm;
      else if (name === '..') next = n.parent;
      else if (name === '.') next = n;
      else if (!(next = n.children.get(name))) err = Enonexist;
      if (err !== undefined || !next) {
        if (qids.length === 0) throw new NsError(err ?? Enonexist);
        return { qids };
      }
      n = next;
      qids.push({ ...n.qid });
    }
    return { fid: new RamFid(this.fs, n, this.uname), qids };
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return this.walkSync(names);
  }

  async open(mode: number, created = false): Promise<OpenResult> {
    if (this.omode >= 0) throw new NsError(Ebadusefd);
    const n = this.node;
    const rw = mode & 3;
    let want = rw === OREAD ? 4 : rw === OWRITE ? 2 : rw === ORDWR ? 6 : 1;
    if (mode & OTRUNC) want |= 2;
    if (n.children && (want & 2 || rw === OEXEC)) throw new NsError(Eisdir);
    if (!created && !allowed(n, this.uname, want)) throw new NsError(Eperm);
    if ((mode & ORCLOSE) && (n === this.fs.root || !allowed(n.parent, this.uname, 2))) throw new NsError(Eperm);
    if ((n.mode & DMEXCL) && n.opens > 0) throw new NsError(Eexcl);
    if ((mode & OTRUNC) && !(n.mode & DMAPPEND)) this.setLength(0);
    n.opens++;
    n.atime = now();
    this.omode = mode;
    return { qid: { ...n.qid }, iounit: 0 };
  }

  async create(name: string, perm: number, mode: number): Promise<OpenResult> {
    if (this.omode >= 0) throw new NsError(Ebadusefd);
    const dir = this.node;
    if (!dir.children) throw new NsError(Enotdir);
    if (badName(name)) throw new NsError(Ebadchar);
    if (!allowed(dir, this.uname, 2)) throw new NsError(Eperm);
    if (dir.children.has(name)) throw new NsError(Eexist);
    if ((perm & DMDIR) && (mode & 3) !== OREAD) throw new NsError(Eperm);
    const inherit = (perm & DMDIR) ? 0o777 : 0o666;
    const p = (perm & ~0o777) | (perm & 0o777 & (~inherit | (dir.mode & inherit)));
    this.node = this.fs.newNode(dir, name, p, this.uname);
    return this.open(mode & ~OTRUNC, true);
  }

  async read(offset: number, count: number): Promise<Buffer> {
    const n = this.node;
    if (this.omode < 0) throw new NsError(Ebadfd);
    if ((this.omode & 3) === OWRITE) throw new NsError(Ebadusefd);
    if (offset < 0 || count < 0) throw new NsError(Ebadarg);
    n.atime = now();
    if (n.children) return dirRead(this.dirState, offset, count, () => [...n.children!.values()].map(dirOf));
    if (offset >= n.len) return Buffer.alloc(0);
    const end = Math.min(n.len, offset + count);
    const first = Math.floor(offset / PAGE);
    if (Math.floor((end - 1) / PAGE) === first) {
      const pg = n.pages[first];
      if (!pg) return Buffer.alloc(end - offset);
      n.shared[first] = true;
      return pg.subarray(offset - first * PAGE, end - first * PAGE);
    }
    const out = Buffer.alloc(end - offset);
    for (let at = offset; at < end; ) {
      const i = Math.floor(at / PAGE);
      const upto = Math.min(end, (i + 1) * PAGE);
      n.pages[i]?.copy(out, at - offset, at - i * PAGE, upto - i * PAGE);
      at = upto;
    }
    return out;
  }

  async write(offset: number, data: Buffer): Promise<number> {
    const n = this.node;
    if (this.omode < 0) throw new NsError(Ebadfd);
    const rw = this.omode & 3;
    if (rw !== OWRITE && rw !== ORDWR) throw new NsError(Ebadusefd);
    if (n.children) throw new NsError(Eisdir);
    if (offset < 0) throw new NsError(Ebadarg);
    if (n.mode & DMAPPEND) offset = n.len;
    const end = offset + data.length;
    for (let at = offset; at < end; ) {
      const i = Math.floor(at / PAGE);
      const upto = Math.min(end, (i + 1) * PAGE);
      data.copy(writablePage(n, i), at - i * PAGE, at - offset, upto - offset);
      at = upto;
    }
    n.len = Math.max(n.len, end);
    this.touch();
    return data.length;
  }

  private touch(): void {
    const n = this.node;
    n.mtime = now();
    n.muid = this.uname;
    n.qid.vers++;
  }

  private setLength(len: number): void {
    const n = this.node;
    if (len < n.len) {
      // What is cut off must read as zeros if the file grows again.
      const keep = Math.ceil(len / PAGE);
      n.pages.length = Math.min(n.pages.length, keep);
      n.shared.length = Math.min(n.shared.length, keep);
      if (len % PAGE !== 0 && n.pages[keep - 1]) writablePage(n, keep - 1).fill(0, len % PAGE);
    }
    n.len = len;
    this.touch();
  }

  async stat(): Promise<Dir> {
    return dirOf(this.node);
  }

  async wstat(d: Partial<Dir>): Promise<void> {
    const n = this.node;
    const set = (v: number | undefined): v is number => v !== undefined && v !== -1 && v !== 0xffffffff && v < 2 ** 53;
    const owner = this.uname === n.uid;
    const rename = d.name !== undefined && d.name !== '' && d.name !== n.name;
    if (rename) {
      if (n === this.fs.root || badName(d.name!)) throw new NsError(Ebadchar);
      if (!allowed(n.parent, this.uname, 2)) throw new NsError(Eperm);
      if (n.parent.children!.has(d.name!)) throw new NsError(Eexist);
    }
    if (set(d.length)) {
      if (n.children) throw new NsError(Eisdir);
      if (!allowed(n, this.uname, 2)) throw new NsError(Eperm);
    }
    if (set(d.mode)) {
      if (!owner) throw new NsError(Eperm);
      if (((d.mode & DMDIR) !== 0) !== (n.children !== undefined)) throw new NsError(Eperm);
    }
    if ((set(d.mtime) || set(d.atime)) && !owner) throw new NsError(Eperm);
    if (d.gid !== undefined && d.gid !== '' && d.gid !== n.gid && !owner) throw new NsError(Eperm);
    if (d.uid !== undefined && d.uid !== '' && d.uid !== n.uid) throw new NsError(Eperm);
    if (rename) {
      n.parent.children!.delete(n.name);
      n.name = d.name!;
      n.parent.children!.set(n.name, n);
      n.parent.qid.vers++;
    }
    if (set(d.length)) this.setLength(d.length);
    if (set(d.mode)) {
      n.mode = d.mode;
      n.qid.type = qtype(d.mode);
    }
    if (set(d.mtime)) n.mtime = d.mtime;
    if (set(d.atime)) n.atime = d.atime;
    if (d.gid !== undefined && d.gid !== '') n.gid = d.gid;
  }

  async remove(): Promise<void> {
    const n = this.node;
    try {
      if (n === this.fs.root || !allowed(n.parent, this.uname, 2)) throw new NsError(Eperm);
      if (n.children && n.children.size > 0) throw new NsError(Enotempty);
      if (n.parent.children!.get(n.name) === n) {
        n.parent.children!.delete(n.name);
        n.parent.mtime = now();
        n.parent.qid.vers++;
      }
    } finally {
      this.omode &= ~ORCLOSE;
      await this.clunk();
    }
  }

  async clunk(): Promise<void> {
    if (this.omode < 0) return;
    const rclose = (this.omode & ORCLOSE) !== 0;
    this.node.opens--;
    this.omode = -1;
    if (rclose) await this.remove().catch(() => {});
  }
}
