/*
 * Conversations: what /net/tcp/N and /net/udp/N stand for (Plan 9's Conv, devip.c's rules).
 *
 * A Proto (tcp, udp) of a stack holds its conversations by number. Cloning takes an idle
 * one or makes a new one; a conversation stays allocated while any of its ctl, data, err
 * or listen files is open (inuse) and goes back to idle when the last is closed.
 *
 * ctl messages follow devip.c: `connect ADDR!PORT [LOCAL]`, `announce [ADDR!]PORT`
 * (`*` for any address or any port, `0` for a port picked here), `hangup`, plus UDP's
 * `headers` and a few accepted and ignored (ttl, tos, keepalive …). Plan 9's rules: a
 * specific local address must be the stack's (`not a local IP address`); two
 * conversations may not share local address, local port, remote address and remote port
 * (`address in use`), so `*!2500` and `192.168.0.99!2500` coexist; a call goes to the
 * listener announced on its exact address before one announced on `*`.
 *
 * TCP data between two emulated conversations is a pair of ByteQueues (each side reads
 * its own rq; a write puts into the peer's rq and waits while it is full). A zero-length
 * write is this emulator's half-close (the peer reads end of file; Plan 9 has no way to
 * say it). A conversation whose far end is a host socket reads what the socket delivers
 * (the socket pauses while rq is full) and writes to the socket, waiting for drain. A
 * TCP call to 127/8 that no emulated listener takes is made on the host's loopback.
 */
import type dgram from 'node:dgram';
import type net from 'node:net';
import { Ebadarg, Ehungup } from '../errors.js';
import { NsError, type Signal } from '../types.js';
import { hostClose, hostConnect, hostListen, hostUdp, hostUdpConnect, sockErr } from './hostsock.js';
import { addrport, fmtip, fromIp16, type Ip, IPnoaddr, ip16, isLoopback, parseip, parseport } from './ip.js';
import { ByteQueue, type Dgram, DgramQueue } from './queue.js';
import type { Stack } from './stack.js';

export const Econrefused = 'connection refused';
export const Econinuse = 'connection in use';
export const Eaddrinuse = 'address in use';
export const Enotlocal = 'not a local IP address';
export const Ebadip = 'bad ip address syntax';
export const Eunknownctl = 'unknown control request';

/** Bytes a TCP receive queue holds before its writer waits. */
export const TCP_QUEUE = 1 << 20;
/** Calls queued on an announced conversation before new ones are refused (Maxincall). */
const MAXINCALL = 128;
/** The Udphdr of `headers` mode: raddr[16] laddr[16] ifcaddr[16] rport[2] lport[2]. */
export const UDP_HDR = 52;

type State = 'Idle' | 'Announced' | 'Connecting' | 'Connected' | 'Hungup';

const err = (s: string): NsError => new NsError(s);

/**
 * Tasks run one after another in the order they were given: the first at once when none
 * is outstanding, each later one when the one before it has settled, failed or not.
 */
class InOrder {
  private outstanding = 0;
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const p = this.outstanding === 0 ? task() : this.tail.then(task);
    this.outstanding++;
    const done = (): void => void this.outstanding--;
    this.tail = p.then(done, done);
    return p;
  }
}

export class Conv {
  state: State = 'Idle';
  laddr: Ip = IPnoaddr;
  lport = 0;
  raddr: Ip = IPnoaddr;
  rport = 0;
  /** Announced on port `*`: takes calls for any port nobody announced. */
  anyport = false;
  inuse = 0;
  owner = 'network';
  /** Why the conversation failed or closed: the err file. */
  error = '';
  /** TCP: what this side receives. */
  rq: ByteQueue;
  /** UDP: what this side receives. */
  dq = new DgramQueue();
  /** UDP `headers` mode. */
  headers = false;
  /** TCP: the emulated conversation at the other end. */
  peer?: Conv;
  /** TCP: a real host socket at the other end. */
  sock?: net.Socket;
  /** Announced on 127/8 (or `*`): the real host listeners (TCP) or sockets (UDP) it holds. */
  private hostEnds: Array<net.Server | dgram.Socket> = [];
  /** Calls not yet taken by a listen. */
  private incall: Conv[] = [];
  private listeners: { resolve: (c: Conv) => void; reject: (e: Error) => void }[] = [];
  /** UDP announced without headers: the conversation made for each remote address!port. */
  udpCalls = new Map<string, Conv>();
  /**
   * UDP on the host: for a conversation a host datagram made, the socket it answers
   * through (via); in headers mode, the socket each host sender came in on, by
   * address!port (hostPeers).
   */
  private via?: dgram.Socket;
  /** UDP dialled out through the host: its connected socket. */
  private out?: dgram.Socket;
  private hostPeers = new Map<string, dgram.Socket>();
  /** This side sent end of file (half-close) / received it. */
  sentEof = false;
  gotEof = false;

