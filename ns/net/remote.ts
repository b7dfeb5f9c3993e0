/*
 * The root of a `#I<n>` or `#l<n>` served by the shared /net daemon (netd.ts), as a
 * session's kernel sees it before anything has used it.
 *
 * The boot namespace binds `#I0` on /net, so attaching must cost nothing: this root is a
 * directory with a fixed qid, made without any I/O. The first real use — a walk from it,
 * or opening it — asks the session's link (netdclient.ts, loaded only then) for the
 * daemon's root of the same name, connecting to the daemon or starting it, and goes on
 * from there; stat is answered here, so `ls -l /` never starts a daemon. The kernel
 * keeps this root for the life of the session, and each use asks the link again, so after
 * the daemon dies (every fid from it then fails with `i/o on hungup channel`) the next
 * walk from here reaches a new daemon.
 */
import { Eisdir } from '../errors.js';
import { DMDIR, type Dir, type Fid, NsError, type OpenResult, type Qid, QTDIR, type WalkOpened, walkThenOpen } from '../types.js';

/** The daemon's socket, in the user's srv directory, and what else it keeps there. */
export const NETD_SOCKET = 'ants-net';
export const NETD_LOCK = 'ants-net.lock';
export const NETD_PID = 'ants-net.pid';

/** Gives the daemon's root for an attach name (`I0`, `l1`), connecting when needed. */
export type NetdRoot = (aname: string) => Promise<Fid>;

export class LazyRoot implements Fid {
  readonly qid: Qid = { type: QTDIR, vers: 0, path: 0 };
  /** A clone of the daemon's root, when this fid itself is opened. */
  private own?: Promise<Fid>;

  constructor(
    private readonly root: NetdRoot,
    /** `I0`, `l0`: the attach name, which is also the device letter and spec. */
    private readonly aname: string,
    private readonly owner: string,
  ) {}

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return (await this.root(this.aname)).walk(names);
  }

  async walkOpen(names: string[], mode: number): Promise<WalkOpened> {
    const r = await this.root(this.aname);
    return r.walkOpen ? r.walkOpen(names, mode) : walkThenOpen(r, names, mode);
  }

  private mine(): Promise<Fid> {
    return (this.own ??= this.root(this.aname).then(async (r) => {
      const w = await r.walk([]);
      if (!w.fid) throw new NsError('file does not exist');
      return w.fid;
    }));
  }

  async open(mode: number): Promise<OpenResult> {
    return (await this.mine()).open(mode);
  }

  async create(): Promise<OpenResult> {
    throw new NsError(Eisdir);
  }

  async read(offset: number, count: number): Promise<Buffer> {
    return (await this.mine()).read(offset, count);
  }

  async write(): Promise<number> {
    throw new NsError(Eisdir);
  }

  async stat(): Promise<Dir> {
    const now = Math.floor(Date.now() / 1000);
    const o = this.owner;
    return {
      type: this.aname.codePointAt(0) ?? 0, dev: 0, qid: { ...this.qid }, mode: (DMDIR | 0o555) >>> 0,
      atime: now, mtime: now, length: 0, name: '#' + this.aname, uid: o, gid: o, muid: o,
    };
  }

  async wstat(): Promise<void> {
    throw new NsError('permission denied');
  }

  async remove(): Promise<void> {
    throw new NsError('permission denied');
  }

  async clunk(): Promise<void> {
    const o = this.own;
    this.own = undefined;
    if (o) await o.then((f) => f.clunk(), () => {});
  }
}
