/*
 * IPv4 addresses as the emulator keeps them: unsigned 32-bit numbers. Plan 9 stores every
 * address in 16-byte v6 form and prints the unspecified one as `::`; the emulator is v4
 * only, with 0 standing for that unspecified address (IPnoaddr), so `%I` of 0 is `::`.
 * parseip accepts Plan 9's short forms too (`10.1` is 10.0.0.1, as libip's v4parseip).
 */

export type Ip = number;

export const IPnoaddr: Ip = 0;

/** Dotted quad (or Plan 9's shorter forms) to a number; undefined when it is not an address. */
export function parseip(s: string): Ip | undefined {
  if (s === '::') return 0;
  let t = s;
  if (t.startsWith('::ffff:')) t = t.slice(7);
  if (!/^\d{1,3}(\.\d{1,3}){0,3}$/.test(t)) return undefined;
  const parts = t.split('.').map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  // a.b.c.d; a.d; a.b.d: the last part is the low byte, the rest fill from the top.
  const last = parts.pop()!;
  let v = 0;
  for (let i = 0; i < 3; i++) v = v * 256 + (parts[i] ?? 0);
  return (v * 256 + last) >>> 0;
}

/** An address for display: dotted quad, `::` for the unspecified address. */
export function fmtip(a: Ip): string {
  if (a === 0) return '::';
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** A mask for display (Plan 9's %M of a v4 mask): dotted quad. */
export function fmtmask(m: Ip): string {
  return `${m >>> 24}.${(m >>> 16) & 255}.${(m >>> 8) & 255}.${m & 255}`;
}

/** A mask given as dotted quad or as /len. */
export function parsemask(s: string): Ip | undefined {
  const m = /^\/(\d+)$/.exec(s);
  if (m) {
    // a v6 prefix length over a v4 address counts the 96 leading bits.
    let n = Number(m[1]);
    if (n > 32) n -= 96;
    if (n < 0 || n > 32) return undefined;
    return n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  }
  return parseip(s);
}

/** The class mask Plan 9 defaults to when a mask is not given. */
export function classmask(a: Ip): Ip {
  const top = a >>> 24;
  if (top < 128) return 0xff000000;
  if (top < 192) return 0xffff0000;
  return 0xffffff00;
}

export const maskip = (a: Ip, m: Ip): Ip => (a & m) >>> 0;

export const sameNet = (a: Ip, b: Ip, m: Ip): boolean => maskip(a, m) === maskip(b, m);

/** 127.0.0.0/8: addresses that are also real on the host (Linux routes all of it to lo). */
export const isLoopback = (a: Ip): boolean => a >>> 24 === 127;

/** Port text: decimal 0..65535, or undefined. */
export function parseport(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

/** `addr!port` as the local and remote files print it. */
export const addrport = (a: Ip, port: number): string => `${fmtip(a)}!${port}`;

/** A 16-byte v4-in-v6 address (the Udphdr form). */
export function ip16(a: Ip, b: Buffer, at: number): void {
  b.fill(0, at, at + 10);
  b[at + 10] = 0xff;
  b[at + 11] = 0xff;
  b.writeUInt32BE(a >>> 0, at + 12);
}

export function fromIp16(b: Buffer, at: number): Ip {
  return b.readUInt32BE(at + 12);
}
