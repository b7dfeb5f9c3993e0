/*
 * 9P transports: a byte stream (a Unix-domain socket, a TCP connection, a program's stdio)
 * carrying whole messages. Conn frames one: incoming chunks are kept as a list and a
 * message is cut out only when all of it has arrived — a view into the chunk when it lies
 * in one, one copy of just that message when it straddles chunks — so a 64 KiB Rread
 * arriving in pieces is never re-concatenated per read. Outgoing messages are written as
 * their parts (header, payload) under cork, so payloads are not copied either.
 *
 * Dial strings are Plan 9's: `unix!/path`, `tcp!host!port` (`net!` means tcp; a missing
 * port, or the service `9fs`, is 564). announce() listens on the same forms, `tcp!*!port`
 * meaning every interface.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import { Ehungup, Eintr } from '../errors.js';
import { NsError } from '../types.js';
import { Ebotch, P9Error } from './codec.js';

export const Ebaddial = 'bad dial string';
export const Etimedout = 'connection timed out';

/** Twrite's type byte, and the least size of one handed on in pieces. */
const TWRITE = 118;
const PIECES_MIN = 8192;

/** Frames messages on a stream; the owner gives onMessage and onClose, and may pause reading. */
export class Conn {
  private chunks: Buffer[] = [];
  private have = 0;
  private need = 0;
  private closed = false;
  private reading = true;
  private parsing = false;
  /** The largest message accepted; a larger size field closes the connection. */
  maxMessage: number;
  /**
   * Set by a server: a Twrite that did not arrive in one chunk is handed here as the
   * views of the chunks it lies in (header included), not copied into one buffer.
   */
  onPieces?: (pieces: Buffer[]) => void;

