/*
 * Open files as the shell sees them (Vfs Chans): an opened fid plus the chan's own offset,
 * as a Plan 9 fd has. Reads and writes run "as" the process that opened the chan, so a
 * device that answers per process (#c/pid, #e) answers for it. A write is split at the
 * server's iounit and repeated until all of it is written.
 */
import { Ebadfd, Eio } from './errors.js';
import { type Fid, NsError, type Signal } from './types.js';
import type { Chan } from './vfs.js';

/** Runs a server call on behalf of some process (the kernel sets its `up`). */
export type RunAs = <T>(fn: () => T) => T;
export const direct: RunAs = (fn) => fn();

export class FileChan implements Chan {
  private offset = 0;
  private closed = false;

  constructor(
    private readonly fid: Fid,
    readonly path: string,
    private readonly iounit: number,
    private readonly as: RunAs = direct,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get hostFd(): number | undefined {
    return this.fid.hostFd;
  }

  async read(count: number): Promise<Buffer> {
    if (this.closed) throw new NsError(Ebadfd);
    const n = this.iounit > 0 ? Math.min(count, this.iounit) : count;
    const b = await this.as(() => this.fid.read(this.offset, n));
    this.offset += b.length;
    return b;
  }

  async write(data: Buffer): Promise<number> {
    if (this.closed) throw new NsError(Ebadfd);
    let done = 0;
    do {
      const end = this.iounit > 0 ? Math.min(data.length, done + this.iounit) : data.length;
      const n = await this.as(() => this.fid.write(this.offset, data.subarray(done, end)));
      if (n <= 0 && end > done) throw new NsError(Eio);
      this.offset += n;
      done += n;
    } while (done < data.length);
    return done;
  }

  /** pread(2): at an explicit offset, the chan's own left alone (the 9P export serves reads so). */
  async pread(offset: number, count: number, signal?: Signal): Promise<Buffer> {
    if (this.closed) throw new NsError(Ebadfd);
    return this.as(() => this.fid.read(offset, count, signal));
  }

  /** pwrite(2): one write at an explicit offset; returns the count the server took. */
  async pwrite(offset: number, data: Buffer): Promise<number> {
    if (this.closed) throw new NsError(Ebadfd);
    return this.as(() => this.fid.write(offset, data));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.as(() => this.fid.clunk()).catch(() => {});
  }
}
