/*
 * `#b`: the programs built into ants-rc (its commands table), one executable file per
 * name. The boot namespace binds it first in /bin, so `ls` found along $path is
 * /bin/ls served here, and the shell runs it in-process instead of spawning a host
 * program; binding anything over /bin/ls replaces it, as on Plan 9. Reading a file gives
 * a one-line description, since there is no binary to show.
 */
import type { Kernel } from '../kernel.js';
import { type Device, treeDevice } from './index.js';
import { dirNode, mkqid, type Node, readStr } from './tree.js';

export function binDevice(k: Kernel): Device {
  let names: string[] = [];
  let nodes = new Map<string, Node>();
  const root: Node = dirNode('#b', mkqid(0, true), () => {
    refresh();
    return [...nodes.values()];
  });
  root.lookup = (name) => {
    refresh();
    return nodes.get(name);
  };
  const refresh = (): void => {
    const now = k.opts.commands?.() ?? [];
    if (now === names) return;
    names = now;
    nodes = new Map(
      names.map((name, i) => {
        const text = `ants-rc built-in command ${name}\n`;
        return [name, { name, qid: mkqid(i + 1, false), perm: 0o555, parent: root, length: () => text.length, read: (off: number, n: number) => readStr(text, off, n) }];
      }),
    );
  };
  return treeDevice('b', 'bin', () => k.hostowner, () => root);
}
