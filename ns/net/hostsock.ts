/*
 * The emulator's only contact with the host's network: real TCP listeners and UDP sockets
 * on loopback addresses a stack owns (so host programs such as nc reach an emulated
 * listener) and real outgoing connections and datagrams to addresses outside every
 * emulated subnet (or to a 127/8 address no emulated listener has). Nothing here binds
 * anything but 127/8 (outgoing sockets, TCP or UDP, are connected and take what the host
 * gives them), and ANTS_REALNET=0 turns all of it off.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { fmtip, type Ip, isLoopback } from './ip.js';

export function realnetDefault(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.ANTS_REALNET;
  return !(v === '0' || v === 'off' || v === 'no' || v === 'false');
}

/** Plan 9's words for a host socket failure. */
export function sockErr(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return 'address in use';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'no route to host';
    case 'EADDRNOTAVAIL':
      return 'not a local IP address';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    default:
      return 'connection refused';
  }
}

/** A host TCP listener on a loopback address; onConn gets each accepted socket. */
export function hostListen(addr: Ip, port: number, onConn: (s: net.Socket) => void): Promise<net.Server> {
  if (!isLoopback(addr)) return Promise.reject(new Error('not loopback'));
  return new Promise((resolve, reject) => {
    // Half-open allowed: a peer's FIN is the end of what it sends, not of what we send (TCP's half-close).
    const srv = net.createServer({ noDelay: true, allowHalfOpen: true }, onConn);
    srv.once('error', reject);
    srv.listen({ host: fmtip(addr), port, exclusive: true }, () => {
      srv.removeListener('error', reject);
      srv.on('error', () => {});
      resolve(srv);
    });
  });
}

/** A host TCP connection; rejects with the socket error. */
export function hostConnect(addr: Ip, port: number, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: fmtip(addr), port, noDelay: true, allowHalfOpen: true });
    const onErr = (e: Error): void => {
      s.destroy();
      reject(e);
    };
    s.once('error', onErr);
    s.once('connect', () => {
      s.removeListener('error', onErr);
      resolve(s);
    });
    signal?.addEventListener('abort', () => onErr(Object.assign(new Error('interrupted'), { code: 'EINTR' })), { once: true });
  });
}

/** How long a closed host connection waits for its peer to close too. */
const LINGER = 10_000;

/**
 * Close a host connection as a TCP close does: what was written still goes, then FIN.
 * What the peer sends afterwards is read and dropped (the conversation's handlers ignore
 * a socket it has let go of), so the host never answers unread data with a reset, which
 * would cost the peer what we wrote; a peer that never closes is cut off after LINGER ms.
 */
export function hostClose(s: net.Socket): void {
  if (s.destroyed) return;
  s.resume();
  s.end();
  const t = setTimeout(() => s.destroy(), LINGER);
  t.unref();
  s.once('close', () => clearTimeout(t));
}

/** A host UDP socket bound to addr!port (a loopback address only). */
export function hostUdp(addr: Ip, port: number, onMsg: (sock: dgram.Socket, msg: Buffer, from: dgram.RemoteInfo) => void): Promise<dgram.Socket> {
  if (!isLoopback(addr)) return Promise.reject(new Error('not loopback'));
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    s.once('error', reject);
    s.bind({ address: fmtip(addr), port, exclusive: true }, () => {
      s.removeListener('error', reject);
      s.on('error', () => {});
      s.on('message', (m, from) => onMsg(s, m, from));
      resolve(s);
    });
  });
}

/**
 * A host UDP socket connected to addr!port, as a UDP client's is: the host picks its
 * address and port, and only that peer's datagrams reach it.
 */
export function hostUdpConnect(addr: Ip, port: number, onMsg: (msg: Buffer, from: dgram.RemoteInfo) => void): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4' });
    s.once('error', reject);
    s.connect(port, fmtip(addr), () => {
      s.removeListener('error', reject);
      s.on('error', () => {});
      s.on('message', onMsg);
      resolve(s);
    });
  });
}
