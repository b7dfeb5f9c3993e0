/*
 * A headless ants-rc: a process that outlives the terminal that started it, serving one
 * file server on a socket in the user's srv directory ($NAMESPACE), as the /net daemon
 * does (ns/net/netd.ts) — and, unlike it, with a kernel and an interpreter of its own, so
 * it can run shells (hub hosts now, machines later).
 *
 * The socket and its lifecycle (start lock, pid file, idle end) are netd's, in
 * ns/daemon.ts; this file adds the kernel and interpreter, and the daemon's signals.
 */
import { bootKernel } from './kboot.js';
import { AntsMachine } from './machine.js';
import { FdTable } from './proc.js';

/** $name as a positive number of milliseconds, else dflt. */
export function msFromEnv(name: string, dflt: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

/**
 * A kernel with no console (what is written to #c/cons is dropped, reads see end of
 * file), booted into the ordinary namespace, and an interpreter on it whose first
 * process runs nothing itself: the daemon's shells are forked from it.
 */
export async function bootHeadless(): Promise<AntsMachine> {
  const { kernel, kproc } = await bootKernel(process.env.ANTS_NET === 'local' ? 'local' : 'daemon', () => ({
    read: async () => Buffer.alloc(0),
    write: (b) => b.length,
  }));
  return new AntsMachine({
    vfs: kproc.ns,
    kernel,
    kproc,
    cwd: '/',
    fds: new FdTable(),
    env: kernel.srv.dir ? { ...process.env, NAMESPACE: kernel.srv.dir } : process.env,
    interactive: false,
    flags: new Set(),
  });
}

/** What a daemon does about the signals and faults that would end an ordinary ants-rc. */
export function daemonize(stop: () => void): void {
  // Whatever goes wrong in one client's requests or one shell must not end the others.
  process.on('uncaughtException', (e) => {
    if (process.env.ANTS_DEBUG) console.error(e);
  });
  process.on('unhandledRejection', (e) => {
    if (process.env.ANTS_DEBUG) console.error(e);
  });
  process.on('SIGHUP', () => {});
  process.on('SIGPIPE', () => {});
  process.on('SIGINT', () => {});
  process.on('SIGTERM', stop);
}
