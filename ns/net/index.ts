/*
 * The /net emulator as kernel devices: `#I<n>` (IP stack n, devip.ts) and `#l<n>`
 * (ether n, devether.ts). The attach spec picks the instance (`#I0`, `#I1`, `#l0`); a spec
 * that is not a number in range fails with `bad attach specifier`.
 *
 * Where the stacks and ethers live is the kernel's net mode (KernelOptions.net):
 *   daemon  in the user's shared /net daemon (netd.ts), one NetWorld for every session;
 *           the devices' roots are LazyRoots (remote.ts) that reach it over 9P on first
 *           use, so a session that never touches /net never connects. ants-rc's default.
 *   local   in a NetWorld of this kernel's own, made on first use (`--net=local`, and
 *           every Kernel not asked otherwise: the unit tests). setNetWorld chooses the
 *           world, and makes the kernel local.
 * worldServer is a whole world as one FileServer whose attach names are `I<n>` and
 * `l<n>`: what the daemon serves. The devices themselves are registered by devices.ts,
 * which loads this module (and the emulator under it) only when a local world is used,
 * so start-up in daemon mode loads none of it.
 */
import type { Kernel } from '../kernel.js';
import { type Fid, type FileServer, NsError } from '../types.js';
import { EtherServer } from './devether.js';
import { IpServer } from './devip.js';
import { setNetWorld, worldOf } from './devices.js';
import { NetWorld } from './world.js';

/** The kernel's world, made (booted) on first use. */
export function netWorld(k: Kernel): NetWorld {
  let w = worldOf(k) as NetWorld | undefined;
  if (!w) setNetWorld(k, (w = new NetWorld()));
  return w;
}

const badSpec = (): NsError => new NsError('bad attach specifier');

function specNum(spec: string): number {
  if (spec === '') return 0;
  if (!/^\d{1,2}$/.test(spec)) throw badSpec();
  return Number(spec);
}

/** One server per instance, kept so every attach of `#I0` is the same server. */
function instances<S>(make: (w: NetWorld, n: number) => S | undefined): (w: NetWorld, n: number) => S {
  const cache = new WeakMap<NetWorld, Map<number, S>>();
  return (w, n) => {
    let m = cache.get(w);
    if (!m) cache.set(w, (m = new Map()));
    let s = m.get(n);
    if (!s) {
      s = make(w, n);
      if (!s) throw badSpec();
      m.set(n, s);
    }
    return s;
  };
}

const ipServer = instances((w, n) => { const s = w.stack(n); return s && new IpServer(s); });
const etherServer = instances((w, n) => { const e = w.ether(n); return e && new EtherServer(e); });

function localRoot(w: NetWorld, letter: string, n: number, uname: string): Fid {
  return (letter === 'I' ? ipServer(w, n) : etherServer(w, n)).attachSync(uname);
}

/** A whole world as one server: attach name `I<n>` is stack n, `l<n>` ether n. */
export function worldServer(w: NetWorld): FileServer {
  return {
    async attach(uname, aname) {
      const m = /^([Il])(\d{1,2})$/.exec(aname);
      if (!m) throw badSpec();
      return localRoot(w, m[1]!, Number(m[2]), uname);
    },
  };
}

/** A local root of stack or ether n of the kernel's own world (what devices.ts loads this module for). */
export function localAttach(k: Kernel, letter: string, spec: string, uname: string): Fid {
  return localRoot(netWorld(k), letter, specNum(spec), uname);
}

export { closeNetd, netMode, setNetWorld } from './devices.js';
export { NetWorld } from './world.js';
