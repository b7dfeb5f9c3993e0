import type { Builtin } from './types.js';
import { resolvePath } from '../ns/vfs.js';
import { DMDIR } from '../ns/types.js';
import { errstr } from './errstr.js';

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
      await p.err("Can't cd -- $home empty");
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
      if ((st.mode & DMDIR) === 0) throw new Error('not a directory');
      p.cwd = path;
      // A $cdpath hit says where it went (on fd 2, as plan9port rc does).
      if (b !== '' && b !== '.') await p.err(cand);
      return '';
    } catch (e) {
      first ??= e;
    }
  }
  await p.err(`Can't cd ${dir}: ${errstr(first, p.cwd, dir)}`);
  return "can't cd";
};
