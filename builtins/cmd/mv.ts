/*
 * mv fromfile tofile, mv fromfile ... todir: within one directory a rename (wstat of the
 * name, replacing what was there, as Plan 9's mv does); across directories a copy, with
 * its times and permissions, then the removal of the original (a directory's contents too).
 */
import type { ProcLike } from '../types.js';
import type { Dir } from '../../ns/types.js';
import { abs, basename, cmd, fserr, getopts, isDir, stat, tryStat, usage } from './lib.js';
import { copyTree, join, sameFile, targets } from './cp.js';

const USAGE = 'usage: mv fromfile tofile\n       mv fromfile ... todir';

const parent = (path: string): string => path.slice(0, Math.max(1, path.lastIndexOf('/')));

async function removeTree(p: ProcLike, name: string, d: Dir): Promise<void> {
  if (isDir(d)) for (const e of await p.vfs.readdir(abs(p, name))) await removeTree(p, join(name, e.name), e);
  await p.vfs.remove(abs(p, name));
}

async function mv1(p: ProcLike, from: string, to: string): Promise<boolean> {
  let d: Dir;
  try {
    d = await stat(p, from);
  } catch (e) {
    await p.err(`mv: ${from}: ${fserr(p, e, from)}`);
    return false;
  }
  const t = await tryStat(p, to);
  if (t && sameFile(t, d)) {
    await p.err(`mv: ${from} and ${to} are the same`);
    return false;
  }
  if (t && isDir(t)) {
    await p.err(`mv: ${to}: is a directory`);
    return false;
  }
  const fa = abs(p, from);
  const ta = abs(p, to);
  if (parent(fa) === parent(ta)) {
    try {
      if (t) await p.vfs.remove(ta);
      await p.vfs.wstat(fa, { name: basename(ta) });
      return true;
    } catch (e) {
      await p.err(`mv: can't rename ${from} to ${to}: ${fserr(p, e, from)}`);
      return false;
    }
  }
  if (t) {
    try {
      await p.vfs.remove(ta);
    } catch (e) {
      await p.err(`mv: can't remove ${to}: ${fserr(p, e, to)}`);
      return false;
    }
  }
  if ((await copyTree(p, 'mv', from, d, to, { recurse: true, times: true })) > 0) return false;
  try {
    await removeTree(p, from, d);
    return true;
  } catch (e) {
    await p.err(`mv: can't remove ${from}: ${fserr(p, e, from)}`);
    return false;
  }
}

export const mv = cmd('mv', async (p, argv) => {
  const o = getopts(argv, '');
  if (!o) return usage(p, USAGE);
  let failed = false;
  for (const [from, to] of await targets(p, 'mv', o.args, USAGE)) if (!(await mv1(p, from, to))) failed = true;
  return failed ? 'failure' : '';
});