  constructor(
    readonly proto: Proto,
    readonly x: number,
  ) {
    this.rq = this.newQueue();
  }

  private newQueue(): ByteQueue {
    return new ByteQueue(TCP_QUEUE, () => this.sock?.resume());
  }

  get isTcp(): boolean {
    return this.proto.name === 'tcp';
  }

  get stack(): Stack {
    return this.proto.stack;
  }

  /* ---------- files ---------- */

  localText(): string {
    return addrport(this.laddr, this.lport) + '\n';
  }

  remoteText(): string {
    return addrport(this.raddr, this.rport) + '\n';
  }

  statusText(): string {
    if (!this.isTcp) return `${this.inuse > 0 ? 'Open' : 'Closed'} qin ${this.dq.length} qout 0\n`;
    let s: string;
    switch (this.state) {
      case 'Idle': s = 'Closed'; break;
      case 'Announced': s = 'Listen'; break;
      case 'Connecting': s = 'Syn_sent'; break;
      case 'Hungup': s = 'Closed'; break;
      default: s = this.sentEof ? (this.gotEof ? 'Closing' : 'Finwait2') : this.gotEof ? 'Close_wait' : 'Established';
    }
    return `${s} qin ${this.rq.bytes} qout 0 rq 0.0 srtt 0 mdev 0 sst 65535 cwin 65535 swin 65535>>0 rwin 65535>>0 qscale 0 timer.start 0 timer.count 0 rerecv 0 katimer.start 0 katimer.count 0\n`;
  }

  /* ---------- ctl ---------- */

  async ctl(text: string): Promise<void> {
    const f = text.trim().split(/[ \t\n]+/).filter((s) => s !== '');
    if (f.length === 0) throw err('short control request');
    switch (f[0]) {
      case 'connect':
        if (f.length < 2 || f.length > 3) throw err('bad args to connect');
        return this.connect(f[1]!, f[2]);
      case 'announce':
        if (f.length !== 2) throw err('bad args to announce');
        return this.announce(f[1]!);
      case 'hangup':
        this.hangup(Ehungup);
        return;
      case 'accept':
        return;
      case 'reject':
        this.error = f.slice(2).join(' ') || Econrefused;
        this.hangup(this.error);
        return;
      case 'headers':
        if (this.isTcp) throw err(Eunknownctl);
        this.headers = true;
        return;
      case 'oldheaders': case 'headers4':
        throw err(Eunknownctl);
      case 'ttl': case 'tos': case 'ignoreadvice': case 'keepalive': case 'checksum':
      case 'maxfragsize': case 'tcpporthogdefense': case 'bind':
        return;
      default:
        throw err(Eunknownctl);
    }
  }

  /** `[addr!]port` for the local side; `*` address is any; port `0` (or none) picks one. */
  private setLocal(str: string, announcing: boolean): void {
    let a = str;
    let p: string | undefined;
    const bang = str.indexOf('!');
    if (bang >= 0) {
      a = str.slice(0, bang);
      p = str.slice(bang + 1);
      if (p === 'r') p = undefined;
      else if (p.endsWith('!r')) p = p.slice(0, -2);
    }
    if (p === undefined) {
      p = a;
      if (!announcing) this.laddr = this.stack.localFor(this.raddr);
      else this.laddr = IPnoaddr;
    } else if (a === '*') this.laddr = IPnoaddr;
    else {
      const ip = parseip(a);
      if (ip === undefined) throw err(Ebadip);
      if (ip !== IPnoaddr && !this.stack.owns(ip)) throw err(Enotlocal);
      this.laddr = ip;
    }
    if (announcing && p === '*') {
      this.anyport = true;
      this.uniquePort(0);
      return;
    }
    const port = parseport(p);
    if (port === undefined) throw err(Ebadarg);
    if (port === 0) this.lport = this.proto.pickPort();
    else this.uniquePort(port);
  }

