import type { Builtin } from './types.js';
import { mountFlags, needNs } from './nsops.js';
import { resolvePath } from '../ns/vfs.js';
import { errstr } from './errstr.js';

const USAGE = 'usage: bind [-b|-a|-c|-bc|-ac] new old';

/** bind [-abcq] new old: make old show new (before, after, or instead of what it had). */
export const bind: Builtin = async (p, argv) => {
  const o = mountFlags(argv, 'abcq');
  if (typeof o === 'string' || o.rest.length !== 2) {
    await p.err(USAGE);
    return 'usage';
  }
  const ns = await needNs(p, 'bind');
  if (!ns) return 'no namespace';
  const [nw, old] = o.rest;
  try {
    await ns.bind(resolvePath(p.cwd, nw), resolvePath(p.cwd, old), o.flag);
    return '';
  } catch (e) {
    const name = /'([^']*)'/.exec(e instanceof Error ? e.message : '')?.[1];
    const which = name !== undefined && resolvePath(p.cwd, old).startsWith(name) && !resolvePath(p.cwd, nw).startsWith(name) ? old : nw;
    // As 9front's bind: -q fails quietly and successfully, otherwise the status is `bind'.
    if (o.quiet) return '';
    await p.err(`bind: ${which}: ${errstr(e, p.cwd, which)}`);
    return 'bind';
  }
};
