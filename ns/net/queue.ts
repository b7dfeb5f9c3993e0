/*
 * The queues under a conversation's data file (Plan 9's qio, in small).
 *
 * ByteQueue is one direction of a byte stream: the writer's Buffers are kept as a list of
 * chunks, never copied or concatenated; get() takes at most one chunk (or the front part
 * of one, by subarray), getv() as many as the count holds, as they are. It is bounded: put() waits while `limit` bytes are queued, which
 * is the backpressure a fast writer feels from a slow reader; push() is the same without
 * waiting, for sources that pause themselves instead (host sockets, told by onDrain).
 * end() is the writer's end of file: reads drain what is queued, then see an empty
 * Buffer. close() is the reader going away: queued data is dropped and writers fail.
 *
 * DgramQueue keeps whole messages (UDP): a read returns one, truncated to the count, and
 * a full queue drops new messages, as an unreliable datagram service may.
 */
import { checkSignal, sleepOn } from '../sleepon.js';
import { NsError, type Signal } from '../types.js';

const EMPTY = Buffer.alloc(0);

type Waiter = { resolve: () => void; reject: (e: Error) => void };
const waiter = (resolve: () => void, reject: (e: Error) => void): Waiter => ({ resolve, reject });

function wake(list: Waiter[]): void {
  const ws = list.splice(0);
  for (const w of ws) w.resolve();
}

function fail(list: Waiter[], e: Error): void {
  const ws = list.splice(0);
  for (const w of ws) w.reject(e);
}

export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  /** Bytes queued. */
  bytes = 0;
  private ended = false;
  private closed: string | null = null;
  private readers: Waiter[] = [];
  private writers: Waiter[] = [];

  constructor(
    readonly limit: number,
    /** Called when the queue falls below its limit after being at or over it. */
    private readonly onDrain?: () => void,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  get isClosed(): boolean {
    return this.closed !== null;
  }

  /** Queue b, waiting first while the queue is full; fails once the reader has gone. */
  async put(b: Buffer): Promise<void> {
    while (this.closed === null && this.bytes >= this.limit) {
      await new Promise<void>((resolve, reject) => this.writers.push({ resolve, reject }));
    }
    if (this.closed !== null) throw new NsError(this.closed);
    this.push(b);
  }

  /** Queue b now; false when the queue is now at or over its limit (the source should pause). */
  push(b: Buffer): boolean {
    if (this.closed !== null || this.ended) return false;
    if (b.length > 0) {
      this.chunks.push(b);
      this.bytes += b.length;
      if (this.readers.length > 0) wake(this.readers);
    }
    return this.bytes < this.limit;
  }

  /** Up to count bytes from the front; waits for data; empty at end of file. A read given up (signal) takes nothing. */
  async get(count: number, signal?: Signal): Promise<Buffer> {
    while (this.bytes === 0) {
      if (this.ended || this.closed !== null) return EMPTY;
      await sleepOn(this.readers, waiter, signal);
    }
    checkSignal(signal);
    return this.take(count);
  }

  /** Up to count bytes from the front as the chunks they are queued in; waits for data; none at end of file. */
  async getv(count: number, signal?: Signal): Promise<Buffer[]> {
    while (this.bytes === 0) {
      if (this.ended || this.closed !== null) return [];
      await sleepOn(this.readers, waiter, signal);
    }
    checkSignal(signal);
    const out: Buffer[] = [];
    for (let n = 0; n < count && this.bytes > 0; ) {
      const b = this.take(count - n);
      out.push(b);
      n += b.length;
    }
    return out;
  }

  /** What get() would return without waiting, or undefined when it would wait. */
  tryGet(count: number): Buffer | undefined {
    if (this.bytes === 0) return this.ended || this.closed !== null ? EMPTY : undefined;
    return this.take(count);
  }

  private take(count: number): Buffer {
    const c = this.chunks[this.head]!;
    let out: Buffer;
    if (count >= c.length) {
      out = c;
      this.chunks[this.head++] = EMPTY;
      if (this.head === this.chunks.length) {
        this.chunks = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.chunks.length) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
    } else {
      out = c.subarray(0, count);
      this.chunks[this.head] = c.subarray(count);
    }
    const wasFull = this.bytes >= this.limit;
    this.bytes -= out.length;
    if (this.bytes < this.limit) {
      if (this.writers.length > 0) wake(this.writers);
      if (wasFull) this.onDrain?.();
    }
    return out;
  }

  /** The writer's end of file. */
  end(): void {
    this.ended = true;
    wake(this.readers);
  }

  /** The reader has gone: drop what is queued, fail writers (now and later) with reason. */
  close(reason: string): void {
    if (this.closed !== null) return;
    this.closed = reason;
    this.chunks = [];
    this.head = 0;
    this.bytes = 0;
    wake(this.readers);
    fail(this.writers, new NsError(reason));
  }
}

export interface Dgram {
  data: Buffer;
  raddr: number;
  rport: number;
  laddr: number;
  lport: number;
}

export class DgramQueue {
  private items: Dgram[] = [];
  private closed = false;
  private readers: Waiter[] = [];

  constructor(readonly limit = 256) {}

  get length(): number {
    return this.items.length;
  }

  /** Queue a datagram; false when it was dropped (queue full or closed). */
  push(d: Dgram): boolean {
    if (this.closed || this.items.length >= this.limit) return false;
    this.items.push(d);
    wake(this.readers);
    return true;
  }

  async get(signal?: Signal): Promise<Dgram | undefined> {
    while (this.items.length === 0) {
      if (this.closed) return undefined;
      await sleepOn(this.readers, waiter, signal);
    }
    checkSignal(signal);
    return this.items.shift();
  }

  close(): void {
    this.closed = true;
    this.items = [];
    wake(this.readers);
  }
}
