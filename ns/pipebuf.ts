/*
 * A pipe: a bounded queue of byte chunks with a read end and a write end.
 *
 * Chunks pass through without copying; a read takes from the head chunk. A writer waits
 * while the queue holds `limit` bytes or more (backpressure); a reader waits while it is
 * empty. When the last write end closes, readers see end of file; when the last read end
 * closes, writers fail with Plan 9's `write on closed pipe`.
 */
import type { Chan } from './vfs.js';
import { checkSignal, sleepOn } from './sleepon.js';
import { NsError, type Signal } from './types.js';
import { turnDue, yieldTurn } from './turn.js';

export class PipeBuf {
  private chunks: Buffer[] = [];
  private head = 0;
  private bytes = 0;
  private readers = 0;
  private writers = 0;
  private wantRead: (() => void)[] = [];
  private wantWrite: (() => void)[] = [];

  constructor(private readonly limit = 64 * 1024) {}

  /** The two ends, each a Chan; close each when done. */
  ends(path = '#|/data'): { r: Chan; w: Chan } {
    return { r: this.reader(path), w: this.writer(path + '1') };
  }

  reader(path: string): Chan {
    this.readers++;
    let open = true;
    return {
      path,
      read: (n, signal) => this.read(n, signal),
      unread: (b) => this.unread(b),
      ready: () => this.ready(),
      write: () => Promise.reject(new NsError('permission denied')),
      close: () => {
        if (!open) return;
        open = false;
        if (--this.readers === 0) this.wake(this.wantWrite);
      },
    };
  }

  writer(path: string): Chan {
    this.writers++;
    let open = true;
    return {
      path,
      read: () => Promise.reject(new NsError('permission denied')),
      write: (b) => this.write(b),
      close: () => {
        if (!open) return;
        open = false;
        if (--this.writers === 0) this.wake(this.wantRead);
      },
    };
  }

  private wake(q: (() => void)[]): void {
    const fs = q.splice(0);
    for (const f of fs) f();
  }

  /** A read given up (signal) while it waits takes nothing: what comes next is the next reader's. */
  async read(n: number, signal?: Signal): Promise<Buffer> {
    // Two in-process commands can pass data for ever without the event loop getting a
    // turn (cat /dev/zero | wc -c): give it one now and then (ns/turn.ts).
    if (turnDue()) await yieldTurn();
    while (this.bytes === 0) {
      if (this.writers === 0) return Buffer.alloc(0);
      await sleepOn(this.wantRead, (wake) => wake, signal);
    }
    checkSignal(signal);
    const c = this.chunks[0];
    let out: Buffer;
    if (c.length - this.head <= n) {
      out = this.head === 0 ? c : c.subarray(this.head);
      this.chunks.shift();
      this.head = 0;
    } else {
      out = c.subarray(this.head, this.head + n);
      this.head += n;
    }
    this.bytes -= out.length;
    this.wake(this.wantWrite);
    return out;
  }

  async ready(signal?: Signal): Promise<void> {
    while (this.bytes === 0 && this.writers > 0) await sleepOn(this.wantRead, (wake) => wake, signal);
  }

  unread(b: Buffer): void {
    if (b.length === 0) return;
    if (this.head > 0) {
      this.chunks[0] = this.chunks[0].subarray(this.head);
      this.head = 0;
    }
    this.chunks.unshift(b);
    this.bytes += b.length;
    this.wake(this.wantRead);
  }

  async write(b: Buffer): Promise<number> {
    if (turnDue()) await yieldTurn();
    while (this.readers > 0 && this.bytes >= this.limit) {
      await new Promise<void>((res) => this.wantWrite.push(res));
    }
    if (this.readers === 0) throw new NsError('write on closed pipe');
    if (b.length > 0) {
      this.chunks.push(b);
      this.bytes += b.length;
      this.wake(this.wantRead);
    }
    return b.length;
  }
}
