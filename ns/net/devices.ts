/*
 * `#I<n>` and `#l<n>` in the device table, kept small so that start-up loads none of the
 * emulator: in daemon mode an attach is a LazyRoot (remote.ts) that reaches the shared
 * daemon over 9P at its first use (netdclient.ts, loaded then); in local mode the
 * kernel's own world (index.ts, and the emulator under it) is loaded at the first attach.
 * The kernel's world registry lives here so that asking the mode costs nothing.
 */
import type { Device } from '../dev/index.js';
import type { Kernel } from '../kernel.js';
import { type Fid, NsError } from '../types.js';
import { LazyRoot, type NetdRoot } from './remote.js';

/** How many stacks (`#I0`…) and ethers (`#l0`…) a world has. */
export const MAXSTACK = 16;
export const MAXETHER = 16;

const worlds = new WeakMap<Kernel, object>();

/** The kernel's local world, if it has one (a NetWorld; typed loosely to keep world.ts out). */
export function worldOf(k: Kernel): object | undefined {
  return worlds.get(k);
}

/** Give the kernel a world of its own: it becomes local. */
export function setNetWorld(k: Kernel, w: object): void {
  worlds.set(k, w);
}

export function netMode(k: Kernel): 'local' | 'daemon' {
  return worlds.has(k) ? 'local' : (k.opts.net ?? 'local');
}

const badSpec = (): NsError => new NsError('bad attach specifier');

interface LinkHandle {
  root: NetdRoot;
  close(): void;
  settle(ms: number): Promise<void>;
}

const links = new WeakMap<Kernel, LinkHandle>();

/** The kernel's link to the daemon; netdclient.ts is loaded at its first use. */
function netdLink(k: Kernel): LinkHandle {
  let l = links.get(k);
  if (!l) {
    let link: Promise<import('./netdclient.js').NetdLink> | undefined;
    const get = (): Promise<import('./netdclient.js').NetdLink> =>
      (link ??= import('./netdclient.js').then((m) => new m.NetdLink(k.srv.dir ?? m.defaultNetdDir(), k.user)));
    l = {
      root: async (aname) => (await get()).root(aname),
      close: () => void link?.then((x) => x.close()),
      settle: async (ms) => {
        if (link) await (await link).settle(ms);
      },
    };
    links.set(k, l);
  }
  return l;
}

/** Hang up the kernel's connection to the daemon, if it has one. */
export function closeNetd(k: Kernel): void {
  links.get(k)?.close();
}

/**
 * Before the program exits: wait (at most ms) until what was written to the daemon's
 * conversations has reached it, as a Plan 9 process's writes are in the kernel when it exits.
 */
export async function settleNetd(k: Kernel, ms = 2000): Promise<void> {
  await links.get(k)?.settle(ms);
}

let local: typeof import('./index.js') | undefined;

export function netDevices(k: Kernel): Device[] {
  const device = (letter: 'I' | 'l', name: string, max: number): Device => {
    const daemon = (uname: string, spec: string): Fid => {
      if (spec !== '' && !/^\d{1,2}$/.test(spec)) throw badSpec();
      const n = spec === '' ? 0 : Number(spec);
      if (n >= max) throw badSpec();
      return new LazyRoot(netdLink(k).root, letter + n, uname);
    };
    return {
      letter,
      name,
      // Synchronous when it can be: daemon roots always, local ones once the emulator is loaded.
      attachSync: (uname, spec) => (netMode(k) === 'daemon' ? daemon(uname, spec) : local?.localAttach(k, letter, spec, uname)),
      server: {
        attach: async (uname, spec) => {
          if (netMode(k) === 'daemon') return daemon(uname, spec);
          local ??= await import('./index.js');
          return local.localAttach(k, letter, spec, uname);
        },
      },
    };
  };
  return [device('I', 'ip', MAXSTACK), device('l', 'ether', MAXETHER)];
}
