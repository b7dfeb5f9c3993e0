/*
 * Ethers on virtual LAN segments (ether(3)). An Ether has an address and connections
 * made by opening its clone file; a connection receives the frames of one packet type
 * (`connect TYPE`, -1 for all) addressed to it or broadcast (or every frame when
 * `promiscuous`). A frame written to a connection's data file (dst[6] src[6] type[2]
 * payload) goes to every other ether on the segment, with the source address filled in.
 * The IP stacks do not push their traffic through these frames (conversations are
 * joined directly, see conv.ts), but a stack's interface bound to an ether puts it on
 * that ether's segment, which is what decides who can reach whom.
 */
import { randomBytes } from 'node:crypto';
import { NsError } from '../types.js';
import { type Ip, maskip, sameNet } from './ip.js';
import { DgramQueue } from './queue.js';

export class EtherConn {
  type = 0;
  promisc = false;
  inuse = 0;
  rq = new DgramQueue(512);
  inFrames = 0;
  outFrames = 0;

  constructor(
    readonly ether: Ether,
    readonly x: number,
  ) {}

  ctl(text: string): void {
    const f = text.trim().split(/\s+/);
    switch (f[0]) {
      case 'connect': {
        const t = f[1] === undefined ? NaN : Number(f[1]);
        if (!Number.isInteger(t) || t < -1 || t > 0xffff) throw new NsError('bad arg in system call');
        this.type = t;
        return;
      }
      case 'promiscuous':
        this.promisc = true;
        return;
      case 'bridge': case 'headersonly': case 'addmulti': case 'remmulti': case 'scanbs':
        return;
      default:
        throw new NsError('unknown control request');
    }
  }

  write(frame: Buffer): number {
    if (frame.length < 14) throw new NsError('packet too small');
    if (frame.length > this.ether.mtu) throw new NsError('packet too big');
    const f = Buffer.from(frame);
    this.ether.mac.copy(f, 6);
    this.outFrames++;
    this.ether.out++;
    this.ether.segment.send(this.ether, f);
    return frame.length;
  }

  close(): void {
    this.inuse = 0;
    this.type = 0;
    this.promisc = false;
    this.rq.close();
    this.rq = new DgramQueue(512);
  }
}

export class Ether {
  readonly conns: EtherConn[] = [];
  mtu = 1514;
  in = 0;
  out = 0;

  constructor(
    readonly n: number,
    readonly mac: Buffer,
    public segment: Segment,
  ) {
    segment.ethers.add(this);
  }

  get addr(): string {
    return this.mac.toString('hex');
  }

  clone(): EtherConn {
    let c = this.conns.find((x) => x.inuse === 0);
    if (!c) {
      c = new EtherConn(this, this.conns.length);
      this.conns.push(c);
    }
    c.inuse = 1;
    return c;
  }

  receive(frame: Buffer): void {
    const dst = frame.subarray(0, 6);
    const type = frame.readUInt16BE(12);
    const forMe = dst.equals(this.mac) || dst.equals(BCAST);
    let took = false;
    for (const c of this.conns) {
      if (c.inuse === 0) continue;
      if (!(forMe || c.promisc)) continue;
      if (c.type !== -1 && c.type !== type) continue;
      if (c.rq.push({ data: frame, raddr: 0, rport: 0, laddr: 0, lport: 0 })) c.inFrames++;
      took = true;
    }
    if (took || forMe) this.in++;
  }

  statsText(): string {
    return [
      `in: ${this.in}`, 'link: 1', `out: ${this.out}`, 'crc errs: 0', 'overflows: 0',
      'soft overflows: 0', 'framing errs: 0', 'buffer errs: 0', 'output errs: 0',
      `prom: ${this.conns.filter((c) => c.inuse && c.promisc).length}`, 'mbps: 1000', `addr: ${this.addr}`, '',
    ].join('\n');
  }
}

const BCAST = Buffer.alloc(6, 0xff);

/** A locally administered, random ethernet address. */
export function randomMac(): Buffer {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return b;
}

/**
 * A LAN segment: the ethers on it, and its emulated DHCP service — the subnet, the
 * router address it hands out, and a pool of addresses leased by ethernet address. The
 * routers of the segments that are not private join them into one internet.
 */
export class Segment {
  readonly ethers = new Set<Ether>();
  private readonly leases = new Map<string, Ip>();

  constructor(
    readonly name: string,
    readonly net: Ip,
    readonly mask: Ip,
    readonly router: Ip,
    readonly poolFrom: Ip,
    readonly poolTo: Ip,
    /** A private network: its router forwards nothing to or from other segments. */
    readonly isPrivate = false,
  ) {}

  contains(a: Ip): boolean {
    return sameNet(a, this.net, this.mask);
  }

  send(from: Ether, frame: Buffer): void {
    for (const e of this.ethers) if (e !== from) e.receive(frame);
  }

  /** A lease for mac: the same address again for the same ether; taken addresses are skipped. */
  lease(mac: string, taken: (a: Ip) => boolean): Ip | undefined {
    const had = this.leases.get(mac);
    if (had !== undefined) return had;
    const used = new Set(this.leases.values());
    for (let a = this.poolFrom; a <= this.poolTo; a++) {
      if (used.has(a) || taken(a) || a === this.router || maskip(a, this.mask) !== this.net) continue;
      this.leases.set(mac, a);
      return a;
    }
    return undefined;
  }
}