  /** Plan 9's setluniqueport: the quadruple must be unique among live conversations. */
  private uniquePort(port: number): void {
    for (const c of this.proto.convs) {
      if (c === this || (c.state !== 'Connected' && c.state !== 'Announced')) continue;
      if (c.lport === port && c.rport === this.rport && c.raddr === this.raddr && c.laddr === this.laddr && c.anyport === this.anyport) {
        throw err(Eaddrinuse);
      }
    }
    this.lport = port;
  }

  async announce(arg: string): Promise<void> {
    if (this.state !== 'Idle') throw err(Econinuse);
    this.raddr = IPnoaddr;
    this.rport = 0;
    this.anyport = false;
    this.setLocal(arg, true);
    const rq = this.rq;
    let ends: Array<net.Server | dgram.Socket> = [];
    const host = this.hostAddrs();
    if (host) {
      // Each address taken on the host too: a listener (TCP) or a socket (UDP) bound there.
      const lport = this.lport;
      const got = await Promise.allSettled(host.addrs.map((a): Promise<net.Server | dgram.Socket> =>
        this.isTcp ? hostListen(a, lport, (s) => this.hostCall(s)) : hostUdp(a, lport, (u, m, from) => this.hostDatagram(u, a, m, from))));
      ends = got.flatMap((g) => (g.status === 'fulfilled' ? [g.value] : []));
      const failed = got.find((g): g is PromiseRejectedResult => g.status === 'rejected');
      if (host.explicit && failed) {
        this.lport = 0;
        this.laddr = IPnoaddr;
        throw err(sockErr(failed.reason));
      }
    }
    // Closed while the host was asked: what it gave goes with it.
    if (rq !== this.rq || rq.isClosed) {
      for (const x of ends) x.close();
      throw err(Ehungup);
    }
    this.hostEnds.push(...ends);
    this.state = 'Announced';
  }

  /**
   * Where an announcement is real on the host too: its own 127/8 address (explicit: the
   * host must give it), or for `*` each 127/8 address the stack has (those the host has
   * free; the emulated announcement stands whatever the host says).
   */
  private hostAddrs(): { addrs: Ip[]; explicit: boolean } | undefined {
    if (!this.stack.world.realnet || this.anyport) return undefined;
    if (isLoopback(this.laddr)) return { addrs: [this.laddr], explicit: true };
    if (this.laddr !== IPnoaddr) return undefined;
    const mine = new Set<Ip>();
    for (const { l } of this.stack.lifcs()) if (isLoopback(l.local)) mine.add(l.local);
    return { addrs: [...mine], explicit: false };
  }

  async connect(dest: string, local?: string): Promise<void> {
    if (this.state !== 'Idle') throw err(Econinuse);
    const bang = dest.indexOf('!');
    if (bang < 0) throw err('malformed address');
    const ra = parseip(dest.slice(0, bang));
    if (ra === undefined) throw err(Ebadip);
    const rp = parseport(dest.slice(bang + 1).split('!')[0]!);
    if (rp === undefined) throw err(Ebadarg);
    this.raddr = ra;
    this.rport = rp;
    if (local !== undefined) this.setLocal(local, false);
    else {
      this.laddr = this.stack.localFor(ra);
      this.lport = this.proto.pickPort();
    }
    this.error = '';
    const route = this.stack.world.route(this.stack, ra);
    if (route.kind === 'refused') return this.refuse(route.why);
    if (route.kind === 'host') return this.isTcp ? this.connectHost(ra, rp) : this.connectHostUdp(ra, rp);
    const target = route.stack;
    if (!this.isTcp) {
      // As for TCP: an owned 127/8 address with no emulated listener is the host's.
      if (isLoopback(ra) && this.stack.world.realnet && !target.udp.listenerFor(ra, rp)) return this.connectHostUdp(ra, rp);
      this.state = 'Connected';
      return;
    }
    const l = target.tcp.listenerFor(ra, rp);
    if (!l) {
      // 127/8 is real on the host too: with no emulated listener, the host's may answer.
      if (isLoopback(ra) && this.stack.world.realnet) return this.connectHost(ra, rp);
      return this.refuse(Econrefused);
    }
    const nc = l.newcall(this.laddr, this.lport, ra, rp);
    if (!nc) return this.refuse(Econrefused);
    this.peer = nc;
    nc.peer = this;
    this.state = 'Connected';
    this.proto.stats.ActiveOpens++;
    target.world.noteArp(this.stack, target, ra);
  }

