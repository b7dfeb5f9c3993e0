/*
 * An IP stack (one `#I<n>`): interfaces with their addresses, routes, the arp cache, the
 * ndb text of /net/ndb, and the tcp and udp protocols. Stacks are independent: the only
 * thing one knows of another is what the world's routing (world.ts) lets through.
 *
 * Interfaces follow ip(3)'s ipifc ctl: `bind ether PATH` (PATH names an ether of the
 * same world, `/net/etherN`), `bind loopback`, `unbind`, `add LOCAL [MASK [REMOTE [MTU]]]`
 * (many addresses per interface), `remove`/`del LOCAL [MASK]`, `mtu N`; and the emulator's
 * `dhcp`, which leases an address from the segment's DHCP service (what ipconfig does when
 * given no address), adding it with the segment's mask and a default route to its router.
 */
import { Ebadarg } from '../errors.js';
import { NsError } from '../types.js';
import { Ebadip, Eunknownctl, Proto } from './conv.js';
import type { Ether } from './ether.js';
import { classmask, fmtip, fmtmask, type Ip, isLoopback, maskip, parseip, parsemask, sameNet } from './ip.js';
import type { NetWorld } from './world.js';

export interface Lifc {
  local: Ip;
  mask: Ip;
  remote: Ip;
}

export interface Route {
  target: Ip;
  mask: Ip;
  gate: Ip;
  tag: string;
  ifc: number;
}

const err = (s: string): NsError => new NsError(s);

export class Ipifc {
  medium: 'ether' | 'loopback' | null = null;
  dev = '';
  ether?: Ether;
  maxtu = 0;
  lifcs: Lifc[] = [];
  inuse = 0;
  pktin = 0;
  pktout = 0;

  constructor(
    readonly stack: Stack,
    readonly x: number,
  ) {}

  statusText(): string {
    const head = `device ${this.dev} maxtu ${this.maxtu} sendra 0 recvra 0 mflag 0 oflag 0 maxraint 600000 minraint 198000 linkmtu 0 reachtime 0 rxmitra 0 ttl 255 routerlt 1800000 pktin ${this.pktin} pktout ${this.pktout} errin 0 errout 0\n`;
    if (this.lifcs.length === 0) return head + '\n';
    return head + this.lifcs.map((l) =>
      `\t${fmtip(l.local).padEnd(40)} ${fmtmask(l.mask).padEnd(10)} ${fmtip(l.remote).padEnd(40)} ${'4294967295'.padEnd(12)} ${'4294967295'.padEnd(12)}\n`).join('');
  }

  localText(): string {
    return this.lifcs.map((l) => `${fmtip(l.local).padEnd(40)} ->\n`).join('');
  }

  ctl(text: string): void {
    const f = text.trim().split(/[ \t\n]+/).filter((s) => s !== '');
    if (f.length === 0) throw err('short control request');
    const w = this.stack.world;
    switch (f[0]) {
      case 'bind': {
        if (this.medium) throw err('interface already bound');
        if (f[1] === 'loopback') {
          this.medium = 'loopback';
          this.dev = 'loopback';
          this.maxtu = 16384;
          return;
        }
        if (f[1] === 'ether') {
          if (f.length < 3) throw err(Ebadarg);
          const m = /(?:^|\/)ether(\d+)$/.exec(f[2]!);
          const e = m ? w.ether(Number(m[1])) : undefined;
          if (!e) throw err(`'${f[2]}' does not exist`);
          this.medium = 'ether';
          this.dev = f[2]!;
          this.ether = e;
          this.maxtu = e.mtu;
          return;
        }
        if (f[1] === undefined) throw err(Ebadarg);
        throw err('unknown interface type');
      }
      case 'unbind':
        this.unbind();
        return;
      case 'add': case 'try':
        this.add(f.slice(1));
        return;
      case 'remove': case 'del':
        this.remove(f.slice(1));
        return;
      case 'mtu': {
        const n = Number(f[1]);
        if (!this.medium) throw err('ipifc not yet bound to device');
        if (!Number.isInteger(n) || n < 68 || n > 65536) throw err(Ebadarg);
        this.maxtu = n;
        return;
      }
      case 'dhcp':
        this.dhcp();
        return;
      case 'iprouting': case 'reflect': case 'reassemble': case 'speed': case 'delay': case 'promiscuous':
      case 'bridge': case 'add6': case 'ra6': case 'addmulti': case 'remmulti': case 'headersonly':
        return;
      default:
        throw err(Eunknownctl);
    }
  }

