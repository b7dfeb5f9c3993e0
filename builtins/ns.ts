/*
 * ns [-r] [pid]: print a process's namespace as bind/mount lines that replay it (proc(3)'s
 * form). Without pid it is this process's; with one it is read from /proc/pid/ns through
 * the namespace, as ns(1) does. -r asks Plan 9's ns not to rewrite /net/…/data names into
 * dial strings; ants-rc's text names network mounts by dial string already, so it changes
 * nothing and is accepted for scripts that pass it.
 */
import type { Builtin } from './types.js';
import { needNs } from './nsops.js';
import { errstr } from './errstr.js';
import { OREAD } from '../ns/types.js';

const USAGE = 'usage: ns [-r] [pid]';

export const ns: Builtin = async (p, argv) => {
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '--') {
      i++;
      break;
    }
    if (!/^-r+$/.test(argv[i])) {
      await p.err(USAGE);
      return 'usage';
    }
  }
  const rest = argv.slice(i);
  if (rest.length > 1 || (rest.length === 1 && !/^\d+$/.test(rest[0]))) {
    await p.err(USAGE);
    return 'usage';
  }
  const n = await needNs(p, 'ns');
  if (!n) return 'no namespace';
  if (rest.length === 0) {
    await p.write(1, n.nsText(p.cwd));
    return '';
  }
  const file = `/proc/${rest[0]}/ns`;
  let ch;
  try {
    ch = await p.vfs.open(file, OREAD);
  } catch (e) {
    await p.err(`ns: can't open ${file}: ${errstr(e, p.cwd, file)}`);
    return 'open';
  }
  try {
    for (;;) {
      const b = await ch.read(65536);
      if (b.length === 0) break;
      await p.write(1, b);
    }
  } finally {
    ch.close();
  }
  return '';
};
