/*
 * `#b`: the programs built into ants-rc (its commands table), one executable file per
 * name; a name with a slash (`ip/ipconfig`, `aux/listen1`) is a file in a subdirectory,
 * as Plan 9 keeps /bin/ip and /bin/aux. The boot namespace binds `#b` first in /bin, so
 * `ls` found along $path is /bin/ls served here, and the shell runs it in-process instead
 * of spawning a host program; binding anything over /bin/ls replaces it, as on Plan 9.
 * Reading a file gives a one-line description, since there is no binary to show.
 */
import type { Kernel } from '../kernel.js';
import { type Device, treeDevice } from './index.js';
import { dirNode, mkqid, type Node, readStr } from './tree.js';

export function binDevice(k: Kernel): Device {
  let names: string[] | undefined;
  let root: Node = dirNode('#b', mkqid(0, true), () => []);
  const build = (): Node => {
    const now = k.opts.commands?.() ?? [];
    if (now === names) return root;
    names = now;
    let qid = 1;
    const dirs = new Map<string, Map<string, Node>>([['', new Map()]]);
    const top = dirNode('#b', mkqid(0, true), () => [...dirs.get('')!.values()]);
    top.lookup = (n) => dirs.get('')!.get(n);
    for (const full of names) {
      const parts = full.split('/');
      let parent = top;
      let key = '';
      for (const d of parts.slice(0, -1)) {
        const sub = key === '' ? d : key + '/' + d;
        if (!dirs.has(sub)) {
          const m = new Map<string, Node>();
          dirs.set(sub, m);
          const node = dirNode(d, mkqid(qid++, true), () => [...m.values()], parent);
          node.lookup = (n) => m.get(n);
          dirs.get(key)!.set(d, node);
        }
        parent = dirs.get(key)!.get(d)!;
        key = sub;
      }
      const name = parts[parts.length - 1]!;
      const text = `ants-rc built-in command ${full}\n`;
      dirs.get(key)!.set(name, { name, qid: mkqid(qid++, false), perm: 0o555, parent, length: () => text.length, read: (off: number, n: number) => readStr(text, off, n) });
    }
    root = top;
    return root;
  };
  return treeDevice('b', 'bin', () => k.hostowner, () => build());
}
