/*
 * `#U`: the host file system (Inferno's letter for it), the only device that touches
 * node:fs. A fid is a host path; qids are handed out per (host device, inode), so a file
 * keeps its identity under any name and the mount table can key on it. Metadata calls
 * (walk, stat, directory reads) are synchronous — they do not block on anything a user
 * would wait for, and it lets paths through #U resolve without a Promise; open, read and
 * write are asynchronous, since a FIFO or terminal can block. Every host errno becomes
 * Plan 9's wording. Open fids expose their host descriptor for host programs, and every
 * fid its host path.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import {
  Ebadarg, Ebadchar, Ebadfd, Eexist, Eintr, Eisdir, Enonexist, Enotdir, Eperm,
} from '../errors.js';
import type { Kernel } from '../kernel.js';
import {
  DMDIR, type Dir, type Fid, type FileServer, NsError, OEXEC, OREAD, ORCLOSE, ORDWR, OTRUNC, OWRITE,
  type OpenResult, type Qid, QTDIR,
} from '../types.js';
import { OAPPEND } from '../vfs.js';
import type { Device } from './index.js';
import { hostError } from '../hosterr.js';

export { hostError };

function hostCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw hostError(e);
  }
}

function hostAsync<T>(fn: (cb: (err: NodeJS.ErrnoException | null, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(hostError(err)) : resolve(v))));
}

type Stats = fs.BigIntStats;

/*
 * open(2) of a FIFO waits for the other end, in a libuv pool thread that nothing can take
 * back; a pool thread stuck there also keeps Node from exiting. So an open races the
 * caller's interrupt, and when it loses, the file is opened once more for reading and
 * writing without waiting (on a FIFO that is both ends at once), which completes the stuck
 * open; both descriptors are closed as soon as it returns.
 */
function openHost(path: string, flags: number, signal: AbortSignal | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new NsError(Eintr));
    let abandoned = false;
    let peer: number | undefined;
    let stuckDone = false;
    const closeQuiet = (fd: number) => fs.close(fd, () => {});
    const abort = () => {
      abandoned = true;
      reject(new NsError(Eintr));
      fs.open(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK, (e, fd) => {
        if (e) return;
        if (stuckDone) closeQuiet(fd);
        else peer = fd;
      });
    };
    signal?.addEventListener('abort', abort, { once: true });
    fs.open(path, flags, (err, fd) => {
      signal?.removeEventListener('abort', abort);
      if (!abandoned) return err ? reject(hostError(err)) : resolve(fd);
      stuckDone = true;
      if (!err) closeQuiet(fd);
      if (peer !== undefined) closeQuiet(peer);
    });
  });
}

/** stat following links; a dangling link is shown as itself; undefined when absent. */
function statOf(p: string): Stats | undefined {
  const st = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
  return st ?? fs.lstatSync(p, { bigint: true, throwIfNoEntry: false });
}

let idNames: { users: Map<number, string>; groups: Map<number, string> } | undefined;

function names(file: string): Map<number, string> {
  const m = new Map<number, string>();
  try {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && f[0]) m.set(Number(f[2]), f[0]);
    }
  } catch {
    /* no such file: numeric ids */
  }
  return m;
}

/** A host user or group id by name, as /etc/passwd and /etc/group give it (else the number). */
export function idName(kind: 'users' | 'groups', id: number): string {
  idNames ??= { users: names('/etc/passwd'), groups: names('/etc/group') };
  return idNames[kind].get(id) ?? String(id);
}

/** The host directory of Unix-domain sockets at dir, by name (for #s). */
export function hostSockets(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isSocket()).map((d) => d.name);
  } catch {
    return [];
  }
}

export class HostFs implements FileServer {
  private readonly qids = new Map<string, number>();
  private nextQid = 1;

  constructor(
    readonly root = '/',
    /** The interrupt of the process a call is made for (the kernel's up): what a waiting open gives up on. */
    readonly callerSignal: () => AbortSignal | undefined = () => undefined,
  ) {}

  qidOf(st: Stats): Qid {
    const key = st.dev + ':' + st.ino;
    let path = this.qids.get(key);
    if (path === undefined) this.qids.set(key, (path = this.nextQid++));
    return { type: st.isDirectory() ? QTDIR : 0, vers: Number(st.mtimeMs % 0x100000000n), path };
  }