  /** A UDP conversation that leaves the emulator: a host socket of its own, sending to ra!rp. */
  private async connectHostUdp(ra: Ip, rp: number): Promise<void> {
    const rq = this.rq;
    let u: dgram.Socket;
    try {
      u = await hostUdpConnect(ra, rp, (data, from) => {
        if (this.out !== u) return;
        this.proto.stats.InDatagrams++;
        this.dq.push({ data, raddr: parseip(from.address) ?? IPnoaddr, rport: from.port, laddr: this.laddr, lport: this.lport });
      });
    } catch (e) {
      return this.refuse(sockErr(e));
    }
    if (rq !== this.rq || rq.isClosed) {
      u.close();
      throw err(Ehungup);
    }
    const a = u.address();
    this.laddr = parseip(a.address) ?? this.laddr;
    this.lport = a.port;
    this.out = u;
    this.state = 'Connected';
  }

  /** A call that leaves the emulator: a real connection from the host. */
  private async connectHost(ra: Ip, rp: number): Promise<void> {
    this.state = 'Connecting';
    let s: net.Socket;
    try {
      s = await hostConnect(ra, rp);
    } catch (e) {
      return this.refuse(sockErr(e));
    }
    if (this.state !== 'Connecting') {
      s.destroy();
      throw err(Ehungup);
    }
    if (s.localAddress) this.laddr = parseip(s.localAddress) ?? this.laddr;
    if (s.localPort) this.lport = s.localPort;
    this.attachSock(s);
    this.state = 'Connected';
    this.proto.stats.ActiveOpens++;
  }

  private refuse(why: string): never {
    this.state = 'Idle';
    this.raddr = IPnoaddr;
    this.rport = 0;
    this.lport = 0;
    this.laddr = IPnoaddr;
    this.error = why;
    this.proto.stats.AttemptFails++;
    throw err(why);
  }

  /** A call for this announced conversation; the new conversation, or none when full. */
  newcall(raddr: Ip, rport: number, laddr: Ip, lport: number): Conv | undefined {
    if (this.state !== 'Announced' || this.incall.length >= MAXINCALL) return undefined;
    const nc = this.proto.clone('network');
    nc.raddr = raddr;
    nc.rport = rport;
    nc.laddr = laddr;
    nc.lport = lport;
    nc.state = 'Connected';
    this.proto.stats.PassiveOpens++;
    const l = this.listeners.shift();
    if (l) l.resolve(nc);
    else this.incall.push(nc);
    return nc;
  }

  /**
   * A datagram for this announced UDP conversation (msg as its reader sees it: raddr the
   * sender). In headers mode it is read as it is; else it goes to the conversation made
   * for its sender, made now if need be. via: the host socket it came in on, which
   * answers to that sender go out through.
   */
  takeDatagram(msg: Dgram, via?: dgram.Socket): void {
    const key = addrport(msg.raddr, msg.rport);
    if (this.headers) {
      if (via) this.hostPeers.set(key, via);
      this.dq.push(msg);
      return;
    }
    let c = this.udpCalls.get(key);
    if (!c || c.state !== 'Connected') {
      c = this.newcall(msg.raddr, msg.rport, msg.laddr, msg.lport);
      if (!c) {
        this.proto.stats.InErrors++;
        return;
      }
      c.via = via;
      this.udpCalls.set(key, c);
    }
    c.dq.push(msg);
  }

