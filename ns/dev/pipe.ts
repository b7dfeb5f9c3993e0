/*
 * `#|`: pipes (pipe(3)). Each attach makes a new pipe, a directory of two files, data and
 * data1: what is written on one is read from the other. Each direction is a bounded queue
 * of the Buffers written (not copied, not joined), so write boundaries are kept — a read
 * returns at most one write — and a writer waits while the queue holds PIPEQSIZE bytes
 * (backpressure). When the last open of an end is closed, readers at the other end get
 * end of file once the queue drains, and writers to it fail with `write on closed pipe`.
 */
import { Eclosedpipe } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { checkSignal, sleepOn } from '../sleepon.js';
import { NsError, type Signal } from '../types.js';
import type { Device } from './index.js';
import { dirNode, mkqid, type Node, TreeFid } from './tree.js';

export const PIPEQSIZE = 256 * 1024;

class Queue {
  private readonly chunks: Buffer[] = [];
  bytes = 0;
  /** No writer is left: reads drain, then see end of file. */
  hungup = false;
  /** No reader is left: writes fail. */
  broken = false;
  private readers: Array<() => void> = [];
  private writers: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** A read given up (signal) while it waits takes nothing: what comes next is the next reader's. */
  async read(count: number, signal?: Signal): Promise<Buffer> {
    while (this.chunks.length === 0) {
      if (this.hungup || count === 0) return Buffer.alloc(0);
      await sleepOn(this.readers, (wake) => wake, signal);
    }
    checkSignal(signal);
    const first = this.chunks[0]!;
    let b: Buffer;
    if (first.length <= count) {
      b = first;
      this.chunks.shift();
    } else {
      b = first.subarray(0, count);
      this.chunks[0] = first.subarray(count);
    }
    this.bytes -= b.length;
    this.wake('writers');
    return b;
  }

  async write(data: Buffer): Promise<number> {
    while (!this.broken && this.bytes >= this.limit) await new Promise<void>((r) => this.writers.push(r));
    if (this.broken) throw new NsError(Eclosedpipe);
    if (data.length === 0) return 0;
    this.chunks.push(data);
    this.bytes += data.length;
    this.wake('readers');
    return data.length;
  }

  wake(which: 'readers' | 'writers'): void {
    const w = this[which];
    this[which] = [];
    for (const r of w) r();
  }
}

let pipes = 0;

/** A pipe: q[0] carries data → data1, q[1] carries data1 → data. */
export class Pipe {
  readonly q: [Queue, Queue];
  private readonly opens = [0, 0];

  constructor(limit = PIPEQSIZE) {
    this.q = [new Queue(limit), new Queue(limit)];
  }

  open(end: 0 | 1): { read(off: number, n: number, signal?: Signal): Promise<Buffer>; write(off: number, d: Buffer): Promise<number>; close(): void } {
    this.opens[end]!++;
    let closed = false;
    return {
      read: (_off, n, signal) => this.q[1 - end]!.read(n, signal),
      write: (_off, d) => this.q[end]!.write(d),
      close: () => {
        if (closed) return;
        closed = true;
        if (--this.opens[end]! === 0) {
          this.q[end]!.hungup = true;
          this.q[end]!.wake('readers');
          this.q[1 - end]!.broken = true;
          this.q[1 - end]!.wake('writers');
        }
      },
    };
  }
}

export function pipeDevice(k: Kernel): Device {
  const attach = (limit?: number): TreeFid => {
    const p = new Pipe(limit);
    const base = ++pipes * 4;
    const root: Node = dirNode('#|', mkqid(base, true), () => ends);
    const end = (name: string, e: 0 | 1): Node => ({
      name, qid: mkqid(base + 1 + e, false), perm: 0o666, parent: root,
      length: () => p.q[1 - e]!.bytes,
      open: () => p.open(e),
    });
    const ends = [end('data', 0), end('data1', 1)];
    return new TreeFid(root, k.up?.user ?? k.user, 0x7c);
  };
  return {
    letter: '|',
    name: 'pipe',
    fresh: true,
    server: { attach: async () => attach() },
  };
}
