/*
 * What the 9P commands (srv, srvfs, exportfs, import, and mount of a dial string) share:
 * the caller's namespace with its kernel and srv group, dial-string defaults, and the
 * p9hmac key, read through the namespace from the file named by -k or $p9key.
 */
import type { AuthKey } from '../ns/9p/auth.js';
import type { Namespace } from '../ns/namespace.js';
import type { ProcLike } from './types.js';
import { abs, Exit, readAll } from './cmd/lib.js';
import { OREAD } from '../ns/types.js';

/** The process's namespace, or (after saying so) an Exit. */
export async function namespaceOf(p: ProcLike, name: string): Promise<Namespace> {
  const ns = p.vfs as Partial<Namespace>;
  if (typeof ns.mountServer !== 'function' || !ns.kernel) {
    await p.err(`${name}: no namespace: this shell runs on the bare host file system`);
    throw new Exit('no namespace');
  }
  return ns as Namespace;
}

/** A dial string from what the user typed: a bare system name gets net!name!svc. */
export function dialOf(s: string, svc: string): string {
  if (s.includes('!')) return s.split('!').length === 2 && !s.startsWith('unix!') ? `${s}!${svc}` : s;
  return `tcp!${s}!${svc}`;
}

/** The key from -k file or $p9key, if either names one. */
export async function keyOf(p: ProcLike, file: string | undefined): Promise<AuthKey | undefined> {
  const name = file ?? p.get('p9key')[0];
  if (!name) return undefined;
  const { parseKey } = await import('../ns/9p/auth.js');
  const st = await p.vfs.stat(abs(p, name));
  const c = await p.vfs.open(abs(p, name), OREAD);
  try {
    return parseKey(await readAll(c), st.mode, name);
  } finally {
    c.close();
  }
}