  private add(a: string[]): void {
    if (!this.medium) throw err('ipifc not yet bound to device');
    if (a.length < 1 || a.length > 5) throw err(Ebadarg);
    const local = parseip(a[0]!);
    if (local === undefined || local === 0) throw err(Ebadip);
    const mask = a[1] !== undefined ? parsemask(a[1]) : classmask(local);
    if (mask === undefined) throw err(Ebadip);
    const remote = a[2] !== undefined ? parseip(a[2]) : maskip(local, mask);
    if (remote === undefined) throw err(Ebadip);
    if (a[3] !== undefined) {
      const mtu = Number(a[3]);
      if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65536) throw err(Ebadarg);
      this.maxtu = mtu;
    }
    if (this.lifcs.some((l) => l.local === local)) return;
    this.lifcs.push({ local, mask, remote: maskip(remote, mask) });
    this.stack.world.announceAddress(this.stack, this, local);
    // A 127/8 address is real on the host: announcements on `*` take it there too.
    if (isLoopback(local)) for (const c of [...this.stack.tcp.convs, ...this.stack.udp.convs]) c.addressAdded(local);
  }

  private remove(a: string[]): void {
    if (a.length < 1) throw err(Ebadarg);
    const local = parseip(a[0]!);
    if (local === undefined) throw err(Ebadip);
    const mask = a[1] !== undefined ? parsemask(a[1]) : undefined;
    const i = this.lifcs.findIndex((l) => l.local === local && (mask === undefined || l.mask === mask));
    if (i < 0) throw err('address not on this interface');
    this.lifcs.splice(i, 1);
    this.stack.routes = this.stack.routes.filter((r) => r.ifc !== this.x || this.lifcs.some((l) => sameNet(r.gate, l.local, l.mask)));
  }

  unbind(): void {
    this.lifcs = [];
    this.medium = null;
    this.dev = '';
    this.ether = undefined;
    this.maxtu = 0;
    this.stack.routes = this.stack.routes.filter((r) => r.ifc !== this.x);
  }

  /** A lease from the segment's DHCP service, with the segment's mask and router. */
  dhcp(): Lifc {
    const e = this.ether;
    if (this.medium !== 'ether' || !e) throw err('ipifc not yet bound to device');
    const seg = e.segment;
    const w = this.stack.world;
    const a = seg.lease(e.addr, (x) => w.ownerOn(seg, x) !== undefined);
    if (a === undefined) throw err('no lease available');
    if (!this.lifcs.some((l) => l.local === a)) this.add([fmtip(a), fmtmask(seg.mask)]);
    if (seg.router && !this.stack.routes.some((r) => r.target === 0 && r.mask === 0)) {
      this.stack.routes.push({ target: 0, mask: 0, gate: seg.router, tag: 'none', ifc: this.x });
    }
    // What ipconfig leaves in /net/ndb for cs and others.
    const entry = `ip=${fmtip(a)} ipmask=${fmtmask(seg.mask)} ipgw=${fmtip(seg.router)}\n`;
    if (!this.stack.ndb.includes(entry)) this.stack.ndb += entry;
    return this.lifcs.find((l) => l.local === a)!;
  }
}

export class Stack {
  readonly ifcs: Ipifc[] = [];
  routes: Route[] = [];
  readonly arp = new Map<Ip, string>();
  ndb = '';
  readonly tcp: Proto;
  readonly udp: Proto;

  constructor(
    readonly world: NetWorld,
    readonly n: number,
  ) {
    this.tcp = new Proto('tcp', this);
    this.udp = new Proto('udp', this);
  }

  /** ipifc/clone: an unused interface (no medium, not open) or a new one. */
  cloneIfc(): Ipifc {
    let i = this.ifcs.find((x) => x.medium === null && x.inuse === 0);
    if (!i) {
      i = new Ipifc(this, this.ifcs.length);
      this.ifcs.push(i);
    }
    i.inuse++;
    return i;
  }

  *lifcs(): Generator<{ ifc: Ipifc; l: Lifc }> {
    for (const ifc of this.ifcs) for (const l of ifc.lifcs) yield { ifc, l };
  }

  owns(a: Ip): boolean {
    for (const { l } of this.lifcs()) if (l.local === a) return true;
    return false;
  }

  /** The interface address a packet to dest leaves from (Plan 9's findlocalip). */
  localFor(dest: Ip): Ip {
    if (this.owns(dest)) return dest;
    let first: Ip | undefined;
    for (const { l } of this.lifcs()) {
      if (sameNet(dest, l.local, l.mask)) return l.local;
      if (first === undefined && !isLoopback(l.local)) first = l.local;
    }
    if (isLoopback(dest)) {
      for (const { l } of this.lifcs()) if (isLoopback(l.local)) return l.local;
    }
    return first ?? 0;
  }

  /** A default route through an interface whose segment's router forwards to the others. */
  hasPublicRoute(): boolean {
    return this.routes.some((r) => r.mask === 0 && this.ifcs[r.ifc]?.ether?.segment.isPrivate === false);
  }