  dirOf(p: string, st: Stats, name: string): Dir {
    const mode = ((st.isDirectory() ? DMDIR : 0) | Number(st.mode & 0o777n)) >>> 0;
    return {
      type: 0x55, dev: 0, qid: this.qidOf(st), mode,
      atime: Number(st.atimeMs / 1000n), mtime: Number(st.mtimeMs / 1000n),
      length: st.isDirectory() ? 0 : Number(st.size), name,
      uid: idName('users', Number(st.uid)), gid: idName('groups', Number(st.gid)), muid: idName('users', Number(st.uid)),
    };
  }

  attachSync(_uname: string, aname: string): HostFid {
    const p = aname.startsWith('/') ? nodePath.join(this.root, aname) : this.root;
    const st = hostCall(() => fs.statSync(p, { bigint: true }));
    return new HostFid(this, p, this.qidOf(st));
  }

  async attach(uname: string, aname: string): Promise<Fid> {
    return this.attachSync(uname, aname);
  }

  /** Is p at or below the served root? (`..` never climbs out of it.) */
  inside(p: string): boolean {
    return p === this.root || this.root === '/' || p.startsWith(this.root + '/');
  }
}

export class HostFid implements Fid {
  private fd?: number;
  private opened = -1;
  private seekable = true;
  private rclose = false;
  private dirState: { snap?: DirSnapshot } = {};

  constructor(
    private readonly hfs: HostFs,
    private path: string,
    public qid: Qid,
  ) {}

  get hostPath(): string {
    return this.path;
  }

  get hostFd(): number | undefined {
    return this.fd;
  }

  private get isDir(): boolean {
    return (this.qid.type & QTDIR) !== 0;
  }

  walkSync(names: string[]): { fid?: Fid; qids: Qid[] } {
    let p = this.path;
    let dir = this.isDir;
    let qid = this.qid;
    const qids: Qid[] = [];
    for (const name of names) {
      if (name === '' || name.includes('/') || name.includes('\0')) throw new NsError(Ebadchar);
      if (!dir) {
        if (qids.length === 0) throw new NsError(Enotdir);
        return { qids };
      }
      if (name === '..') {
        const up = nodePath.dirname(p);
        if (this.hfs.inside(up)) p = up;
      } else if (name !== '.') {
        p = nodePath.join(p, name);
      }
      let st: Stats | undefined;
      try {
        st = statOf(p);
      } catch (e) {
        if (qids.length === 0) throw hostError(e);
        return { qids };
      }
      if (!st) {
        if (qids.length === 0) throw new NsError(Enonexist);
        return { qids };
      }
      qid = this.hfs.qidOf(st);
      dir = st.isDirectory();
      qids.push(qid);
    }
    return { fid: new HostFid(this.hfs, p, qid), qids };
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return this.walkSync(names);
  }

  async open(mode: number): Promise<OpenResult> {
    if (this.opened >= 0) throw new NsError(Ebadarg);
    const rw = mode & 3;
    if (this.isDir) {
      if (rw !== OREAD && rw !== OEXEC) throw new NsError(Eisdir);
    } else {
      const flags =
        (rw === OWRITE ? fs.constants.O_WRONLY : rw === ORDWR ? fs.constants.O_RDWR : fs.constants.O_RDONLY) |
        ((mode & OTRUNC) !== 0 ? fs.constants.O_TRUNC : 0) |
        ((mode & OAPPEND) !== 0 ? fs.constants.O_APPEND : 0);
      this.fd = await openHost(this.path, flags, this.hfs.callerSignal());
      this.afterOpen();
    }
    this.opened = mode;
    this.rclose = (mode & ORCLOSE) !== 0;
    return { qid: this.qid, iounit: 0 };
  }

  private afterOpen(): void {
    const st = hostCall(() => fs.fstatSync(this.fd!, { bigint: true }));
    this.seekable = st.isFile() || st.isBlockDevice();
    this.qid = this.hfs.qidOf(st);
  }

