/*
 * Running host programs: finding a command along $path (through the Vfs), and spawning it
 * with its stdio wired to the proc's fd table. A chan backed by a host descriptor (a file,
 * the terminal) is handed to the program as that descriptor, so a foreground program on a
 * terminal owns the terminal; any other chan (an in-process pipe) is pumped through a
 * Node pipe with backpressure both ways.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Chan } from '../ns/vfs.js';
import { resolvePath } from '../ns/vfs.js';
import { DMDIR, type Where } from '../ns/types.js';
import { closeQuietly, drain, hostPipe, type HostPipe, writeAll } from '../ns/ospipe.js';
import type { Proc } from './proc.js';
import { printCmd } from './print.js';
import { Enothost, hostCwd, leaveDir, placeArgs, privateDir, serverName } from './hostpolicy.js';

// child_process (and the net stack under it) loads only when a host program first runs.
let cp: Promise<typeof import('node:child_process')> | undefined;

/** Where $path finds name, or undefined. */
export async function findCommand(p: Proc, name: string): Promise<string | undefined> {
  return (await lookCommand(p, name))?.path;
}

/** findCommand, with the device the file lives on (`b` for a command built into ants-rc). */
export async function lookCommand(p: Proc, name: string): Promise<{ path: string; dev: number } | undefined> {
  // As rc's searchpath: only /, #, ./ and ../ names are taken as they are; `ip/ipconfig`
  // is looked for along $path like any other name.
  const direct = name.startsWith('/') || name.startsWith('#') || name.startsWith('./') || name.startsWith('../');
  const dirs = direct ? [''] : p.get('path');
  for (const d of dirs) {
    const path = resolvePath(p.cwd, d === '' ? name : d + '/' + name);
    try {
      const st = await p.vfs.stat(path);
      if ((st.mode & DMDIR) === 0 && (st.mode & 0o111) !== 0) return { path, dev: st.type };
      if (direct) return { path, dev: st.type };
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/**
 * The environment a host program sees, as plan9port rc makes it: every variable, lists
 * joined with ctl-A, and every function as fn#name={body}, so an rc it runs has them too.
 */
export function hostEnv(p: Proc): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of p.vars) {
    if (k === '*' || v.v.length === 0 || k.includes('=')) continue;
    env[k] = v.v.join('\x01');
  }
  for (const [name, fn] of p.fns) {
    if (!name.includes('=')) env['fn#' + name] = '{' + printCmd(fn.body) + '}\n';
  }
  // On a namespace, $path names namespace directories (/bin is a union): the program's
  // PATH is the host directories behind them, in order.
  const hostPaths = p.vfs.hostPaths?.bind(p.vfs);
  if (hostPaths) {
    const dirs: string[] = [];
    for (const d of p.get('path')) {
      if (d === '' || d === '.') dirs.push('.');
      else for (const h of hostPaths(resolvePath(p.cwd, d))) if (!dirs.includes(h)) dirs.push(h);
    }
    env.PATH = dirs.join(':');
  }
  return env;
}

/** A program ended by a signal: an interrupt gives the word an in-process command's gives. */
function signalStatus(sig: string): string {
  return sig === 'SIGINT' ? 'interrupted' : sig.replace(/^SIG/, '').toLowerCase();
}

/**
 * Run a host program to completion; resolves to its rc status. Its arguments and working
 * directory are placed on the host first (shell/hostpolicy.ts), or it is refused.
 */
export async function runHost(p: Proc, path: string, argv: string[]): Promise<string> {
  const prog = argv[0]!.split('/').pop() || argv[0]!;
  let host = p.vfs.hostPath(path);
  let where: Where | undefined;
  if (host === undefined && p.vfs.where) {
    where = await p.vfs.where(path).catch(() => undefined);
    host = where?.hosts[0];
  }
  if (host === undefined) {
    if (where?.server !== undefined) {
      await p.err(`${prog}: ${path} is served by ${serverName(p, where)}, not by this host`);
      return Enothost;
    }
    await p.err(`${argv[0]}: not a host program`);
    return 'not a host program';
  }
  let cwd = await hostCwd(p);
  let scratch: string | undefined;
  if (cwd === undefined) {
    try {
      cwd = scratch = privateDir(prog);
    } catch (e) {
      await p.err(`${prog}: can't make a private directory: ${(e as Error).message}`);
      return Enothost;
    }
  }
  try {
    const placed = await placeArgs(p, argv, cwd);
    if ('refused' in placed) {
      await p.err(placed.refused);
      return Enothost;
    }
    return await spawnHost(p, host, placed.argv, cwd);
  } finally {
    const left = scratch === undefined ? undefined : leaveDir(prog, scratch);
    if (left) await p.err(left);
  }
}

async function spawnHost(p: Proc, host: string, argv: string[], cwd: string): Promise<string> {
  const max = Math.max(2, p.fds.max());
  const stdio: ('pipe' | 'ignore' | number)[] = [];
  const piped: { fd: number; chan: Chan }[] = [];
  let feed: { pipe: HostPipe; chan: Chan } | undefined;
  for (let fd = 0; fd <= max; fd++) {
    const c = p.fds.get(fd);
    if (!c) stdio.push('ignore');
    else if (c.hostFd !== undefined) stdio.push(c.hostFd);
    else if (fd === 0 && c.unread && c.ready) {
      feed = { pipe: await hostPipe(), chan: c };
      stdio.push(feed.pipe.child);
    } else if (fd <= 2) {
      stdio.push('pipe');
      piped.push({ fd, chan: c });
    } else stdio.push('ignore');
  }
  const { spawn } = await (cp ??= import('node:child_process'));
  let child: ChildProcess;
  const pumps: Promise<void>[] = [];
  try {
    child = spawn(host, argv.slice(1), { argv0: argv[0], cwd, env: hostEnv(p), stdio });
  } catch (e) {
    if (feed) for (const fd of [feed.pipe.child, feed.pipe.w, feed.pipe.r]) closeQuietly(fd);
    await p.err(`${argv[0]}: ${(e as Error).message}`);
    return '1';
  }
  const exited = new Promise<void>((res) => child.once('exit', () => res()).once('error', () => res()));
  if (feed) {
    closeQuietly(feed.pipe.child);
    pumps.push(feedPipe(feed.pipe, feed.chan, exited));
  }
  const kid = { kill: (sig?: NodeJS.Signals) => child.kill(sig) };
  const group = p.ng;
  group.hosts.add(kid);
  // On a kernel the program is a process of its own (ps, /proc/N): a note to it signals it.
  const kp = p.k && p.m.kernel?.fork(p.k, argv);
  if (kp && child.pid !== undefined) kp.hostPid = child.pid;
  if (kp) kp.onNote = (note) => void child.kill(note === 'interrupt' ? 'SIGINT' : note.includes('hangup') ? 'SIGHUP' : 'SIGTERM');
  const onKill = () => p.m.leaving || child.kill('SIGTERM');
  if (p.k) p.killSignal.addEventListener('abort', onKill, { once: true });
  // An interrupt that came between the check point and the spawn is for this program.
  if (p.signal.aborted && !p.killed) child.kill('SIGINT');
  for (const { fd, chan } of piped) {
    const s = child.stdio[fd];
    if (!s) continue;
    if (fd === 0) pumps.push(pumpIn(chan, s as Writable, child));
    else pumps.push(pumpOut(s as Readable, chan));
  }
  const status = await new Promise<string>((res) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      const msg = e.code === 'ENOENT' ? 'No such file or directory' : e.code === 'EACCES' ? 'Permission denied' : e.message;
      void p.err(`${argv[0]}: ${msg}`).then(() => res('1'));
    });
    child.once('exit', (code, sig) => res(sig ? signalStatus(sig) : code === 0 ? '' : String(code)));
  });
  await Promise.all(pumps);
  group.hosts.delete(kid);
  kp?.exit(status, true);
  if (p.k) p.killSignal.removeEventListener('abort', onKill);
  // A signal sent while the program ran (kill -INT $pid) is delivered before we go on.
  await new Promise((res) => setTimeout(res, 0));
  return status;
}

