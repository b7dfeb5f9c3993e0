/*
 * `#/`: the root placeholder directory, the `/` a clean namespace starts with. It holds
 * only empty directories, the mount points the boot namespace binds devices and the host
 * file system onto (/root is where rerootwin and --root mount a root served elsewhere).
 */
import type { Kernel } from '../kernel.js';
import { type Device, treeDevice } from './index.js';
import { dirNode, mkqid, type Node } from './tree.js';

export const ROOT_NAMES = ['bin', 'boot', 'dev', 'env', 'fd', 'mnt', 'n', 'net', 'net.alt', 'proc', 'root', 'srv', 'tmp'];

export function rootDevice(k: Kernel): Device {
  const root: Node = dirNode('/', mkqid(0, true), () => children);
  const children: Node[] = ROOT_NAMES.map((name, i) => dirNode(name, mkqid(i + 1, true), () => [], root));
  return treeDevice('/', 'root', () => k.hostowner, () => root);
}
