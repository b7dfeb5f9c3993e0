/*
 * The device table: one entry per `#` letter, each a FileServer (Plan 9's devtab). A
 * device's state is the kernel's, machine-wide; a namespace only chooses where a device
 * is visible. `fresh` devices make something new at each attach (`#|`, a new pipe); the
 * others are attached once per spec and the root cached by the kernel. Devices that never
 * block offer attachSync, so paths through them resolve without a Promise (hostPath).
 */
import type { Kernel } from '../kernel.js';
import type { Fid, FileServer } from '../types.js';
import { binDevice } from './bin.js';
import { consDevice } from './cons.js';
import { dupDevice } from './dup.js';
import { envDevice } from './env.js';
import { hostDevice } from './host.js';
import { pipeDevice } from './pipe.js';
import { procDevice } from './proc.js';
import { rootDevice } from './root.js';
import { srvDevice } from './srv.js';
import { netDevices } from '../net/devices.js';
import { type Node, TreeFid } from './tree.js';

export interface Device {
  readonly letter: string;
  readonly name: string;
  readonly server: FileServer;
  /** Undefined when this attach cannot be done synchronously now (the async attach then does it). */
  attachSync?(uname: string, spec: string): Fid | undefined;
  readonly fresh?: boolean;
}

/** A device whose files are Nodes (tree.ts): attach gives the root for the spec. */
export function treeDevice(letter: string, name: string, owner: () => string, root: (spec: string) => Node): Device {
  const type = letter.codePointAt(0) ?? 0;
  const attachSync = (_uname: string, spec: string): Fid => new TreeFid(root(spec), owner(), type);
  return {
    letter,
    name,
    attachSync,
    server: { attach: async (uname, spec) => attachSync(uname, spec) },
  };
}

export function makeDevices(k: Kernel): Device[] {
  return [
    rootDevice(k),
    consDevice(k),
    envDevice(k),
    procDevice(k),
    srvDevice(k),
    pipeDevice(k),
    hostDevice(k),
    binDevice(k),
    dupDevice(k),
    ...netDevices(k),
  ];
}
