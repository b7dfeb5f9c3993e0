/*
 * Host errors in Plan 9's words. node:fs reports errno codes; Plan 9 programs and users
 * expect the kernel's strings ('/x' does not exist, permission denied, …).
 */
import { existsSync } from 'node:fs';
import { NsError } from './types.js';

/** Plan 9 names the first element of a path that is missing, not the whole path. */
function firstMissing(path: string): string {
  if (!path.startsWith('/')) return path;
  const parts = path.split('/');
  for (let i = 2; i < parts.length; i++) {
    const pre = parts.slice(0, i).join('/');
    if (!existsSync(pre)) return pre;
  }
  return path;
}

export function hostError(e: unknown, path: string): NsError {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new NsError(`'${firstMissing(path)}' does not exist`);
    case 'EACCES':
    case 'EPERM':
      return new NsError('permission denied');
    case 'ENOTDIR':
      return new NsError('not a directory');
    case 'EISDIR':
      return new NsError('is a directory');
    case 'EEXIST':
      return new NsError(`'${path}' already exists`);
    case 'ENOTEMPTY':
      return new NsError('directory not empty');
    case 'EMFILE':
    case 'ENFILE':
      return new NsError('no free file descriptors');
    case 'ENOSPC':
      return new NsError('file system full');
    case 'EROFS':
      return new NsError('read-only file system');
    case 'ENXIO':
      return new NsError('no such device');
    case 'EPIPE':
      return new NsError('write on closed pipe');
    default:
      return new NsError(e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e));
  }
}