/**
 * Feed an in-process pipe to a program through a real pipe, and when the program ends,
 * give back to the in-process pipe what it did not read (see ns/ospipe.ts).
 */
async function feedPipe(pipe: HostPipe, chan: Chan, exited: Promise<void>): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  let tail: Buffer | undefined;
  while (!done) {
    await Promise.race([chan.ready!(), exited]);
    if (done) break;
    const b = await chan.read(65536);
    if (b.length === 0) break;
    const n = await writeAll(pipe.w, b, () => done);
    if (n < b.length) {
      tail = b.subarray(n);
      break;
    }
  }
  closeQuietly(pipe.w);
  await exited;
  const left = drain(pipe.r);
  closeQuietly(pipe.r);
  if (tail) chan.unread!(tail);
  chan.unread!(left);
}

/** Feed a chan into the program's stdin until the chan ends or the program stops reading. */
async function pumpIn(chan: Chan, w: Writable, child: ChildProcess): Promise<void> {
  let gone = false;
  w.on('error', () => {
    gone = true;
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  try {
    while (!gone) {
      const b = await Promise.race([chan.read(65536), exited.then(() => null)]);
      if (b === null || b.length === 0) break;
      if (!w.write(b)) await Promise.race([new Promise((r) => w.once('drain', r)), exited]);
    }
  } catch {
    /* reading failed: end the program's input */
  }
  w.end();
}

/** Copy the program's output into a chan, pausing it while the chan is full. */
function pumpOut(r: Readable, chan: Chan): Promise<void> {
  return new Promise((res) => {
    let pending = Promise.resolve();
    r.on('data', (b: Buffer) => {
      r.pause();
      pending = chan.write(b).then(
        () => {
          r.resume();
        },
        () => {
          r.destroy();
        },
      );
    });
    r.once('close', () => void pending.then(res));
    r.once('error', () => void pending.then(res));
  });
}