  constructor(
    readonly stream: Duplex,
    private readonly onMessage: (msg: Buffer) => void,
    private readonly onClose: (why: NsError) => void,
    maxMessage = 1 << 20,
  ) {
    this.maxMessage = maxMessage;
    stream.on('data', (b: Buffer) => this.push(b));
    stream.on('end', () => this.close(new NsError(Ehungup)));
    stream.on('close', () => this.close(new NsError(Ehungup)));
    stream.on('error', () => this.close(new NsError(Ehungup)));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private push(b: Buffer): void {
    if (this.closed) return;
    this.chunks.push(b);
    this.have += b.length;
    this.parse();
  }

  /** Hand on whole messages while reading is on: a paused owner gets no more, even from a chunk already here. */
  private parse(): void {
    if (this.parsing) return;
    this.parsing = true;
    try {
      while (!this.closed && this.reading) {
        if (this.need === 0) {
          if (this.have < 4) return;
          const size = this.peek32();
          if (size < 7 || size > this.maxMessage) throw new P9Error(Ebotch);
          this.need = size;
        }
        if (this.have < this.need) return;
        const n = this.need;
        this.need = 0;
        if (this.onPieces && n >= PIECES_MIN && this.chunks[0]!.length < n && this.byteAt(4) === TWRITE) this.onPieces(this.pieces(n));
        else this.onMessage(this.take(n));
      }
    } catch (e) {
      this.close(e instanceof NsError ? e : new NsError(Ebotch));
    } finally {
      this.parsing = false;
    }
  }

  private peek32(): number {
    const c = this.chunks[0]!;
    if (c.length >= 4) return c.readUInt32LE(0);
    const b = Buffer.alloc(4);
    let o = 0;
    for (const ch of this.chunks) {
      o += ch.copy(b, o, 0, Math.min(ch.length, 4 - o));
      if (o === 4) break;
    }
    return b.readUInt32LE(0);
  }

  private byteAt(i: number): number {
    for (const c of this.chunks) {
      if (i < c.length) return c[i]!;
      i -= c.length;
    }
    return -1;
  }

  /** The next n bytes as views of the chunks they lie in. */
  private pieces(n: number): Buffer[] {
    this.have -= n;
    const out: Buffer[] = [];
    while (n > 0) {
      const c = this.chunks[0]!;
      if (c.length <= n) {
        out.push(c);
        this.chunks.shift();
        n -= c.length;
      } else {
        out.push(c.subarray(0, n));
        this.chunks[0] = c.subarray(n);
        n = 0;
      }
    }
    return out;
  }

  private take(n: number): Buffer {
    this.have -= n;
    const c = this.chunks[0]!;
    if (c.length >= n) {
      if (c.length === n) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
      return c.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let o = 0;
    while (o < n) {
      const ch = this.chunks[0]!;
      const k = Math.min(ch.length, n - o);
      ch.copy(out, o, 0, k);
      o += k;
      if (k === ch.length) this.chunks.shift();
      else this.chunks[0] = ch.subarray(k);
    }
    return out;
  }

  /** Write one message's parts; written (if given) runs when they have gone to the stream. */
  send(parts: Buffer[], written?: () => void): void {
    if (this.closed) return;
    const s = this.stream;
    // Messages sent in one turn of the event loop go out together, in one writev.
    if (!this.corked) {
      this.corked = true;
      s.cork();
      process.nextTick(this.uncork);
    }
    for (let i = 0; i < parts.length; i++) s.write(parts[i], i === parts.length - 1 ? written : undefined);
  }

  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.stream.uncork();
  };

  /** Stop or restart reading: how a server bounds the requests it holds. */
  pause(): void {
    if (this.reading) this.stream.pause();
    this.reading = false;
  }

  resume(): void {
    if (this.reading || this.closed) return;
    this.reading = true;
    this.stream.resume();
    queueMicrotask(() => this.parse());
  }

  close(why: NsError = new NsError(Ehungup)): void {
    if (this.closed) return;
    this.closed = true;
    this.chunks = [];
    this.stream.destroy();
    this.onClose(why);
  }
}

export type DialAddr = { net: 'unix'; path: string } | { net: 'tcp'; host: string; port: number };

const SERVICES: Record<string, number> = { '9fs': 564, '9pfs': 564, styx: 6666, exportfs: 17007 };

/** Parse a dial string; throws `bad dial string`. */
export function parseDial(s: string): DialAddr {
  const f = s.split('!');
  if (f[0] === 'unix' && f.length === 2 && f[1]!.length > 0) return { net: 'unix', path: f[1]! };
  if ((f[0] === 'tcp' || f[0] === 'net') && (f.length === 2 || f.length === 3) && f[1]!.length > 0) {
    const svc = f[2] ?? '9fs';
    const port = SERVICES[svc] ?? (/^[0-9]+$/.test(svc) ? Number(svc) : NaN);
    if (!(port >= 0 && port < 65536)) throw new NsError(Ebaddial);
    return { net: 'tcp', host: f[1]!, port };
  }
  throw new NsError(Ebaddial);
}

/** Does this look like a dial string (as opposed to a file name)? */
export function isDialString(s: string): boolean {
  return /^(unix|tcp|net)!/.test(s);
}

/** Is host a loopback address (or name), where listening needs no authentication? */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';
}

/** Host errors as Plan 9 words. */
function netError(e: NodeJS.ErrnoException): NsError {
  switch (e.code) {
    case 'ECONNREFUSED':
      return new NsError('connection refused');
    case 'ENOENT':
      return new NsError('file does not exist');
    case 'EACCES':
      return new NsError('permission denied');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NsError('cs: can\'t translate address');
    case 'EADDRINUSE':
      return new NsError('address in use');
    case 'ETIMEDOUT':
      return new NsError(Etimedout);
    default:
      return new NsError(Ehungup);
  }
}

const READBUF = 1 << 20;
/** The least room a read is offered before a fresh buffer is taken. */
const MINREAD = 64 * 1024;

