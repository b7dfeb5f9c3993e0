/*
 * rc scripts ants-rc runs itself instead of handing them to the host.
 *
 * A command file whose first line is `#!/bin/rc` or `#!/bin/ants-rc` names rc as Plan 9
 * does: the /bin/rc of the namespace, which is ants-rc's own rc. So it runs inside ants-rc,
 * with the caller's namespace, wherever the file lives: a Linux host has no /bin/rc, and
 * a script on a root served by another machine has no host path to exec. Words after the
 * interpreter are rc's flags (`#!/bin/rc -e`). A file with no `#!` that is not a host file
 * and not a binary is an rc script too, as the scripts in a Plan 9 root's /bin are; a host
 * file with no `#!` is left to the host, which runs it with sh as it always has.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { OREAD } from '../ns/types.js';
import { whereIs } from './hostpolicy.js';
import type { Proc } from './proc.js';

const HEAD = 256;
const RC = new Set(['/bin/rc', '/bin/ants-rc']);

/** The first bytes of a host file, if it is a regular file (a FIFO is never waited for). */
function hostHead(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const b = Buffer.alloc(HEAD);
    return b.subarray(0, readSync(fd, b, 0, HEAD, 0));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

async function nsHead(p: Proc, path: string): Promise<Buffer | undefined> {
  try {
    const c = await p.vfs.open(path, OREAD);
    try {
      return await c.read(HEAD, p.signal);
    } finally {
      c.close();
    }
  } catch {
    return undefined;
  }
}

function isBinary(b: Buffer): boolean {
  if (b.includes(0)) return true;
  const magic = b.length >= 4 ? b.readUInt32BE(0) : 0;
  return magic === 0x7f454c46 || [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic);
}

/** rc's flags when the command file at path is an rc script for ants-rc to run, else undefined. */
export async function rcScript(p: Proc, path: string): Promise<string[] | undefined> {
  const host = (await whereIs(p, path))?.hosts[0];
  const head = host !== undefined ? hostHead(host) : await nsHead(p, path);
  if (!head || head.length === 0) return undefined;
  if (head[0] === 0x23 && head[1] === 0x21) {
    const nl = head.indexOf(0x0a);
    const words = head.subarray(2, nl < 0 ? head.length : nl).toString('utf8').trim().split(/[ \t]+/);
    return RC.has(words[0]!) ? words.slice(1) : undefined;
  }
  return host === undefined && !isBinary(head) ? [] : undefined;
}
