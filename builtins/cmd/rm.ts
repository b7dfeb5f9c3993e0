/*
 * rm [-fr] file ...: remove files and empty directories; -r removes a directory's
 * contents first, depth first; -f says nothing about what could not be removed.
 */
import type { ProcLike } from '../types.js';
import { abs, cmd, fserr, getopts, isDir, usage } from './lib.js';

const USAGE = 'usage: rm [-fr] file ...';

export const rm = cmd('rm', async (p, argv) => {
  const o = getopts(argv, 'fr');
  if (!o) return usage(p, USAGE);
  const quiet = o.has.has('f');
  let errors = 0;
  const fail = async (name: string, e: unknown) => {
    if (quiet) return;
    errors++;
    await p.err(`rm: ${name}: ${fserr(p, e, name)}`);
  };
  const remove = async (name: string): Promise<unknown> => {
    try {
      await p.vfs.remove(abs(p, name));
      return undefined;
    } catch (e) {
      return e;
    }
  };
  const rmdir = async (q: ProcLike, dir: string): Promise<void> => {
    let ents;
    try {
      ents = await q.vfs.readdir(abs(q, dir));
    } catch (e) {
      return fail(dir, e);
    }
    for (const d of ents) {
      const name = dir === '/' ? '/' + d.name : dir + '/' + d.name;
      const e = await remove(name);
      if (e === undefined) continue;
      if (isDir(d)) await rmdir(q, name);
      else await fail(name, e);
    }
    const e = await remove(dir);
    if (e !== undefined) await fail(dir, e);
  };
  for (const name of o.args) {
    const e = await remove(name);
    if (e === undefined) continue;
    if (o.has.has('r')) {
      let d;
      try {
        d = await p.vfs.stat(abs(p, name));
      } catch {
        d = undefined;
      }
      if (d && isDir(d)) {
        await rmdir(p, name);
        continue;
      }
    }
    await fail(name, e);
  }
  return errors ? 'errors' : '';
});