  /** A datagram from the host on one of our 127/8 sockets (bound to addr). */
  private hostDatagram(u: dgram.Socket, addr: Ip, data: Buffer, from: dgram.RemoteInfo): void {
    if (this.state !== 'Announced') return;
    this.proto.stats.InDatagrams++;
    this.takeDatagram({ data, raddr: parseip(from.address) ?? IPnoaddr, rport: from.port, laddr: addr, lport: this.lport }, u);
  }

  /** A real host connection to our loopback listener. */
  private hostCall(s: net.Socket): void {
    const raddr = parseip(s.remoteAddress ?? '') ?? IPnoaddr;
    // The address called: for a `*` announcement, whichever of the stack's the host listener was on.
    const laddr = this.laddr === IPnoaddr ? (parseip(s.localAddress ?? '') ?? IPnoaddr) : this.laddr;
    const nc = this.newcall(raddr, s.remotePort ?? 0, laddr, this.lport);
    if (!nc) {
      s.destroy();
      return;
    }
    nc.attachSock(s);
  }

  /**
   * Wait for the next call (an open of listen); rejects with `listen hungup` when the
   * conversation is closed — when the last of its files is, a waiting listen not counting,
   * so an announcer that goes away while a listen waits frees its port.
   */
  listen(signal?: AbortSignal): Promise<Conv> {
    if (this.state !== 'Announced') return Promise.reject(err('not announced'));
    const c = this.incall.shift();
    if (c) return Promise.resolve(c);
    return new Promise((resolve, reject) => {
      const w = { resolve, reject };
      this.listeners.push(w);
      signal?.addEventListener('abort', () => {
        const i = this.listeners.indexOf(w);
        if (i >= 0) this.listeners.splice(i, 1);
        reject(err('interrupted'));
      }, { once: true });
    });
  }

  attachSock(s: net.Socket): void {
    this.sock = s;
    // Once the conversation has let go of s (hangup: hostClose), what s still says is not
    // its business: the conversation may already be someone else's.
    s.on('data', (b: Buffer) => {
      if (this.sock === s && !this.rq.push(b)) s.pause();
    });
    s.on('end', () => {
      if (this.sock !== s) return;
      this.gotEof = true;
      this.rq.end();
    });
    s.on('error', (e) => {
      if (this.sock === s && !this.error) this.error = sockErr(e);
    });
    s.on('close', () => {
      if (this.sock !== s) return;
      this.rq.end();
      if (this.state === 'Connected') this.state = 'Hungup';
    });
  }

  /* ---------- data ---------- */

  /**
   * TCP reads are answered in the order they were made: a session reading through the
   * daemon keeps several outstanding (netdclient.ts reads ahead) and takes the answers
   * in order, so a later read must never be given data before an earlier one.
   */
  read(count: number, signal?: Signal): Promise<Buffer> {
    if (!this.isTcp) return this.readUdp(count, signal);
    return this.reads.run(() => this.rq.get(count, signal));
  }

  /** A TCP read giving the queued chunks as they are (devip's readv), in the same order as read's. */
  readv(count: number, signal?: Signal): Promise<Buffer[]> {
    return this.reads.run(() => this.rq.getv(count, signal));
  }

  /** Reads run once the reads made before them are answered; writes likewise. */
  private readonly reads = new InOrder();
  private readonly writes = new InOrder();

  private async readUdp(count: number, signal?: Signal): Promise<Buffer> {
    const d = await this.dq.get(signal);
    if (!d) return Buffer.alloc(0);
    if (!this.headers) return d.data.length > count ? d.data.subarray(0, count) : d.data;
    const h = Buffer.allocUnsafe(UDP_HDR + d.data.length);
    ip16(d.raddr, h, 0);
    ip16(d.laddr, h, 16);
    ip16(d.laddr, h, 32);
    h.writeUInt16BE(d.rport, 48);
    h.writeUInt16BE(d.lport, 50);
    d.data.copy(h, UDP_HDR);
    return h.length > count ? h.subarray(0, count) : h;
  }

