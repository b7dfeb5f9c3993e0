/*
 * The host file system as a Vfs, path for path: what a process sees before it has a
 * namespace, and the chans (HostChan) that wrap host descriptors, stdio included. Host
 * chans expose their descriptor so host programs get it directly.
 */
import * as fs from 'node:fs';
import { type Chan, type Vfs, OAPPEND } from './vfs.js';
import { type Dir, DMDIR, NsError, OTRUNC, QTDIR, QTFILE } from './types.js';
import { Ebadchar, Eexist, Eisdir, Eperm } from './errors.js';
import { idName } from './dev/host.js';
import { hostError } from './hosterr.js';
import { isatty } from 'node:tty';
import { ttyIn } from './ttyin.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HostChan implements Chan {
  private closed = false;
  /** Offset for positioned I/O; null means "the descriptor's own offset" (stdio, pipes). */
  private off: number | null;

  constructor(
    readonly hostFd: number,
    readonly path: string,
    private readonly own: boolean,
    positioned: boolean,
    private readonly append = false,
  ) {
    this.off = positioned ? 0 : null;
  }

  async read(count: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(count);
    for (;;) {
      try {
        const n = await new Promise<number>((res, rej) =>
          fs.read(this.hostFd, buf, 0, count, this.off, (e, n) => (e ? rej(e) : res(n))),
        );
        if (this.off !== null) this.off += n;
        return buf.subarray(0, n);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          await sleep(2);
          continue;
        }
        throw hostError(e, this.path);
      }
    }
  }

  async write(data: Buffer): Promise<number> {
    let done = 0;
    while (done < data.length) {
      try {
        const pos = this.append || this.off === null ? null : this.off + done;
        done += fs.writeSync(this.hostFd, data, done, data.length - done, pos);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          await sleep(1);
          continue;
        }
        throw hostError(e, this.path);
      }
    }
    if (this.off !== null) this.off += done;
    return done;
  }

  close(): void {
    if (this.closed || !this.own) return;
    this.closed = true;
    try {
      fs.closeSync(this.hostFd);
    } catch {
      /* already gone */
    }
  }
}

export function statToDir(st: fs.Stats, name: string): Dir {
  const isDir = st.isDirectory();
  return {
    type: 0x55, // 'U', the host file system's device letter
    dev: 0,
    qid: { type: isDir ? QTDIR : QTFILE, vers: Math.floor(st.mtimeMs) >>> 0, path: st.ino },
    mode: (isDir ? DMDIR : 0) | (st.mode & 0o777),
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
    length: isDir ? 0 : st.size,
    name,
    uid: idName('users', st.uid),
    gid: idName('groups', st.gid),
    muid: idName('users', st.uid),
  };
}

function base(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1) || '/';
}

function flags(mode: number, create: boolean): number {
  let f: number;
  switch (mode & 3) {
    case 0:
      f = fs.constants.O_RDONLY;
      break;
    case 1:
      f = fs.constants.O_WRONLY;
      break;
    case 2:
      f = fs.constants.O_RDWR;
      break;
    default:
      f = fs.constants.O_RDONLY;
  }
  if (mode & OTRUNC) f |= fs.constants.O_TRUNC;
  if (create) f |= fs.constants.O_CREAT | fs.constants.O_TRUNC;
  return f;
}

/** Open a host file as a chan; append files (the shell's >>) write at the end. */
async function openHost(path: string, f: number, perm: number, append: boolean): Promise<Chan> {
  const fd = await new Promise<number>((res, rej) =>
    fs.open(path, f | (append ? fs.constants.O_APPEND : 0), perm, (e, fd) => (e ? rej(hostError(e, path)) : res(fd))),
  );
  let positioned = true;
  try {
    const st = fs.fstatSync(fd);
    positioned = st.isFile() || st.isBlockDevice();
  } catch {
    positioned = false;
  }
  return new HostChan(fd, path, true, positioned, append);
}

export class HostVfs implements Vfs {
  open(path: string, mode: number): Promise<Chan> {
    return openHost(path, flags(mode, false), 0o666, (mode & OAPPEND) !== 0);
  }

