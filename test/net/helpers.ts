/* Helpers for the /net tests: a kernel whose process has #I0/#l0 at /net and #I1/#l1 at /net.alt. */
import { MAFTER, MREPL } from '../../ns/mount.js';
import { setNetWorld } from '../../ns/net/index.js';
import { NetWorld, type WorldOptions } from '../../ns/net/world.js';
import type { KProc } from '../../ns/proc.js';
import type { Namespace } from '../../ns/namespace.js';
import { OREAD, ORDWR, OWRITE } from '../../ns/types.js';
import type { Chan } from '../../ns/vfs.js';
import { kernel } from '../ns/helpers.js';

export { cat, fails, ls } from '../ns/helpers.js';

export interface NetSetup {
  p: KProc;
  ns: Namespace;
  world: NetWorld;
  /** Another process of the same kernel, with its own copy of the namespace. */
  other: () => Namespace;
}

const worlds: NetWorld[] = [];

/** Shut down every world made (host listeners and sockets); call from afterEach. */
export function shutdownWorlds(): void {
  for (const w of worlds.splice(0)) w.shutdown();
}

export async function netSetup(opts: WorldOptions = { realnet: false }): Promise<NetSetup> {
  const k = kernel();
  const world = new NetWorld(opts);
  worlds.push(world);
  setNetWorld(k, world);
  const p = await k.init(['rc']);
  await p.ns.bind('#I0', '/net', MREPL);
  await p.ns.bind('#l0', '/net', MAFTER);
  await p.ns.bind('#I1', '/net.alt', MREPL);
  await p.ns.bind('#l1', '/net.alt', MAFTER);
  const other = (): Namespace => {
    const c = k.fork(p, ['other']);
    c.ns = c.ns.copy();
    return c.ns;
  };
  return { p, ns: p.ns, world, other };
}

/** Write one ctl message; resolves to the error text ('' for success). */
export async function ctl(ns: Namespace, path: string, msg: string): Promise<string> {
  const c = await ns.open(path, OWRITE);
  try {
    await c.write(Buffer.from(msg));
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    c.close();
  }
}

/** Open proto/clone and return the ctl chan and conversation directory. */
export async function clone(ns: Namespace, protodir: string): Promise<{ ctl: Chan; dir: string }> {
  const c = await ns.open(protodir + '/clone', ORDWR);
  const n = (await c.read(32)).toString();
  return { ctl: c, dir: `${protodir}/${n}` };
}

export async function readLine(c: Chan): Promise<string> {
  return (await c.read(8192)).toString();
}

export async function readFile(ns: Namespace, path: string): Promise<string> {
  const c = await ns.open(path, OREAD);
  try {
    const parts: Buffer[] = [];
    for (let b = await c.read(8192); b.length > 0; b = await c.read(8192)) parts.push(b);
    return Buffer.concat(parts).toString();
  } finally {
    c.close();
  }
}

export async function readToEnd(c: Chan): Promise<string> {
  const parts: Buffer[] = [];
  for (let b = await c.read(65536); b.length > 0; b = await c.read(65536)) parts.push(b);
  return Buffer.concat(parts).toString();
}
