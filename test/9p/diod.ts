/*
 * Start Debian's diod for a test: loopback only, a free port, no authentication, one
 * exported directory, in the foreground. Missing or failing diod is a loud failure (the
 * CI script installs it), never a skip.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const DIOD = '/usr/sbin/diod';

export interface Diod {
  port: number;
  dir: string;
  addr: string;
  proc: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** diod's flags for this user: as root, attaches map to root (-S -U root); otherwise diod squashes to us. */
export function diodArgs(port: number, dir: string): string[] {
  const args = [...(process.env.DIOD_DEBUG ? ['-d', '1'] : []), '-f', '-n', '-l', `127.0.0.1:${port}`, '-e', dir, '-L', 'stderr', '-t', '4'];
  if (process.getuid?.() === 0) args.push('-S', '-U', 'root');
  else args.push('-S', '-U', os.userInfo().username);
  return args;
}

export async function startDiod(dir?: string): Promise<Diod> {
  if (!fs.existsSync(DIOD)) throw new Error(`${DIOD} is not installed: .ci/run installs Debian's diod (apt-get install diod)`);
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ants-diod-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const proc = spawn(DIOD, diodArgs(port, d), { stdio: ['ignore', 'ignore', 'pipe'], cwd: os.tmpdir() });
    let err = '';
    proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    let exited = false;
    proc.once('exit', () => (exited = true));
    for (let i = 0; i < 200 && !exited; i++) {
      if (await canConnect(port)) {
        return {
          port, dir: d, addr: `tcp!127.0.0.1!${port}`, proc, log: () => err,
          stop: () => new Promise((resolve) => {
            if (exited) return resolve();
            proc.once('exit', () => resolve());
            proc.kill('SIGTERM');
          }),
        };
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    proc.kill('SIGKILL');
    if (!/address already in use/i.test(err)) throw new Error(`diod did not start: ${err || 'no output'}`);
  }
  throw new Error('diod did not start: no free port');
}
