/*
 * `#e`: the environment of the calling process's env group (env(3)). rc variables ARE
 * these files: a variable reads as its list, each element NUL-terminated; writing a file
 * sets the variable to the list its bytes hold; functions are the files `fn#name`.
 * Which group is seen is decided at each walk by the kernel's `up`, so processes that
 * rfork e or E see their own while sharing one bind of `#e` on /env.
 */
import type { Kernel } from '../kernel.js';
import { EnvGroup } from '../proc.js';
import { DMDIR, NsError } from '../types.js';
import { Eperm } from '../errors.js';
import { type Device, treeDevice } from './index.js';
import { mkqid, type Node, readStr } from './tree.js';

const EMPTY = Buffer.alloc(0);

export function envDevice(k: Kernel): Device {
  const qids = new WeakMap<EnvGroup, Map<string, number>>();
  let nextQid = 1;
  const none = new EnvGroup();
  const group = (): EnvGroup => k.up?.env ?? none;

  const qidFor = (env: EnvGroup, name: string): number => {
    let m = qids.get(env);
    if (!m) qids.set(env, (m = new Map()));
    let q = m.get(name);
    if (q === undefined) m.set(name, (q = nextQid++));
    return q;
  };

  const varNode = (env: EnvGroup, name: string): Node => ({
    name,
    qid: mkqid(qidFor(env, name), false),
    perm: 0o666,
    parent: root,
    length: () => env.readFile(name)?.length ?? 0,
    read: (off, n) => readStr(env.readFile(name) ?? EMPTY, off, n),
    write: (off, data) => {
      const cur = env.readFile(name) ?? EMPTY;
      const end = off + data.length;
      const next = Buffer.alloc(Math.max(cur.length, end));
      cur.copy(next);
      data.copy(next, off);
      env.writeFile(name, next);
      return data.length;
    },
    truncate: () => env.writeFile(name, EMPTY),
    remove: () => void env.delete(name),
  });

  const root: Node = {
    name: '#e',
    qid: mkqid(0, true),
    perm: DMDIR | 0o777,
    list: () => {
      const env = group();
      return env.names().map((n) => varNode(env, n));
    },
    lookup: (name) => {
      const env = group();
      return env.has(name) ? varNode(env, name) : undefined;
    },
    create: (name, perm) => {
      if ((perm & DMDIR) !== 0) throw new NsError(Eperm);
      const env = group();
      env.set(name, []);
      return varNode(env, name);
    },
  };
  return treeDevice('e', 'env', () => k.user, () => root);
}
