/* Small helpers for the namespace tests: a kernel, a process, and file shorthands. */
import { Kernel } from '../../ns/kernel.js';
import type { Namespace } from '../../ns/namespace.js';
import { MCREATE } from '../../ns/mount.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { DMDIR, NsError, OREAD, OWRITE } from '../../ns/types.js';
import type { KProc } from '../../ns/proc.js';

export function kernel(): Kernel {
  return new Kernel({ user: 'glenda', sysname: 'cirno', srvDir: null, console: { read: async () => Buffer.alloc(0), write: (d) => d.length } });
}

/** A process whose /tmp is a fresh ramfs (posted as #s/ramfs, mounted -c). */
export async function setup(): Promise<{ k: Kernel; p: KProc; ns: Namespace; ram: Ramfs }> {
  const k = kernel();
  const p = await k.init(['rc']);
  const ram = new Ramfs('glenda');
  k.srv.post('ramfs', ram);
  await p.ns.mount('#s/ramfs', '/tmp', MCREATE);
  return { k, p, ns: p.ns, ram };
}

export async function put(ns: Namespace, path: string, text: string): Promise<void> {
  const c = await ns.create(path, OWRITE, 0o664);
  await c.write(Buffer.from(text));
  c.close();
}

export async function mkdir(ns: Namespace, path: string): Promise<void> {
  (await ns.create(path, OREAD, DMDIR | 0o775)).close();
}

export async function cat(ns: Namespace, path: string): Promise<string> {
  const c = await ns.open(path, OREAD);
  const parts: Buffer[] = [];
  for (let b = await c.read(8192); b.length > 0; b = await c.read(8192)) parts.push(b);
  c.close();
  return Buffer.concat(parts).toString();
}

export async function ls(ns: Namespace, path: string): Promise<string[]> {
  return (await ns.readdir(path)).map((d) => d.name);
}

/** The error text a promise fails with ('' if it does not), checking it is an NsError. */
export async function fails(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return '';
  } catch (e) {
    if (!(e instanceof NsError)) throw e;
    return e.message;
  }
}

/** /tmp/a holds x ("a"), /tmp/b holds x ("b") and y, /tmp/c is empty. */
export async function abc(ns: Namespace): Promise<void> {
  for (const d of ['a', 'b', 'c']) await mkdir(ns, '/tmp/' + d);
  await put(ns, '/tmp/a/x', 'a');
  await put(ns, '/tmp/b/x', 'b');
  await put(ns, '/tmp/b/y', 'y');
}
