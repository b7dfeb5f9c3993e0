/*
 * Union directories, the reading and creating half (the lookup half — first member holding
 * the name — is in walk.ts). Reading a union reads each member to its end in order and
 * concatenates what they hold, duplicates kept, as Plan 9's unionread does; a member that
 * cannot be opened is skipped. Creating in a mounted-on directory goes to the first member
 * bound with MCREATE; if none is, the directory forbids creation, even when the "union"
 * is a single replacing bind.
 */
import type { KChan } from './chan.js';
import { mntdirfix } from './dirfmt.js';
import { Ebadfd, Eisdir } from './errors.js';
import { MCREATE, type MountHead } from './mount.js';
import { direct, type RunAs } from './openchan.js';
import { type Fid, NsError, OREAD } from './types.js';
import type { Chan } from './vfs.js';

export function createTarget(head: MountHead): KChan | undefined {
  return head.mounts.find((m) => (m.flag & MCREATE) !== 0)?.to;
}

export class UnionDirChan implements Chan {
  private i = 0;
  private cur?: Fid;
  private off = 0;
  private closed = false;
  private readonly members: KChan[];

  constructor(
    head: MountHead,
    readonly path: string,
    private readonly as: RunAs = direct,
  ) {
    this.members = head.mounts.map((m) => m.to.incref());
  }

  async read(count: number): Promise<Buffer> {
    if (this.closed) throw new NsError(Ebadfd);
    while (this.i < this.members.length) {
      if (!this.cur) {
        const member = this.members[this.i]!;
        try {
          const w = await this.as(() => member.fid.walk([]));
          if (!w.fid) throw new NsError(Ebadfd);
          const fid = w.fid;
          await this.as(() => fid.open(OREAD));
          this.cur = fid;
          this.off = 0;
        } catch {
          this.i++;
          continue;
        }
      }
      const fid = this.cur;
      const b = await this.as(() => fid.read(this.off, count));
      if (b.length > 0) {
        this.off += b.length;
        const dev = this.members[this.i]!.dev;
        return dev.letter === 'M' ? mntdirfix(b, dev.id) : b;
      }
      this.dropCurrent();
      this.i++;
    }
    return Buffer.alloc(0);
  }

  async write(): Promise<number> {
    throw new NsError(Eisdir);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropCurrent();
    for (const m of this.members) m.release();
  }

  private dropCurrent(): void {
    const fid = this.cur;
    this.cur = undefined;
    if (fid) this.as(() => fid.clunk()).catch(() => {});
  }
}
