/*
 * Starting a headless ants-rc on demand, the tmux pattern shared by the /net daemon
 * (net/netd.ts) and hub hosts (shell/hubd.ts): whoever takes the start lock spawns
 * `node bin/ants-rc.js --ROLE …` detached, its stdio closed, so it outlives the session
 * that started it; the others wait for its socket to answer. The daemon drops the lock
 * once it listens. The lock is a directory beside the socket (mkdir is atomic); one older
 * than a few seconds is a starter that died, and is taken over.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

/** bin/ants-rc.js, found upward from this module (source, dist/, or the bundle). */
export function antsBin(): string | undefined {
  let d = nodePath.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = nodePath.join(d, 'bin', 'ants-rc.js');
    if (fs.existsSync(p)) return p;
    d = nodePath.dirname(d);
  }
  return undefined;
}

/** Spawn ants-rc with args, detached; its pid, or undefined when the program cannot be found. */
export function spawnDetached(args: string[], env: NodeJS.ProcessEnv = process.env): number | undefined {
  const bin = antsBin();
  if (!bin) return undefined;
  const child = spawn(process.execPath, [bin, ...args], { detached: true, stdio: 'ignore', cwd: '/', env });
  child.on('error', () => {});
  child.unref();
  return child.pid;
}

/** Take the start lock `lock` in dir: true when this caller is the one to start the daemon. */
export function takeLock(dir: string, lock: string): boolean {
  const path = nodePath.join(dir, lock);
  for (let i = 0; i < 2; i++) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.mkdirSync(path, { mode: 0o700 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    try {
      if (Date.now() - fs.statSync(path).mtimeMs < 5000) return false;
      fs.rmdirSync(path);
    } catch {
      /* gone meanwhile: try again */
    }
  }
  return false;
}

export function dropLock(dir: string, lock: string): void {
  fs.rmSync(nodePath.join(dir, lock), { recursive: true, force: true });
}

/** Whether a process of this pid is alive (ours to signal). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