  async create(name: string, perm: number, mode: number): Promise<OpenResult> {
    if (!this.isDir) throw new NsError(Enotdir);
    if (this.opened >= 0) throw new NsError(Ebadarg);
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
      throw new NsError(Ebadchar);
    }
    const parentMode = Number(hostCall(() => fs.statSync(this.path, { bigint: true })).mode & 0o777n);
    const p = nodePath.join(this.path, name);
    if ((perm & DMDIR) !== 0) {
      hostCall(() => fs.mkdirSync(p, { mode: perm & 0o777 & (~0o777 | parentMode) }));
      this.path = p;
      this.qid = this.hfs.qidOf(hostCall(() => fs.statSync(p, { bigint: true })));
      this.opened = OREAD;
      return { qid: this.qid, iounit: 0 };
    }
    const rw = mode & 3;
    const flags =
      fs.constants.O_CREAT | fs.constants.O_EXCL |
      (rw === OWRITE ? fs.constants.O_WRONLY : rw === ORDWR ? fs.constants.O_RDWR : fs.constants.O_RDONLY);
    this.fd = await hostAsync<number>((cb) => fs.open(p, flags, perm & 0o777 & (~0o666 | parentMode), cb));
    this.path = p;
    this.afterOpen();
    this.opened = mode;
    this.rclose = (mode & ORCLOSE) !== 0;
    return { qid: this.qid, iounit: 0 };
  }

  async read(offset: number, count: number): Promise<Buffer> {
    if (this.opened < 0) throw new NsError(Ebadfd);
    if (this.isDir) return dirRead(this.dirState, offset, count, () => this.list());
    const buf = Buffer.allocUnsafe(count);
    const fd = this.fd!;
    const n = await hostAsync<number>((cb) => fs.read(fd, buf, 0, count, this.seekable ? offset : null, cb));
    return buf.subarray(0, n);
  }

  private list(): Dir[] {
    const out: Dir[] = [];
    for (const name of hostCall(() => fs.readdirSync(this.path))) {
      const p = nodePath.join(this.path, name);
      try {
        const st = statOf(p);
        if (st) out.push(this.hfs.dirOf(p, st, name));
      } catch {
        /* vanished or unreadable: not listed */
      }
    }
    return out;
  }

  async write(offset: number, data: Buffer): Promise<number> {
    if (this.opened < 0) throw new NsError(Ebadfd);
    if (this.isDir) throw new NsError(Eisdir);
    const fd = this.fd!;
    return hostAsync<number>((cb) => fs.write(fd, data, 0, data.length, this.seekable ? offset : null, cb));
  }

  async stat(): Promise<Dir> {
    const st = hostCall(() => (this.fd !== undefined ? fs.fstatSync(this.fd, { bigint: true }) : statOf(this.path)));
    if (!st) throw new NsError(Enonexist);
    const name = this.path === this.hfs.root ? '/' : nodePath.basename(this.path);
    return this.hfs.dirOf(this.path, st, name);
  }

  async wstat(d: Partial<Dir>): Promise<void> {
    const keep = (n: number | undefined): n is undefined => n === undefined || n === -1 || n === 0xffffffff || n >= 2 ** 53;
    hostCall(() => {
      if (!keep(d.length)) {
        if (this.isDir) throw new NsError(Eisdir);
        if (this.fd !== undefined) fs.ftruncateSync(this.fd, d.length);
        else fs.truncateSync(this.path, d.length);
      }
      if (!keep(d.mode)) {
        if (((d.mode & DMDIR) !== 0) !== this.isDir) throw new NsError(Eperm);
        fs.chmodSync(this.path, d.mode & 0o777);
      }
      if (!keep(d.mtime) || !keep(d.atime)) {
        const st = fs.statSync(this.path);
        fs.utimesSync(this.path, keep(d.atime) ? st.atime : d.atime, keep(d.mtime) ? st.mtime : d.mtime);
      }
      if (d.name !== undefined && d.name !== '' && d.name !== nodePath.basename(this.path)) {
        if (d.name.includes('/') || d.name === '.' || d.name === '..') throw new NsError(Ebadchar);
        const np = nodePath.join(nodePath.dirname(this.path), d.name);
        if (fs.existsSync(np)) throw new NsError(Eexist);
        fs.renameSync(this.path, np);
        this.path = np;
      }
    });
  }

  async remove(): Promise<void> {
    const p = this.path;
    const dir = this.isDir;
    await this.clunk();
    hostCall(() => (dir ? fs.rmdirSync(p) : fs.unlinkSync(p)));
  }

  async clunk(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    this.opened = -1;
    if (fd !== undefined) await hostAsync<void>((cb) => fs.close(fd, (err) => cb(err, undefined)));
    if (this.rclose) {
      this.rclose = false;
      try {
        if (this.isDir) fs.rmdirSync(this.path);
        else fs.unlinkSync(this.path);
      } catch {
        /* ORCLOSE is best effort */
      }
    }
  }
}

export function hostDevice(k: Kernel): Device {
  const server = new HostFs(k.opts.hostRoot ?? '/', k.callerSignal);
  return { letter: 'U', name: 'fs', server, attachSync: (u, spec) => server.attachSync(u, spec) };
}
