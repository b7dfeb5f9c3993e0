/*
 * Host programs see only host files, and must never silently read or write the wrong one
 * (after rerootwin, `/` may be served by another process or machine, where no host path
 * reaches). Before a host program runs, each of its arguments that names a file of the
 * namespace is looked up (Vfs.where):
 *  - a host file is given to the program by its host path: as typed when the host would
 *    find the same file by it, else its host path (`/mnt/term/home/u/x` is `/home/u/x`);
 *  - a file a server serves (or, for an argument with a `/` in it, a file that does not
 *    exist yet in a directory a server serves) refuses the program, with one line naming
 *    the server, and the status `not on this host`;
 *  - a kernel device's file (/dev/null, /env/x) is left as typed: the host has its own.
 * Options (`-x`) are left alone, but for the absolute path after `=` in `--file=/x` or
 * `of=/x`; words naming nothing are left alone, and a bare word naming nothing is
 * not refused even in a served directory, since the program may mean no file by it
 * (`date +%s`, `ssh host`): what it creates lands in its private directory, kept below.
 *
 * The program's working directory is the host directory behind the cwd (a union's first
 * host member). When the cwd has none, it runs in an empty private directory, never the
 * host's `/`; if it leaves files there the directory is kept and the user told where.
 */
import { mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Where } from '../ns/types.js';
import { cleanname, resolvePath } from '../ns/vfs.js';
import type { Proc } from './proc.js';

export const Enothost = 'not on this host';

/** Where a namespace path lives, or undefined when it does not exist. */
export async function whereIs(p: Proc, path: string): Promise<Where | undefined> {
  const host = p.vfs.hostPath(path);
  if (host !== undefined) return { hosts: [host] };
  if (!p.vfs.where) return undefined;
  try {
    return await p.vfs.where(path);
  } catch {
    return undefined;
  }
}

/**
 * A server as the user knows it: for the root after rerootwin, $rootsrc as it was typed
 * (a dialed root is posted under a name of rerootwin's); else its /srv name (mounted as
 * `#s/name` or `/srv/name`), or the dial string.
 */
export function serverName(p: Proc, at: Where): string {
  const rootsrc = p.get('rootsrc')[0];
  if (at.mtpt === '/' && rootsrc) return rootsrc;
  const srv = at.server ?? '#M';
  const m = /^(?:#s|\/srv)\/([^/]+)$/.exec(srv);
  return m ? m[1]! : srv;
}

/** The host path of the directory a program run in p's cwd starts in, if the cwd has one. */
export async function hostCwd(p: Proc): Promise<string | undefined> {
  return (await whereIs(p, p.cwd))?.hosts[0];
}

export type Placed = { argv: string[] } | { refused: string };

/** argv with each argument naming a host file given by its host path; or the line refusing the program. */
export async function placeArgs(p: Proc, argv: string[], cwd: string): Promise<Placed> {
  const prog = argv[0]!.split('/').pop() || argv[0]!;
  const out = [argv[0]!];
  // In a host directory nothing is mounted under, a relative name is that directory's file.
  const tree = p.vfs.hostTree?.(p.cwd);
  const inTree = (w: string): boolean => tree !== undefined && tree === cwd && !w.startsWith('/') && !w.startsWith('#') && !w.split('/').includes('..');
  for (const arg of argv.slice(1)) {
    // `--file=/n/x/f`, `of=/n/x/f`: the path after the `=`, when it is absolute.
    const kv = /^(-{0,2}[A-Za-z0-9_.-]+=)([/#].*)$/.exec(arg);
    if (arg === '' || arg.includes('\0') || (arg.startsWith('-') && !kv) || (!kv && inTree(arg))) {
      out.push(arg);
      continue;
    }
    const [pre, word] = kv ? [kv[1]!, kv[2]!] : ['', arg];
    const placed = await placeOne(p, word, cwd);
    if (typeof placed !== 'string') return { refused: `${prog}: ${placed.path} is served by ${serverName(p, placed.at)}, not by this host` };
    out.push(pre + placed);
  }
  return { argv: out };
}

/** One word as the program is to get it, or the served file that refuses the program. */
async function placeOne(p: Proc, word: string, cwd: string): Promise<string | { path: string; at: Where }> {
  const path = resolvePath(p.cwd, word);
  let at = await whereIs(p, path);
  let tail = '';
  if (!at && word.includes('/') && path !== '/') {
    const slash = path.lastIndexOf('/');
    at = await whereIs(p, slash <= 0 ? '/' : path.slice(0, slash));
    tail = path.slice(slash + 1);
  }
  if (!at) return word;
  if (at.hosts.length > 0) {
    const host = tail === '' ? at.hosts : at.hosts.map((h) => cleanname(h + '/' + tail));
    const asTyped = cleanname(word.startsWith('/') ? word : cwd + '/' + word);
    return host.includes(asTyped) ? word : host[0]!;
  }
  return at.server !== undefined ? { path, at } : word;
}

/** An empty private directory for a program whose cwd is not on the host. */
export function privateDir(prog: string): string {
  return mkdtempSync(join(tmpdir(), `ants-${prog.replace(/[^A-Za-z0-9._-]/g, '_')}-`));
}

/** After the program: the directory removed if it left nothing, else the line saying where its files are. */
export function leaveDir(prog: string, dir: string): string | undefined {
  try {
    if (readdirSync(dir).length === 0) {
      rmdirSync(dir);
      return undefined;
    }
  } catch {
    return undefined;
  }
  return `${prog}: files it made are in ${dir}`;
}
