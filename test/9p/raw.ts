/* A raw 9P peer for server tests: send any bytes, receive decoded replies in order. */
import net from 'node:net';
import { decode } from '../../ns/9p/codec.js';
import type { Fcall } from '../../ns/9p/fcall.js';
import { encode } from '../../ns/9p/codec.js';
import { Conn } from '../../ns/9p/transport.js';

export class Raw {
  private readonly queue: Fcall[] = [];
  private readonly waiters: Array<(f: Fcall | undefined) => void> = [];
  readonly conn: Conn;
  closed = false;
  readonly ended: Promise<void>;
  /** Raw reply bytes, in order (for transcripts). */
  readonly bytes: Buffer[] = [];

  constructor(sock: net.Socket) {
    let end!: () => void;
    this.ended = new Promise((r) => (end = r));
    this.conn = new Conn(sock, (m) => {
      this.bytes.push(Buffer.from(m));
      const f = decode(m);
      const w = this.waiters.shift();
      if (w) w(f);
      else this.queue.push(f);
    }, () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(undefined);
      end();
    }, 1 << 24);
  }

  static async connect(path: string): Promise<Raw> {
    const s = net.connect(path);
    await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
    return new Raw(s);
  }

  send(f: Fcall | Buffer): void {
    this.conn.stream.write(Buffer.isBuffer(f) ? f : encode(f));
  }

  /** The next reply, or undefined when the connection closes first. */
  next(): Promise<Fcall | undefined> {
    const f = this.queue.shift();
    if (f) return Promise.resolve(f);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((r) => this.waiters.push(r));
  }

  async rpc(f: Fcall): Promise<Fcall | undefined> {
    this.send(f);
    return this.next();
  }

  close(): void {
    this.conn.close();
  }
}
