/*
 * Host errors in Plan 9's words. node:fs reports errno codes; Plan 9 programs and users
 * expect the kernel's strings (ns/errors.ts). One table serves #U and the host Vfs.
 */
import { existsSync } from 'node:fs';
import {
  Ebadarg, Ebadfd, Eclosedpipe, Edoesnotexist, Eexist, Einuse, Eio, Eisdir, Enonexist, Enotdir, Enotempty, Eperm, Etoolong,
} from './errors.js';
import { NsError } from './types.js';

const ERRNO: Record<string, string> = {
  ENOENT: Enonexist,
  EACCES: Eperm,
  EPERM: Eperm,
  ENOTDIR: Enotdir,
  EISDIR: Eisdir,
  EEXIST: Eexist,
  ENOTEMPTY: Enotempty,
  ENAMETOOLONG: Etoolong,
  EBUSY: Einuse,
  EBADF: Ebadfd,
  EINVAL: Ebadarg,
  EPIPE: Eclosedpipe,
  ELOOP: 'too many levels of symbolic links',
  EROFS: 'read-only file system',
  ENOSPC: 'file system full',
  EXDEV: 'cross-device rename',
  EMFILE: 'no free file descriptors',
  ENFILE: 'no free file descriptors',
  ENXIO: 'no such device',
};

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

/**
 * A host error as an NsError. Given the path, a missing file reads as the kernel's walk
 * words it: `'/a/b' does not exist`, naming the first missing element.
 */
export function hostError(e: unknown, path?: string): NsError {
  if (e instanceof NsError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' && path !== undefined) return new NsError(`'${firstMissing(path)}' ${Edoesnotexist}`);
  return new NsError((typeof code === 'string' && ERRNO[code]) || Eio);
}