  create(path: string, mode: number, perm: number): Promise<Chan> {
    if (perm & DMDIR) {
      return new Promise((res, rej) =>
        fs.mkdir(path, perm & 0o777, (e) => (e ? rej(hostError(e, path)) : res(openHost(path, fs.constants.O_RDONLY, 0, false)))),
      );
    }
    return openHost(path, flags(mode, true), perm & 0o777, false);
  }

  stat(path: string): Promise<Dir> {
    return new Promise((res, rej) =>
      fs.stat(path, (e, st) => (e ? rej(hostError(e, path)) : res(statToDir(st, base(path))))),
    );
  }

  async readdir(path: string): Promise<Dir[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(path);
    } catch (e) {
      throw hostError(e, path);
    }
    const out: Dir[] = [];
    for (const name of names) {
      const p = path === '/' ? '/' + name : path + '/' + name;
      // A dangling symbolic link is listed as itself.
      const st = fs.statSync(p, { throwIfNoEntry: false }) ?? fs.lstatSync(p, { throwIfNoEntry: false });
      if (st) out.push(statToDir(st, name));
    }
    return out;
  }

  remove(path: string): Promise<void> {
    return new Promise((res, rej) =>
      fs.lstat(path, (e, st) => {
        if (e) return rej(hostError(e, path));
        const done = (e2: NodeJS.ErrnoException | null) => (e2 ? rej(hostError(e2, path)) : res());
        if (st.isDirectory()) fs.rmdir(path, done);
        else fs.unlink(path, done);
      }),
    );
  }

  async wstat(path: string, d: Partial<Dir>): Promise<void> {
    const keep = (n: number | undefined): n is undefined => n === undefined || n === -1 || n === 0xffffffff || n >= 2 ** 53;
    try {
      const st = fs.statSync(path);
      if (!keep(d.length)) {
        if (st.isDirectory()) throw new NsError(Eisdir);
        fs.truncateSync(path, d.length);
      }
      if (!keep(d.mode)) {
        if (((d.mode & DMDIR) !== 0) !== st.isDirectory()) throw new NsError(Eperm);
        fs.chmodSync(path, d.mode & 0o777);
      }
      if (!keep(d.mtime) || !keep(d.atime)) fs.utimesSync(path, keep(d.atime) ? st.atime : d.atime, keep(d.mtime) ? st.mtime : d.mtime);
      if (d.name !== undefined && d.name !== '' && d.name !== base(path)) {
        if (d.name.includes('/') || d.name === '.' || d.name === '..') throw new NsError(Ebadchar);
        const np = path.slice(0, path.lastIndexOf('/') + 1) + d.name;
        if (fs.existsSync(np)) throw new NsError(Eexist);
        fs.renameSync(path, np);
      }
    } catch (e) {
      throw hostError(e, path);
    }
  }

  hostPath(path: string): string | undefined {
    return path.startsWith('/') ? path : undefined;
  }
}

/** The shell's inherited standard descriptors. */
export function stdioChan(fd: number): HostChan {
  if (fd === 0 && isatty(0)) return new TtyChan(0, '/fd/0', false, false);
  return new HostChan(fd, `/fd/${fd}`, false, false);
}

/** True when chan is standard input on the terminal (what a background job must not read). */
export function isTtyChan(c: Chan | undefined): boolean {
  return c instanceof TtyChan;
}

/** /dev/null as a host descriptor: a background job's standard input. */
export function nullChan(): HostChan {
  return new HostChan(fs.openSync('/dev/null', 'r'), '/dev/null', true, false);
}

/**
 * Standard input when it is the terminal: host programs get the descriptor itself, and
 * in-process reads go through the shell's own line discipline (ttyin.ts), so they can be
 * interrupted without leaving a read pending that would eat the next line.
 */
class TtyChan extends HostChan {
  override read(count: number, signal?: AbortSignal): Promise<Buffer> {
    return ttyIn.read(count, signal);
  }
}
