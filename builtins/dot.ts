import type { Builtin } from './types.js';
import { resolvePath } from '../ns/vfs.js';
import { OREAD } from '../ns/types.js';

/** . [-i] file [args]: run file in this rc with $* set to args; file is sought along $path. */
export const dot: Builtin = async (p, argv, sh) => {
  let i = 1;
  const interactive = argv[i] === '-i';
  if (interactive) i++;
  const name = argv[i];
  if (name === undefined) {
    await p.err('Usage: . [-i] file [arg ...]');
    return 'usage';
  }
  const dirs = name.includes('/') || name.startsWith('#') ? [''] : ['', ...p.get('path')];
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
    await p.err(`.: can't open ${name}: ${firstErr}`);
    return "can't open";
  }
  const saved = p.vars.has('*') ? p.get('*') : null;
  p.set('*', argv.slice(i + 1));
  try {
    await sh.runSource(p, text, name, interactive);
  } finally {
    if (saved === null) p.unset('*');
    else p.set('*', saved);
  }
  return p.status;
};
