/*
 * The seam between the shell and the file system.
 *
 * Every path the shell touches — redirections, globbing, cd, `.`, $path lookup, every
 * command's file access — goes through a Vfs. Paths given to it are absolute and cleaned
 * (the shell joins them with its cwd). A Vfs hands back Chans: open files with their own
 * offset, as a Plan 9 channel has. The namespace (ns/namespace.ts) is the real Vfs; the
 * host-backed one in ns/hostvfs.ts is what a process uses before it has a namespace.
 */
import type { Dir, Signal, Where } from './types.js';

/** Open-mode bit for rc's >>: the chan writes at the end of the file (Plan 9 rc seeks there). */
export const OAPPEND = 0x100;

export interface Chan {
  /**
   * Read up to count bytes at the chan's offset; an empty Buffer is end of file. A chan
   * whose reads can wait for ever (a pipe, the terminal) gives up when signal aborts,
   * failing with `interrupted` and consuming nothing.
   */
  read(count: number, signal?: AbortSignal): Promise<Buffer>;
  /** Write all of data at the chan's offset (or at the end, for append files). */
  write(data: Buffer): Promise<number>;
  /** Release the chan. Closing twice is harmless. */
  close(): void;
  /** The host descriptor behind the chan, when there is one: given straight to host programs. */
  readonly hostFd?: number;
  /** The namespace path the chan was opened by, for /proc/N/fd and error messages. */
  readonly path: string;
  /** Put bytes back at the front, for the next read (pipes: what a host program left unread). */
  unread?(data: Buffer): void;
  /** Read or write at an explicit offset, leaving the chan's own alone (files on a server; not unions). */
  pread?(offset: number, count: number, signal?: Signal): Promise<Buffer>;
  pwrite?(offset: number, data: Buffer): Promise<number>;
  /** Resolves when a read would not wait (data or end of file), consuming nothing. */
  ready?(): Promise<void>;
}

export interface Vfs {
  /** Open an existing file with a Plan 9 open mode (OREAD, OWRITE|OTRUNC, …). */
  open(path: string, mode: number): Promise<Chan>;
  /** Create a file (truncating one that exists) and open it in mode. */
  create(path: string, mode: number, perm: number): Promise<Chan>;
  stat(path: string): Promise<Dir>;
  /** Directory entries in the order the directory (or union) yields them; duplicates kept. */
  readdir(path: string): Promise<Dir[]>;
  /** The host path behind path, when the host file system serves it (to exec programs, set their cwd). */
  hostPath(path: string): string | undefined;
  /** The host directories behind a directory: every host-backed member of a union, in order. */
  hostPaths?(path: string): string[];
  /** The host directory behind path when nothing is mounted below it on its device. */
  hostTree?(path: string): string | undefined;
  /** Where path's file lives (see Where), walking any server; fails as stat does when it is not there. */
  where?(path: string): Promise<Where>;
  /** Remove a file or an empty directory. */
  remove(path: string): Promise<void>;
  /** 9P wstat: change what dir sets (name renames within its directory, length truncates, mode, mtime). */
  wstat(path: string, dir: Partial<Dir>): Promise<void>;
}

/** Clean a path lexically as Plan 9's cleanname does: collapse //, ., and name/.. */
export function cleanname(path: string): string {
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  return rooted ? '/' + s : s === '' ? '.' : s;
}

/** Join a path to a directory the way the shell resolves a relative name. */
export function resolvePath(cwd: string, path: string): string {
  if (path.startsWith('#')) {
    // `#x` and its spec stay as written (`#/` is a device too); what follows is cleaned.
    const letter = String.fromCodePoint(path.codePointAt(1) ?? 0);
    const at = 1 + letter.length;
    const slash = path.indexOf('/', at);
    if (slash < 0) return path;
    const rest = cleanname(path.slice(slash));
    return path.slice(0, slash) + (rest === '/' ? '' : rest);
  }
  if (path.startsWith('/')) return cleanname(path);
  return cleanname(cwd + '/' + path);
}
