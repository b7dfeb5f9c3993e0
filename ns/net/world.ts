/*
 * NetWorld: the whole emulated network in one object — LAN segments, the ethers on them,
 * and the IP stacks. The shared per-user daemon (netd.ts) holds one and serves its #I and
 * #l file servers over 9P to every session; a kernel in local mode holds its own.
 *
 * Routing decides where a packet (a TCP call, a UDP datagram) from a stack to an address
 * goes, in this order:
 *   1. an address of the stack itself: delivered locally;
 *   2. 127/8: another stack owning it, else the host (loopback is real on the host);
 *   3. an address on the subnet of one of the stack's ether interfaces: the stack owning
 *      it on that segment, else refused — an emulated subnet never leaks to the host;
 *   4. any other address inside an emulated subnet: reachable through a default route
 *      when both ends are on segments that are not private (their routers forward
 *      between them), else refused;
 *   5. everything else: the host's real network (ANTS_REALNET=0: refused).
 * A TCP call to a 127/8 address that routes into the emulator but finds no listener there
 * goes on to the host's loopback (conv.ts), so `telnet tcp!127.0.0.1!22` reaches the
 * host's sshd while an emulated listener on 127.0.0.1!22 would win.
 *
 * The standard world (boot) is a booted machine: ether0 on segment `lan`
 * (192.168.0.0/24, router .1, DHCP pool .100–.199) and stack 0 with a loopback interface
 * (127.0.0.1) and ether0 with a leased address; ether1 on a private segment `alt`
 * (10.0.0.0/24) carrying stack 1, the stack ants-rc binds at /net.alt. Other stacks
 * start empty, other ethers join `lan`.
 */
import { NsError } from '../types.js';
import { Econrefused } from './conv.js';
import { Ether, randomMac, Segment } from './ether.js';
import { type Ip, isLoopback, parseip, sameNet } from './ip.js';
import { realnetDefault } from './hostsock.js';
import { type Ipifc, Stack } from './stack.js';
import { MAXETHER, MAXSTACK } from './devices.js';

// The instance limits live with the device registration, which start-up loads without this module.
export { MAXETHER, MAXSTACK };

export type Routed =
  | { kind: 'local'; stack: Stack }
  | { kind: 'emu'; stack: Stack }
  | { kind: 'host' }
  | { kind: 'refused'; why: string };

export interface WorldOptions {
  /** Configure stacks 0 and 1 as a booted machine does (default true). */
  boot?: boolean;
  /** Let traffic for non-emulated addresses use host sockets (default: ANTS_REALNET). */
  realnet?: boolean;
}

const ip = (s: string): Ip => parseip(s)!;

export class NetWorld {
  readonly segments = new Map<string, Segment>();
  private readonly ethers: (Ether | undefined)[] = [];
  private readonly stacks: (Stack | undefined)[] = [];
  realnet: boolean;

  constructor(opts: WorldOptions = {}) {
    this.realnet = opts.realnet ?? realnetDefault();
    this.segment('lan', '192.168.0.0', '255.255.255.0', '192.168.0.1', '192.168.0.100', '192.168.0.199');
    this.segment('alt', '10.0.0.0', '255.255.255.0', '10.0.0.1', '10.0.0.100', '10.0.0.199', true);
    if (opts.boot ?? true) {
      for (const n of [0, 1]) {
        const s = this.stack(n)!;
        const lo = s.cloneIfc();
        lo.ctl('bind loopback');
        lo.ctl('add 127.0.0.1 255.0.0.0');
        lo.inuse--;
        const eth = s.cloneIfc();
        eth.ctl(`bind ether /net/ether${n}`);
        eth.dhcp();
        eth.inuse--;
      }
    }
  }

  segment(name: string, net: string, mask: string, router: string, from: string, to: string, priv = false): Segment {
    let s = this.segments.get(name);
    if (!s) this.segments.set(name, (s = new Segment(name, ip(net), ip(mask), ip(router), ip(from), ip(to), priv)));
    return s;
  }

