/* A FileServer for protocol tests: one file, `slow`, whose reads wait until released. */
import { type Dir, type Fid, type FileServer, NsError, type Qid, QTDIR } from '../../ns/types.js';

export class BlockFs implements FileServer {
  readonly waiting: Array<(b: Buffer) => void> = [];
  reads = 0;
  /** Set: writes wait until released too. */
  blockWrites = false;
  writes = 0;
  /** Set: a read that is flushed finishes at that moment with these bytes (data that arrived as the flush did). */
  onFlush?: Buffer;

  async attach(): Promise<Fid> {
    return new BlockFid(this, { type: QTDIR, vers: 0, path: 0 });
  }

  /** Let every waiting read finish with data. */
  release(data = Buffer.from('late')): void {
    for (const w of this.waiting.splice(0)) w(data);
  }
}

class BlockFid implements Fid {
  constructor(
    private readonly fs: BlockFs,
    readonly qid: Qid,
  ) {}
  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    if (names.length === 0) return { fid: new BlockFid(this.fs, this.qid), qids: [] };
    if (names.length !== 1 || names[0] !== 'slow') throw new NsError('file does not exist');
    const q = { type: 0, vers: 0, path: 1 };
    return { fid: new BlockFid(this.fs, q), qids: [q] };
  }
  async open(): Promise<{ qid: Qid; iounit: number }> {
    return { qid: this.qid, iounit: 0 };
  }
  async create(): Promise<never> {
    throw new NsError('permission denied');
  }
  read(_o: number, _n: number, signal?: AbortSignal): Promise<Buffer> {
    this.fs.reads++;
    return new Promise((r) => {
      this.fs.waiting.push(r);
      const b = this.fs.onFlush;
      if (b) signal?.addEventListener('abort', () => queueMicrotask(() => r(b)), { once: true });
    });
  }
  async write(_o: number, d: Buffer): Promise<number> {
    if (!this.fs.blockWrites) return d.length;
    this.fs.writes++;
    await new Promise((r) => this.fs.waiting.push(r));
    return d.length;
  }
  async stat(): Promise<Dir> {
    return {
      type: 0, dev: 0, qid: this.qid, mode: this.qid.type === QTDIR ? 0x800001ed : 0o644, atime: 0, mtime: 0, length: 0,
      name: this.qid.path === 0 ? '/' : 'slow', uid: 'glenda', gid: 'glenda', muid: 'glenda',
    };
  }
  async wstat(): Promise<void> {}
  async remove(): Promise<void> {
    throw new NsError('permission denied');
  }
  async clunk(): Promise<void> {}
}
