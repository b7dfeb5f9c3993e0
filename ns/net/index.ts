/*
 * The /net emulator as kernel devices: `#I<n>` (IP stack n, devip.ts) and `#l<n>`
 * (ether n, devether.ts), both served from one NetWorld per kernel. The attach spec picks
 * the instance (`#I0`, `#I1`, `#l0`); a spec that is not a number in range fails with
 * `bad attach specifier`.
 *
 * The world is in process for now (`--net=local`, the tests). The shared per-user daemon
 * will hold a NetWorld of its own and serve these same two file servers over 9P (their
 * open, read and write are async, and a blocking listen is an outstanding Topen), and a
 * session will mount them instead of attaching these devices. setNetWorld lets a test
 * (or that daemon) choose the world.
 */
import type { Device } from '../dev/index.js';
import type { Kernel } from '../kernel.js';
import { type Fid, NsError } from '../types.js';
import { EtherServer } from './devether.js';
import { IpServer } from './devip.js';
import { NetWorld } from './world.js';

const worlds = new WeakMap<Kernel, NetWorld>();

/** The kernel's world, made (booted) on first use. */
export function netWorld(k: Kernel): NetWorld {
  let w = worlds.get(k);
  if (!w) worlds.set(k, (w = new NetWorld()));
  return w;
}

export function setNetWorld(k: Kernel, w: NetWorld): void {
  worlds.set(k, w);
}

function specNum(spec: string): number {
  if (spec === '') return 0;
  if (!/^\d{1,2}$/.test(spec)) throw new NsError('bad attach specifier');
  return Number(spec);
}

/** One server per instance, kept so every attach of `#I0` is the same server. */
function instances<S>(make: (w: NetWorld, n: number) => S | undefined): (k: Kernel, spec: string) => S {
  const cache = new WeakMap<NetWorld, Map<number, S>>();
  return (k, spec) => {
    const w = netWorld(k);
    const n = specNum(spec);
    let m = cache.get(w);
    if (!m) cache.set(w, (m = new Map()));
    let s = m.get(n);
    if (!s) {
      s = make(w, n);
      if (!s) throw new NsError('bad attach specifier');
      m.set(n, s);
    }
    return s;
  };
}

export function netDevices(k: Kernel): Device[] {
  const ip = instances((w, n) => { const s = w.stack(n); return s && new IpServer(s); });
  const ether = instances((w, n) => { const e = w.ether(n); return e && new EtherServer(e); });
  const device = (letter: string, name: string, get: (k: Kernel, spec: string) => { attachSync(u: string): Fid }): Device => {
    const attachSync = (uname: string, spec: string): Fid => get(k, spec).attachSync(uname);
    return { letter, name, attachSync, server: { attach: async (uname, spec) => attachSync(uname, spec) } };
  };
  return [device('I', 'ip', ip), device('l', 'ether', ether)];
}

export { NetWorld } from './world.js';