  /** Stack n, made on first use; undefined outside 0..15. */
  stack(n: number): Stack | undefined {
    if (!Number.isInteger(n) || n < 0 || n >= MAXSTACK) return undefined;
    return (this.stacks[n] ??= new Stack(this, n));
  }

  /** Ether n, made on first use (ether1 on `alt`, the others on `lan`). */
  ether(n: number): Ether | undefined {
    if (!Number.isInteger(n) || n < 0 || n >= MAXETHER) return undefined;
    return (this.ethers[n] ??= new Ether(n, randomMac(), this.segments.get(n === 1 ? 'alt' : 'lan')!));
  }

  allStacks(): Stack[] {
    return this.stacks.filter((s): s is Stack => s !== undefined);
  }

  /** The stack owning address a through an interface on segment seg. */
  ownerOn(seg: Segment, a: Ip): Stack | undefined {
    for (const s of this.allStacks()) {
      for (const { ifc, l } of s.lifcs()) if (l.local === a && ifc.ether?.segment === seg) return s;
    }
    return undefined;
  }

  /** The owner of a on a loopback interface, or (publicOnly) through a segment that is not private. */
  private ownerAnywhere(a: Ip, loopback: boolean): Stack | undefined {
    for (const s of this.allStacks()) {
      for (const { ifc, l } of s.lifcs()) {
        if (l.local !== a) continue;
        if (loopback ? ifc.medium === 'loopback' || isLoopback(a) : ifc.ether?.segment.isPrivate === false) return s;
      }
    }
    return undefined;
  }

  /** Is a inside a subnet the emulator carries (a segment's, or an ether interface's)? */
  isEmulated(a: Ip): boolean {
    for (const seg of this.segments.values()) if (seg.contains(a)) return true;
    for (const s of this.allStacks()) {
      for (const { ifc, l } of s.lifcs()) if (ifc.medium === 'ether' && sameNet(a, l.local, l.mask)) return true;
    }
    return false;
  }

  route(from: Stack, dest: Ip): Routed {
    if (from.owns(dest)) return { kind: 'local', stack: from };
    if (isLoopback(dest)) {
      const o = this.ownerAnywhere(dest, true);
      if (o) return { kind: 'emu', stack: o };
      return this.realnet ? { kind: 'host' } : { kind: 'refused', why: Econrefused };
    }
    for (const { ifc, l } of from.lifcs()) {
      if (ifc.medium !== 'ether' || !ifc.ether || !sameNet(dest, l.local, l.mask)) continue;
      const o = this.ownerOn(ifc.ether.segment, dest);
      return o ? { kind: 'emu', stack: o } : { kind: 'refused', why: Econrefused };
    }
    if (this.isEmulated(dest)) {
      const o = from.hasPublicRoute() ? this.ownerAnywhere(dest, false) : undefined;
      return o ? { kind: 'emu', stack: o } : { kind: 'refused', why: Econrefused };
    }
    if (!this.realnet) return { kind: 'refused', why: Econrefused };
    return { kind: 'host' };
  }

  /** A new address on an interface: the others on its segment learn it (gratuitous arp). */
  announceAddress(s: Stack, ifc: Ipifc, a: Ip): void {
    const e = ifc.ether;
    if (!e) return;
    for (const o of this.allStacks()) {
      if (o === s) continue;
      if (o.ifcs.some((i) => i.ether?.segment === e.segment)) o.arp.set(a, e.addr);
    }
  }

  /** Two stacks talked: each learns the other's ether address for the addresses used. */
  noteArp(from: Stack, to: Stack, dest: Ip): void {
    if (from === to) return;
    const e = to.ifcs.find((i) => i.lifcs.some((l) => l.local === dest))?.ether;
    if (e) from.arp.set(dest, e.addr);
  }

  /** Close every conversation (host listeners and sockets included): for tests and shutdown. */
  shutdown(): void {
    for (const s of this.allStacks()) {
      for (const c of [...s.tcp.convs, ...s.udp.convs]) c.close();
    }
  }
}

export function badSpec(): NsError {
  return new NsError('bad attach specifier');
}
