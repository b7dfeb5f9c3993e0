/*
 * The terminal's input, read in-process: what `cat`, `read` and /dev/cons see when
 * standard input is the terminal and no host program has it.
 *
 * A blocking read(2) of the terminal in a libuv pool thread cannot be taken back: an
 * interrupted `cat` would leave it pending, and it would eat the next line typed at the
 * prompt. So the terminal is read here through a tty stream of our own (libuv reads it
 * without blocking, from the event loop), only while an in-process reader waits: the
 * terminal stays in cooked mode, so the kernel echoes, edits lines and turns ^C and ^\
 * into SIGINT and SIGQUIT as it does for any program; when nobody waits the descriptor is
 * not read at all, so host programs and the line editor get the keystrokes. Bytes read
 * beyond what a reader asked for stay queued for the next reader (take()); a reader that
 * gives up (its signal aborts) consumes nothing. ^D on an empty line ends the stream
 * (libuv calls it end of file): the reader gets end of file and the next read opens a
 * fresh stream on the same terminal.
 */
import * as tty from 'node:tty';
import { Eintr } from './errors.js';
import { NsError } from './types.js';

interface Waiter {
  n: number;
  res: (b: Buffer) => void;
}

class TtyIn {
  /** Bytes read and not yet taken. */
  private queue: Buffer[] = [];
  /** End of file seen and not yet given to a reader. */
  private eof = false;
  private waiter?: Waiter;
  private stream?: tty.ReadStream;

  /** Read up to n bytes of the terminal's input; empty at end of file (^D on an empty line). */
  read(n: number, signal?: AbortSignal): Promise<Buffer> {
    if (this.ahead !== '') {
      process.stdout.write(this.ahead.replace(/\r/g, '\r\n'));
      this.queue.unshift(Buffer.from(this.ahead.replace(/\r/g, '\n')));
      this.ahead = '';
    }
    const ready = this.takeQueued(n);
    if (ready) return Promise.resolve(ready);
    if (signal?.aborted) return Promise.reject(new NsError(Eintr));
    return new Promise<Buffer>((res, rej) => {
      const abort = () => {
        if (this.waiter !== w) return;
        this.waiter = undefined;
        this.pause();
        rej(new NsError(Eintr));
      };
      const w: Waiter = {
        n,
        res: (b) => {
          signal?.removeEventListener('abort', abort);
          res(b);
        },
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiter = w;
      this.resume();
    });
  }

  /** Input typed ahead that no in-process reader took: the line editor's when it takes the terminal. */
  take(): string {
    const s = this.ahead + Buffer.concat(this.queue).toString('utf8');
    this.queue = [];
    this.ahead = '';
    return s;
  }

  /**
   * Keys the line editor read ahead (typed after Enter, before the command started) and
   * hands back: the command's input if it reads the terminal. Nobody echoed them yet.
   */
  give(s: string): void {
    this.ahead += s;
  }

  /**
   * The raw mode a program asked for on /dev/consctl (cons(3): no echo, no line editing,
   * each key as it is typed), set on the terminal while no line editor holds it: the
   * editor keeps the terminal raw and gives it back cooked, whatever consctl said.
   */
  setRaw(on: boolean): void {
    this.raw = on;
    if (!this.editing) this.applyRaw(on);
  }

  /** The line editor holds the terminal (it sets the mode itself), or let it go. */
  edit(on: boolean): void {
    this.editing = on;
  }

  /** Whether a consctl holds the terminal raw (for tests and the status of the console). */
  get isRaw(): boolean {
    return this.raw;
  }

  private raw = false;
  private editing = false;
  private modes?: tty.ReadStream;

  private applyRaw(on: boolean): void {
    if (!tty.isatty(0)) return;
    try {
      // A stream of its own that never reads: only its handle's mode is wanted.
      (this.modes ??= new tty.ReadStream(0)).setRawMode(on);
    } catch {
      /* not a terminal after all */
    }
  }

  /** Keys handed back by the editor, not yet echoed: echoed and queued once a reader comes. */
  private ahead = '';

  private takeQueued(n: number): Buffer | undefined {
    if (this.queue.length > 0) {
      const c = this.queue[0]!;
      if (c.length <= n) {
        this.queue.shift();
        return c;
      }
      this.queue[0] = c.subarray(n);
      return c.subarray(0, n);
    }
    if (this.eof) {
      this.eof = false;
      return Buffer.alloc(0);
    }
    return undefined;
  }

  private deliver(): void {
    const w = this.waiter;
    if (!w) return;
    const b = this.takeQueued(w.n);
    if (!b) return;
    this.waiter = undefined;
    this.pause();
    w.res(b);
  }

  private resume(): void {
    if (!this.stream) {
      const s = new tty.ReadStream(0);
      s.on('data', (b: Buffer | string) => {
        this.queue.push(typeof b === 'string' ? Buffer.from(b) : b);
        this.deliver();
      });
      s.on('end', () => {
        // ^D on an empty line: end of file for one reader; the next read opens a new stream.
        this.eof = true;
        if (this.stream === s) this.stream = undefined;
        s.destroy();
        this.deliver();
      });
      s.on('error', () => {
        this.eof = true;
        if (this.stream === s) this.stream = undefined;
        this.deliver();
      });
      this.stream = s;
    }
    this.stream.resume();
  }

  /** Stop reading the terminal: keys stay in the kernel for whoever reads next. */
  private pause(): void {
    const s = this.stream as (tty.ReadStream & { _handle?: { reading: boolean; readStop(): number }; _readableState?: { reading: boolean } }) | undefined;
    if (!s) return;
    s.pause();
    const h = s._handle;
    if (h?.reading) {
      h.reading = false;
      h.readStop();
      if (s._readableState) s._readableState.reading = false;
    }
  }
}

/** The one terminal input of this program. */
export const ttyIn = new TtyIn();
