/*
 * `#d`: the calling process's open descriptors (dup(3)). Each open fd N appears as the
 * file N, which opens as a duplicate of the descriptor (sharing its offset, as dup(2)
 * does), and Nctl, which reads the descriptor's description. Which table is shown is the
 * kernel's `up` at the walk, so one bind of `#d` on /fd serves every process.
 */
import { Ebadfd, Eperm } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { FdTable } from '../proc.js';
import { NsError } from '../types.js';
import { type Device, treeDevice } from './index.js';
import { dirNode, mkqid, type Node, readStr } from './tree.js';

export function dupDevice(k: Kernel): Device {
  const root: Node = dirNode('#d', mkqid(0, true), () => {
    const t = k.up?.fds;
    return t?.list ? t.list().flatMap((fd) => [fdNode(t, fd), ctlNode(t, fd)]) : [];
  });
  root.lookup = (name) => {
    const t = k.up?.fds;
    const m = /^(0|[1-9]\d*)(ctl)?$/.exec(name);
    if (!t?.list || !m || !t.list().includes(Number(m[1]))) return undefined;
    return m[2] ? ctlNode(t, Number(m[1])) : fdNode(t, Number(m[1]));
  };

  const fdNode = (t: FdTable, fd: number): Node => ({
    name: String(fd),
    qid: mkqid(1 + 2 * fd, false),
    perm: 0o666,
    parent: root,
    open: () => {
      const c = t.get?.(fd);
      if (!c) throw new NsError(Ebadfd);
      return {
        read: (_off, n) => c.read(n),
        write: (_off, data) => c.write(data),
      };
    },
  });

  const ctlNode = (t: FdTable, fd: number): Node => ({
    name: fd + 'ctl',
    qid: mkqid(2 + 2 * fd, false),
    perm: 0o400,
    parent: root,
    read: (off, n) => {
      const c = t.get?.(fd);
      if (!c) throw new NsError(Eperm);
      return readStr(`${fd} ${c.path}\n`, off, n);
    },
  });

  return treeDevice('d', 'dup', () => k.user, () => root);
}
