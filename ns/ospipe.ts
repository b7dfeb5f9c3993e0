/*
 * Real host pipes, for handing an in-process pipe's read end to a host program.
 *
 * A host program reading a pipe takes only what it reads; what it leaves belongs to the
 * next reader. Pumping an in-process pipe into a program's stdin would lose what the
 * program never read, so the program gets a real pipe instead and the shell keeps
 * non-blocking descriptors of its own on the same pipe: it feeds the pipe, and when the
 * program ends, reads back whatever is still in it.
 *
 * Node has no pipe(2); a fifo opened several times is the same pipe. Fifos are made in
 * batches by one mkfifo run and unlinked as soon as they are opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface HostPipe {
  /** Blocking read end, for the program (close the shell's copy after spawning). */
  child: number;
  /** The shell's non-blocking write end. */
  w: number;
  /** The shell's non-blocking read end, for taking back what the program left. */
  r: number;
}

let dir: string | undefined;
let pool: string[] = [];
let seq = 0;

async function fifoName(): Promise<string> {
  if (pool.length === 0) {
    if (!dir) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-rc-pipe-'));
      const d = dir;
      process.once('exit', () => fs.rmSync(d, { recursive: true, force: true }));
    }
    const names = Array.from({ length: 16 }, () => path.join(dir!, `p${seq++}`));
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('mkfifo', ['-m', '600', ...names]);
    if (r.status !== 0) throw new Error(`mkfifo: ${r.stderr?.toString().trim()}`);
    pool = names;
  }
  return pool.pop()!;
}

export async function hostPipe(): Promise<HostPipe> {
  const name = await fifoName();
  const { O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK } = fs.constants;
  const keep = fs.openSync(name, O_RDWR | O_NONBLOCK);
  try {
    const child = fs.openSync(name, O_RDONLY);
    const w = fs.openSync(name, O_WRONLY | O_NONBLOCK);
    const r = fs.openSync(name, O_RDONLY | O_NONBLOCK);
    return { child, w, r };
  } finally {
    fs.closeSync(keep);
    fs.unlinkSync(name);
  }
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Write all of b to a non-blocking pipe descriptor, waiting while it is full; false if stop() turned true. */
export async function writeAll(fd: number, b: Buffer, stop: () => boolean): Promise<number> {
  let done = 0;
  let wait = 1;
  while (done < b.length) {
    if (stop()) return done;
    try {
      done += fs.writeSync(fd, b, done, b.length - done);
      wait = 1;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN') return done;
      await sleep(wait);
      wait = Math.min(wait * 2, 16);
    }
  }
  return done;
}

/** Everything left in a pipe whose writers are all closed. */
export function drain(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(65536);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch {
      break;
    }
    if (n <= 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

export function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    /* already closed */
  }
}
