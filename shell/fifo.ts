/*
 * <{cmd} and >{cmd}: a name another program can open, joined by a pipe to cmd.
 *
 * The name is a fifo in a private directory (a /dev/fd/N name would need an anonymous
 * pipe, which Node cannot make; a reopened fifo blocks where a pipe would not). cmd starts
 * once the other side has opened the name, with the fifo as a real descriptor, so host
 * programs read or write it directly. If the command using the name ends before the
 * open completed (it never opened the name, or we have not heard yet), cleanup opens the
 * far side itself, which releases the waiting open; cmd then runs against that
 * briefly-open far side and sees end of file (or a closed pipe). The name is removed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HostChan } from '../ns/hostvfs.js';
import { RcError } from './proc.js';

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

export interface Fifo {
  path: string;
  /** Resolves with cmd's end once the other side opened the name; null if opening failed. */
  opened: Promise<HostChan | null>;
  cleanup: () => void;
}

/** dir '<': cmd writes the fifo; '>': cmd reads it. */
export async function makeFifo(dir0: '<' | '>'): Promise<Fifo> {
  const name = path.join(fifoDir(), `fifo.${process.pid}.${seq++}`);
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('mkfifo', ['-m', '600', name]);
  if (r.status !== 0) throw new RcError(`can't make pipe: ${r.stderr?.toString().trim() || 'mkfifo failed'}`);
  let settled = false;
  const opened = new Promise<HostChan | null>((res) =>
    fs.open(name, dir0 === '<' ? 'w' : 'r', (e, fd) => {
      settled = true;
      res(e ? null : new HostChan(fd, name, true, false));
    }),
  );
  const cleanup = () => {
    if (!settled) {
      const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;
      // The waiting open may not have reached the kernel yet (a write-side open then
      // fails with ENXIO): try again until it has.
      const release = (tries: number) =>
        fs.open(name, (dir0 === '<' ? O_RDONLY : O_WRONLY) | O_NONBLOCK, (e, fd) => {
          if (!e) void opened.then(() => fs.close(fd, () => {}));
          else if (!settled && tries > 0) setTimeout(() => release(tries - 1), 5);
        });
      release(400);
    }
    void opened.then(() => fs.unlink(name, () => {}));
  };
  return { path: name, opened, cleanup };
}
