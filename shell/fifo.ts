/*
 * <{cmd} and >{cmd} need a name another program can open. A named pipe in a private
 * directory is such a name for host programs; its far end is opened without blocking the
 * shell, and it is unlinked when the command that feeds or drains it ends. A host
 * program is not guaranteed to open the name, so cleanup also opens the pipe once
 * itself, which releases a writer still waiting for a reader.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HostChan } from '../ns/hostvfs.js';
import type { Chan } from '../ns/vfs.js';
import { RcError, type Proc } from './proc.js';

let dir: string | undefined;
let seq = 0;

function fifoDir(): string {
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-rc-fifo-'));
    const d = dir;
    process.once('exit', () => fs.rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

/** A fifo whose `side` end ('w' for <{}, 'r' for >{}) the command gets as chan. */
export async function fifoPair(_p: Proc, side: 'r' | 'w'): Promise<{ path: string; chan: Chan; cleanup: () => void }> {
  const name = path.join(fifoDir(), `fifo.${process.pid}.${seq++}`);
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('mkfifo', ['-m', '600', name]);
  if (r.status !== 0) throw new RcError(`can't make pipe: ${r.stderr?.toString().trim() || 'mkfifo failed'}`);
  // Opening a fifo waits for the other side; do it off the main thread and hand the
  // command a chan that waits for the open.
  const opened = new Promise<number>((res, rej) =>
    fs.open(name, side === 'w' ? 'w' : 'r', (e, fd) => (e ? rej(e) : res(fd))),
  );
  let real: HostChan | undefined;
  const chan: Chan = {
    path: name,
    read: async (n) => {
      real ??= new HostChan(await opened, name, true, false);
      return real.read(n);
    },
    write: async (b) => {
      real ??= new HostChan(await opened, name, true, false);
      return real.write(b);
    },
    close: () => {
      void opened.then(
        (fd) => (real ? real.close() : fs.close(fd, () => {})),
        () => {},
      );
    },
  };
  const cleanup = () => {
    // Release an open that never met its other side, then remove the name.
    fs.open(name, (side === 'w' ? fs.constants.O_RDONLY : fs.constants.O_RDWR) | fs.constants.O_NONBLOCK, (e, fd) => {
      if (!e) fs.close(fd, () => {});
      fs.unlink(name, () => {});
    });
  };
  return { path: name, chan, cleanup };
}