/** Does something answer on the Unix socket at path (a live post, not one left by a dead server)? */
export function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface DialOptions {
  /** Gives up the connect (`interrupted`). */
  interrupt?: AbortSignal;
  /** Gives up after this many ms (`connection timed out`); 0 or none: the system's own limit. */
  timeout?: number;
}

/** Connect to a dial string; interruptible and time-limited when asked. */
export async function dial(s: string | DialAddr, opts: DialOptions = {}): Promise<net.Socket> {
  const a = typeof s === 'string' ? parseDial(s) : s;
  const intr = opts.interrupt;
  if (intr?.aborted) throw new NsError(Eintr);
  return new Promise((resolve, reject) => {
    // Each read gets a fresh buffer (up to READBUF a system call instead of 64 KiB), and
    // what came is handed on as a view of it: no copy. A small read leaves most of its
    // buffer for the next one, so little memory is held for nothing.
    let buf = Buffer.allocUnsafeSlow(READBUF);
    let used = 0;
    const onread = {
      buffer: (): Uint8Array => {
        if (READBUF - used < MINREAD) {
          buf = Buffer.allocUnsafeSlow(READBUF);
          used = 0;
        }
        return buf.subarray(used);
      },
      callback: (n: number, b: Uint8Array): boolean => {
        const chunk = Buffer.from(b.buffer, b.byteOffset, n);
        used += n;
        sock.emit('data', chunk);
        return true;
      },
    };
    const sock: net.Socket = a.net === 'unix' ? net.connect({ path: a.path, onread }) : net.connect({ host: a.host, port: a.port, onread });
    let timer: NodeJS.Timeout | undefined;
    const settle = (): void => {
      if (timer) clearTimeout(timer);
      intr?.removeEventListener('abort', onAbort);
      sock.off('error', fail);
    };
    const giveUp = (why: string): void => {
      settle();
      sock.on('error', () => {});
      sock.destroy();
      reject(new NsError(why));
    };
    const onAbort = (): void => giveUp(Eintr);
    const fail = (e: NodeJS.ErrnoException): void => {
      settle();
      reject(netError(e));
    };
    sock.once('error', fail);
    intr?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeout) timer = setTimeout(() => giveUp(Etimedout), opts.timeout);
    sock.once('connect', () => {
      settle();
      if (a.net === 'tcp') sock.setNoDelay(true);
      resolve(sock);
    });
  });
}

/** Listen on a dial string; resolves when listening. */
export async function announce(s: string | DialAddr, onConn: (sock: net.Socket) => void): Promise<net.Server> {
  const a = typeof s === 'string' ? parseDial(s) : s;
  return new Promise((resolve, reject) => {
    const srv = net.createServer((sock) => {
      if (a.net === 'tcp') sock.setNoDelay(true);
      onConn(sock);
    });
    srv.once('error', (e) => reject(netError(e)));
    const done = (): void => resolve(srv);
    if (a.net === 'unix') srv.listen(a.path, done);
    else srv.listen(a.port, a.host === '*' ? undefined : a.host, done);
  });
}

/**
 * A stream made of a read function and a write function: how a 9P server speaks on a
 * process's fd 0 and 1 (exportfs), whatever those are — a pipe, a terminal, a socket.
 */
export function duplexOf(read: () => Promise<Buffer>, write: (b: Buffer) => Promise<unknown>, onEnd?: () => void): Duplex {
  let pumping = false;
  const d: Duplex = new Duplex({
    read() {
      if (pumping) return;
      pumping = true;
      void (async () => {
        try {
          for (;;) {
            const b = await read();
            if (b.length === 0) {
              d.push(null);
              return;
            }
            if (!d.push(b)) break;
          }
        } catch {
          d.push(null);
        } finally {
          pumping = false;
        }
      })();
    },
    write(chunk: Buffer, _enc, cb) {
      write(chunk).then(() => cb(), () => cb(new Error(Ehungup)));
    },
    final(cb) {
      onEnd?.();
      cb();
    },
  });
  return d;
}
