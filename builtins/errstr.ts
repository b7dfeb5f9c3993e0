import { resolvePath } from '../ns/vfs.js';

/**
 * An error's text as the user should read it: the file system names files by the absolute
 * paths the shell gave it, but the user typed `name`, so the text says 'name'.
 */
export function errstr(e: unknown, cwd: string, name: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const abs = resolvePath(cwd, name);
  if (abs === name) return msg;
  const within = cwd === '/' ? '/' : cwd + '/';
  // The error may name the whole path or the first element of it that is missing.
  return msg.replace(/'([^']*)'/g, (q, p: string) => {
    if (p === abs) return `'${name}'`;
    if (!name.startsWith('/') && abs.startsWith(p + '/') && p.startsWith(within)) return `'${p.slice(within.length)}'`;
    return q;
  });
}