  /**
   * TCP writes are done in the order they were made even when several are outstanding at
   * once (a session's writes through the daemon are: netdclient.ts writes behind), so a
   * write waiting for room is never overtaken by a later one.
   */
  write(data: Buffer | Buffer[]): Promise<number> {
    if (!this.isTcp) {
      try {
        return Promise.resolve(this.writeUdp(Array.isArray(data) ? Buffer.concat(data) : data));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.writes.run(() => this.writeTcp(data));
  }

  /** One write, of a Buffer or of pieces (devip's writev) that go on as they are. */
  private async writeTcp(data: Buffer | Buffer[]): Promise<number> {
    if (this.state !== 'Connected') throw err(this.error || Ehungup);
    const pieces = Array.isArray(data) ? data : [data];
    let len = 0;
    for (const b of pieces) len += b.length;
    if (len === 0) {
      // Half-close: the far end reads end of file.
      this.sentEof = true;
      if (this.peer) {
        this.peer.gotEof = true;
        this.peer.rq.end();
      }
      this.sock?.end();
      return 0;
    }
    if (this.sentEof) throw err(Ehungup);
    const p = this.peer;
    if (p) {
      for (const b of pieces) if (b.length > 0) await p.rq.put(b);
      this.proto.stats.OutSegs++;
      p.proto.stats.InSegs++;
      return len;
    }
    const s = this.sock;
    if (!s || s.destroyed) throw err(this.error || Ehungup);
    let room = true;
    for (const b of pieces) room = s.write(b);
    if (!room) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          s.removeListener('drain', done);
          s.removeListener('close', done);
          resolve();
        };
        s.once('drain', done);
        s.once('close', done);
      });
      if (s.destroyed) throw err(this.error || Ehungup);
    }
    this.proto.stats.OutSegs++;
    return len;
  }

  private writeUdp(data: Buffer): number {
    let d: Dgram;
    if (this.headers) {
      if (data.length < UDP_HDR) throw err('block too short');
      const laddr = fromIp16(data, 16);
      d = {
        raddr: fromIp16(data, 0), rport: data.readUInt16BE(48),
        laddr: this.stack.owns(laddr) ? laddr : this.laddr, lport: this.lport,
        data: data.subarray(UDP_HDR),
      };
    } else {
      if (this.state !== 'Connected') throw err('not connected');
      d = { raddr: this.raddr, rport: this.rport, laddr: this.laddr, lport: this.lport, data };
    }
    this.proto.stats.OutDatagrams++;
    // Answers to the host go back the way its datagram came; a conversation dialled out
    // through the host sends from its own host socket.
    if (this.out && !this.headers) {
      this.out.send(d.data);
      return data.length;
    }
    const via = this.headers ? this.hostPeers.get(addrport(d.raddr, d.rport)) : this.via;
    if (via) {
      via.send(d.data, d.rport, fmtip(d.raddr));
      return data.length;
    }
    const route = this.stack.world.route(this.stack, d.raddr);
    if (route.kind === 'local' || route.kind === 'emu') {
      if (d.laddr === IPnoaddr) d.laddr = this.stack.localFor(d.raddr);
      route.stack.udp.deliver(d);
    }
    return data.length;
  }

  /* ---------- closing ---------- */

  /** The `hangup` message, or the far end going: no more data either way. */
  hangup(why: string): void {
    const p = this.peer;
    this.peer = undefined;
    if (p && p.peer === this) {
      p.peer = undefined;
      p.gotEof = true;
      p.rq.end();
      if (p.state === 'Connected') p.state = 'Hungup';
      if (!p.error) p.error = why;
    }
    if (this.sock) {
      hostClose(this.sock);
      this.sock = undefined;
    }
    this.rq.end();
    if (this.state === 'Connected' || this.state === 'Connecting') this.state = 'Hungup';
  }

  /** The last file closed: back to idle (Plan 9's closeconv). */
  close(): void {
    for (const x of this.hostEnds) x.close();
    this.hostEnds = [];
    this.out?.close();
    this.out = undefined;
    this.via = undefined;
    this.hostPeers.clear();
    for (const c of this.incall.splice(0)) c.close();
    for (const l of this.listeners.splice(0)) l.reject(err('listen hungup'));
    for (const c of this.udpCalls.values()) if (c.inuse === 0) c.close();
    this.udpCalls.clear();
    this.hangup(Ehungup);
    this.rq.close(Ehungup);
    this.dq.close();
    this.state = 'Idle';
    this.laddr = this.raddr = IPnoaddr;
    this.lport = this.rport = 0;
    this.anyport = false;
    this.headers = false;
    this.sentEof = this.gotEof = false;
    this.error = '';
    this.owner = 'network';
    this.inuse = 0;
  }

  /** Make the conversation fresh for a new owner (clone). */
  reset(owner: string): void {
    this.rq = this.newQueue();
    this.dq = new DgramQueue();
    this.owner = owner;
    this.inuse = 1;
  }
}

