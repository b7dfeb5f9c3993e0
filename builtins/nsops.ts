/*
 * What the namespace builtins need of the process's file system: the mount-table
 * operations of ns/namespace.ts. A process still on the bare host file system has none;
 * the builtins then say so.
 */
import type { Vfs } from '../ns/vfs.js';

export interface NsOps {
  /** rfork n: a copy of the group for this process alone. */
  copy(): Vfs;
  /** rfork N: a clean group, only #/ at /. */
  clean(): Vfs;
  /** The group's flags: noattach is rfork m (no mounts, no new devices). */
  group: { noattach: boolean };
  bind(newPath: string, oldPath: string, flag: number): Promise<number>;
  mount(srvPath: string, oldPath: string, flag: number, spec?: string): Promise<number>;
  unmount(newPath: string | undefined, oldPath: string): Promise<void>;
  nsText(cwd?: string): string;
}

export function nsOps(vfs: Vfs): NsOps | undefined {
  const v = vfs as Partial<NsOps>;
  return typeof v.bind === 'function' && typeof v.unmount === 'function' ? (vfs as unknown as NsOps) : undefined;
}

/** The namespace of p, or (after saying so on fd 2) undefined when p runs on the bare host. */
export async function needNs(p: { vfs: Vfs; err(text: string): Promise<void> }, cmd: string): Promise<NsOps | undefined> {
  const ns = nsOps(p.vfs);
  if (!ns) await p.err(`${cmd}: no namespace: this shell runs on the bare host file system`);
  return ns;
}

/** Plan 9's mount flags (bind(2)). */
export const MREPL = 0;
export const MBEFORE = 1;
export const MAFTER = 2;
export const MCREATE = 4;
export const MCACHE = 0x10;

/** Parse [-abcCq…] options; returns the flag word, quiet, and the rest, or a bad letter. */
export function mountFlags(argv: string[], allowed: string): { flag: number; quiet: boolean; rest: string[] } | string {
  let flag = MREPL;
  let quiet = false;
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '--') {
      i++;
      break;
    }
    for (const c of argv[i].slice(1)) {
      if (!allowed.includes(c)) return c;
      if (c === 'a') flag |= MAFTER;
      else if (c === 'b') flag |= MBEFORE;
      else if (c === 'c') flag |= MCREATE;
      else if (c === 'C') flag |= MCACHE;
      else if (c === 'q') quiet = true;
    }
  }
  if ((flag & (MAFTER | MBEFORE)) === (MAFTER | MBEFORE)) return 'ab';
  return { flag, quiet, rest: argv.slice(i) };
}
