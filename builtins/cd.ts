import type { Builtin } from './types.js';
import { resolvePath } from '../ns/vfs.js';
import { DMDIR } from '../ns/types.js';

/** cd [dir]: no dir means $home; a relative dir is tried under each $cdpath entry. */
export const cd: Builtin = async (p, argv) => {
  if (argv.length > 2) {
    await p.err('Usage: cd [directory]');
    return "can't cd";
  }
  let dir: string;
  if (argv.length === 1) {
    const home = p.get('home');
    if (home.length !== 1) {
      await p.err("cd: can't cd: no home directory");
      return "can't cd";
    }
    dir = home[0];
  } else dir = argv[1];
  const rooted = dir.startsWith('/') || dir.startsWith('#') || dir.startsWith('./') || dir.startsWith('../') || dir === '.' || dir === '..';
  const cdpath = p.get('cdpath');
  const bases = rooted || cdpath.length === 0 ? [''] : cdpath;
  let first: unknown;
  for (const b of bases) {
    const cand = b === '' ? dir : b + '/' + dir;
    const path = resolvePath(p.cwd, cand);
    try {
      const st = await p.vfs.stat(path);
      if ((st.mode & DMDIR) === 0) throw new Error(`'${path}' is not a directory`);
      p.cwd = path;
      if (b !== '' && b !== '.') await p.write(1, path + '\n');
      return '';
    } catch (e) {
      first ??= e;
    }
  }
  await p.err(`cd: ${dir}: ${first instanceof Error ? first.message : String(first)}`);
  return "can't cd";
};