export interface ProtoStats {
  [name: string]: number;
}

/** A protocol of a stack: its conversations, port allocation and statistics. */
export class Proto {
  readonly convs: Conv[] = [];
  readonly stats: ProtoStats;

  constructor(
    readonly name: 'tcp' | 'udp',
    readonly stack: Stack,
  ) {
    this.stats = name === 'tcp'
      ? { MaxConn: 4096, Mss: 1460, ActiveOpens: 0, PassiveOpens: 0, EstabResets: 0, CurrEstab: 0, InSegs: 0, OutSegs: 0, RetransSegs: 0, RetransTimeouts: 0, InErrs: 0, OutRsts: 0, AttemptFails: 0 }
      : { InDatagrams: 0, NoPorts: 0, InErrors: 0, OutDatagrams: 0 };
  }

  statsText(): string {
    const s = this.stats;
    if (this.name === 'tcp') s.CurrEstab = this.convs.filter((c) => c.state === 'Connected').length;
    return Object.entries(s).map(([k, v]) => `${k}: ${v}\n`).join('');
  }

  /** An idle conversation (or a new one), in use by owner. */
  clone(owner: string): Conv {
    let c = this.convs.find((x) => x.inuse === 0 && x.state === 'Idle');
    if (!c) {
      if (this.convs.length >= 4096) throw err('no free devices');
      c = new Conv(this, this.convs.length);
      this.convs.push(c);
    }
    c.reset(owner);
    return c;
  }

  lportInUse(port: number): boolean {
    return this.convs.some((c) => c.lport === port && c.state !== 'Idle');
  }

  /** A free local port, chosen at random in 32768..65535 as Plan 9 does. */
  pickPort(): number {
    for (let i = 0; i < 64; i++) {
      const p = 32768 + Math.floor(Math.random() * 32768);
      if (!this.lportInUse(p)) return p;
    }
    for (let p = 5000; p < 65536; p++) if (!this.lportInUse(p)) return p;
    throw err('no ports available');
  }

  /** The announced conversation a call to addr!port goes to: exact address first, then `*`, then port `*`. */
  listenerFor(addr: Ip, port: number): Conv | undefined {
    let any: Conv | undefined;
    let anyport: Conv | undefined;
    for (const c of this.convs) {
      if (c.state !== 'Announced') continue;
      if (c.anyport) {
        if (c.laddr === addr || c.laddr === IPnoaddr) anyport ??= c;
        continue;
      }
      if (c.lport !== port) continue;
      if (c.laddr === addr) return c;
      if (c.laddr === IPnoaddr) any ??= c;
    }
    return any ?? anyport;
  }

  /** UDP: a datagram arriving at this stack. */
  deliver(d: Dgram): void {
    this.stats.InDatagrams++;
    // A conversation connected to exactly this pair first.
    for (const c of this.convs) {
      if (c.state === 'Connected' && c.lport === d.rport && c.rport === d.lport && c.raddr === d.laddr && (c.laddr === d.raddr || c.laddr === IPnoaddr)) {
        c.dq.push({ data: d.data, raddr: d.laddr, rport: d.lport, laddr: d.raddr, lport: d.rport });
        return;
      }
    }
    const l = this.listenerFor(d.raddr, d.rport);
    if (!l) {
      this.stats.NoPorts++;
      return;
    }
    l.takeDatagram({ data: d.data, raddr: d.laddr, rport: d.lport, laddr: d.raddr, lport: d.rport });
  }
}