  routeText(): string {
    const lines: string[] = [];
    const row = (t: Ip, m: Ip, g: Ip, flags: string, tag: string, ifc: number | string): string =>
      `${fmtmask(t).padEnd(15)} ${fmtmask(m).padEnd(4)} ${fmtmask(g).padEnd(15)} ${flags.padStart(4)} ${tag.padStart(4)} ${String(ifc).padStart(3)}\n`;
    for (const r of this.routes) lines.push(row(r.target, r.mask, r.gate, '4', r.tag, r.ifc));
    for (const { ifc, l } of this.lifcs()) {
      lines.push(row(maskip(l.local, l.mask), l.mask, maskip(l.local, l.mask), '4i', 'ifc', ifc.x));
      lines.push(row(l.local, 0xffffffff, l.local, '4u', 'ifc', ifc.x));
    }
    return lines.join('');
  }

  routeCtl(text: string): void {
    const f = text.trim().split(/\s+/);
    switch (f[0]) {
      case 'flush':
        this.routes = f[1] ? this.routes.filter((r) => r.tag !== f[1]) : [];
        return;
      case 'add': {
        if (f.length < 4) throw err(Ebadarg);
        const t = parseip(f[1]!);
        const m = parsemask(f[2]!);
        const g = parseip(f[3]!);
        if (t === undefined || m === undefined || g === undefined) throw err(Ebadip);
        this.routes = this.routes.filter((r) => !(r.target === t && r.mask === m));
        const ifc = this.ifcs.find((i) => i.lifcs.some((l) => sameNet(g, l.local, l.mask)));
        this.routes.push({ target: maskip(t, m), mask: m, gate: g, tag: 'none', ifc: ifc?.x ?? 0 });
        return;
      }
      case 'remove': case 'delete': {
        if (f.length < 3) throw err(Ebadarg);
        const t = parseip(f[1]!);
        const m = parsemask(f[2]!);
        if (t === undefined || m === undefined) throw err(Ebadip);
        this.routes = this.routes.filter((r) => !(r.target === maskip(t, m) && r.mask === m));
        return;
      }
      case 'tag':
        return;
      default:
        throw err(Eunknownctl);
    }
  }

  selftabText(): string {
    const rows: string[] = [];
    const seen = new Set<string>();
    const row = (a: Ip, flags: string): void => {
      const k = a + flags;
      if (seen.has(k)) return;
      seen.add(k);
      rows.push(`${fmtip(a).padEnd(44)} ${'01'} ${flags.padStart(4)}\n`);
    };
    for (const { l } of this.lifcs()) {
      row(l.local, '4u');
      if (l.mask !== 0xffffffff) {
        row(maskip(l.local, l.mask), '4b');
        row((maskip(l.local, l.mask) | (~l.mask >>> 0)) >>> 0, '4b');
      }
    }
    if (rows.length > 0) row(0xffffffff, '4b');
    return rows.join('');
  }

  arpText(): string {
    return [...this.arp].map(([ip, mac]) => `ether  OK       ${fmtip(ip).padEnd(40)} ${mac}\n`).join('');
  }

  arpCtl(text: string): void {
    const f = text.trim().split(/\s+/);
    switch (f[0]) {
      case 'flush':
        this.arp.clear();
        return;
      case 'add': {
        const a = parseip(f[2] ?? '');
        if (f.length < 4 || a === undefined || !/^[0-9a-fA-F]{12}$/.test(f[3]!)) throw err(Ebadarg);
        this.arp.set(a, f[3]!.toLowerCase());
        return;
      }
      case 'del': {
        const a = parseip(f[1] ?? '');
        if (a === undefined) throw err(Ebadip);
        this.arp.delete(a);
        return;
      }
      default:
        throw err(Eunknownctl);
    }
  }

  ipifcStats(): string {
    const names = ['Forwarding', 'DefaultTTL', 'InReceives', 'InHdrErrors', 'InAddrErrors', 'ForwDatagrams',
      'InUnknownProtos', 'InDiscards', 'InDelivers', 'OutRequests', 'OutDiscards', 'OutNoRoutes',
      'ReasmTimeout', 'ReasmReqds', 'ReasmOKs', 'ReasmFails', 'FragOKs', 'FragFails', 'FragCreates'];
    const inn = this.ifcs.reduce((n, i) => n + i.pktin, 0);
    const out = this.ifcs.reduce((n, i) => n + i.pktout, 0);
    return names.map((n, i) => `${n}: ${i === 0 ? 2 : i === 1 ? 255 : i === 2 || i === 8 ? inn : i === 9 ? out : 0}\n`).join('');
  }
}
