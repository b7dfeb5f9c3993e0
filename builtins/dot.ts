import type { Builtin } from './types.js';
import { resolvePath } from '../ns/vfs.js';
import { OREAD } from '../ns/types.js';
import { RcUsage } from './types.js';
import { errstr } from './errstr.js';

/** . [-i] file [args]: run file in this rc with $* set to args; file is sought along $path. */
export const dot: Builtin = async (p, argv, sh) => {
  let i = 1;
  const interactive = argv[i] === '-i';
  if (interactive) i++;
  const name = argv[i];
  if (name === undefined) throw new RcUsage('Usage: . [-i] file [arg ...]');
  // As in rc, a name without a slash is looked up along $path only.
  const dirs = name.includes('/') || name.startsWith('#') ? [''] : p.get('path');
  let text: string | undefined;
  let firstErr = '';
  for (const d of dirs) {
    const path = resolvePath(p.cwd, d === '' ? name : d + '/' + name);
    try {
      const c = await p.vfs.open(path, OREAD);
      const chunks: Buffer[] = [];
      try {
        for (;;) {
          const b = await c.read(65536);
          if (b.length === 0) break;
          chunks.push(b);
        }
      } finally {
        c.close();
      }
      text = Buffer.concat(chunks).toString('utf8');
      break;
    } catch (e) {
      firstErr ||= e instanceof Error ? e.message : String(e);
    }
  }
  if (text === undefined) {
    const why = /does not exist/.test(firstErr) ? `'${name}' does not exist` : errstr(firstErr, p.cwd, name);
    throw new RcUsage(`.: can't open: ${why}`, name);
  }
  const saved = p.vars.has('*') ? p.get('*') : null;
  const saved0 = p.vars.has('0') ? p.get('0') : null;
  p.set('*', argv.slice(i + 1));
  p.set('0', [name]);
  try {
    await sh.runSource(p, text, name, interactive);
  } finally {
    if (saved === null) p.unset('*');
    else p.set('*', saved);
    if (saved0 === null) p.unset('0');
    else p.set('0', saved0);
  }
  return p.status;
};
