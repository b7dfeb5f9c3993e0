/*
 * Plan 9's error strings (9front port/error.h), one table, so every layer words a failure
 * the same way. The kernel's walk prefixes a name: `'/x' does not exist`. Anything that
 * is not already an NsError (a host errno, a bug surfacing as TypeError) is turned into
 * one by nserror(), so callers only ever see Plan 9 text.
 */
import { NsError } from './types.js';

export const Emount = 'inconsistent mount';
export const Eunmount = 'not mounted';
export const Eismtpt = 'is a mount point';
export const Eunion = 'not in union';
export const Enocreate = 'mounted directory forbids creation';
export const Enonexist = 'file does not exist';
export const Edoesnotexist = 'does not exist';
export const Eexist = 'file already exists';
export const Ebadsharp = 'unknown device in # filename';
export const Enotdir = 'not a directory';
export const Eisdir = 'file is a directory';
export const Ebadchar = 'bad character in file name';
export const Efilename = 'file name syntax';
export const Eperm = 'permission denied';
export const Ebadusefd = 'inappropriate use of fd';
export const Ebadarg = 'bad arg in system call';
export const Einuse = 'device or object already in use';
export const Eio = 'i/o error';
export const Ehungup = 'i/o on hungup channel';
export const Ebadctl = 'bad process or channel control request';
export const Eprocdied = 'process exited';
export const Enochild = 'no living children';
export const Ebadfd = 'fd out of range or not open';
export const Eintr = 'interrupted';
export const Eshort = 'i/o count too small';
export const Ebadspec = 'bad attach specifier';
export const Enoattach = 'mount/attach disallowed';
export const Ebadstat = 'malformed stat buffer';
export const Enegoff = 'negative i/o offset';
export const Etoolong = 'name too long';
export const Enotempty = 'directory not empty';
export const Eclosedpipe = 'write on closed pipe';
export const Eexcl = 'exclusive use file already open';
export const Enotimpl = 'not implemented';
export const Emountrpc = 'mount rpc error';

export function nserr(msg: string): NsError {
  return new NsError(msg);
}

/** Any thrown value as an NsError; unknown failures become a plain i/o error, never a stack. */
export function nserror(e: unknown): NsError {
  if (e instanceof NsError) return e;
  return new NsError(Eio);
}

/** Run fn and convert whatever it throws or rejects with into an NsError. */
export async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw nserror(e);
  }
}
