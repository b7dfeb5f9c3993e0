import { resolvePath } from '../ns/vfs.js';

/**
 * An error's text as the user should read it: the file system names files by the absolute
 * paths the shell gave it, but the user typed `name`, so the text says 'name'.
 */
export function errstr(e: unknown, cwd: string, name: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const abs = resolvePath(cwd, name);
  return abs === name ? msg : msg.split(`'${abs}'`).join(`'${name}'`);
}
