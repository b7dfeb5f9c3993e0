/*
 * The connection server (cs(8) in ndb(8)): translates a dial string into the clone file to
 * open and the address to write to its ctl. A request is `[net!]host[!service[!rest]]`
 * (one field means `net!host`); each answer is `MNTPT/PROTO/clone ADDR!PORT[!rest]`, or
 * `MNTPT/PROTO/clone PORT` for host `*` (announcing). `net` means the first of tcp and
 * udp that translates; a network cs does not know is passed through untranslated, as
 * Plan 9's cs does. Service names come from the ndb; host names from the stack's
 * /net/ndb, the built-in `localhost`, then (when real networking is allowed) the host's
 * resolver. Failures are cs's: `cs: can't translate address`, `cs: can't translate service`.
 */
import { lookup } from 'node:dns/promises';
import { NsError } from '../types.js';
import { fmtip, parseip } from './ip.js';
import { builtinDb, type Entry, ndbGet, parseNdb } from './ndb.js';
import type { Stack } from './stack.js';

const Eaddr = "cs: can't translate address";
const Eserv = "cs: can't translate service";
const KNOWN = ['tcp', 'udp'];

/** Where a stack's files are usually bound, the MNTPT of cs's answers. */
export function mntptOf(n: number): string {
  return n === 0 ? '/net' : n === 1 ? '/net.alt' : `/net.${n}`;
}

function dbOf(stack: Stack): Entry[] {
  return [...parseNdb(stack.ndb), ...builtinDb];
}

function service(db: Entry[], proto: string, serv: string): string | undefined {
  if (serv === '*') return '*';
  if (/^\d+$/.test(serv)) {
    const n = Number(serv);
    if (n > 65535) return undefined;
    const restricted = proto === 'tcp' && n < 1024 && db.some((e) => e.some(([a, v]) => a === 'port' && v === serv) && e.some(([a]) => a === 'restricted'));
    return serv + (restricted ? '!r' : '');
  }
  if (!/^[A-Za-z0-9$-]+$/.test(serv)) return undefined;
  for (const e of db) {
    if (!e.some(([a, v]) => a === proto && v === serv)) continue;
    const port = e.find(([a]) => a === 'port')?.[1];
    if (port) return port + (e.some(([a]) => a === 'restricted') ? '!r' : '');
  }
  return undefined;
}

async function hosts(db: Entry[], host: string, realnet: boolean): Promise<string[] | undefined> {
  if (host === '*' || host === '::') return ['*'];
  let h = host;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const a = parseip(h);
  if (a !== undefined) return [fmtip(a)];
  const found = [...ndbGet(db, 'sys', h, 'ip'), ...ndbGet(db, 'dom', h, 'ip')];
  if (found.length > 0) return [...new Set(found)];
  if (!realnet || !/^[A-Za-z0-9.-]+$/.test(h)) return undefined;
  try {
    const rs = await lookup(h, { family: 4, all: true });
    return rs.length > 0 ? rs.map((r) => r.address) : undefined;
  } catch {
    return undefined;
  }
}

/** The answers for one request, or an NsError with cs's words. */
export async function csTranslate(stack: Stack, request: string): Promise<string[]> {
  const req = request.replace(/\n$/, '').trim();
  if (req === '') throw new NsError(Eaddr);
  if (req.startsWith('!')) throw new NsError('cs: bad query');
  const f = req.split('!');
  let net: string;
  let host: string;
  let serv: string | undefined;
  let rest: string | undefined;
  if (f.length === 1) {
    net = 'net';
    host = f[0]!;
  } else {
    net = f[0]!;
    host = f[1]!;
    serv = f[2];
    rest = f.length > 3 ? f.slice(3).join('!') : undefined;
  }
  const mnt = mntptOf(stack.n);
  if (net !== 'net' && !KNOWN.includes(net)) {
    return [`${mnt}/${net}/clone ${host}${serv !== undefined ? '!' + serv : ''}`];
  }
  const db = dbOf(stack);
  // The error names what failed: the service only when no network knew it.
  let lastErr = Eserv;
  for (const proto of net === 'net' ? KNOWN : [net]) {
    const port = serv === undefined ? undefined : service(db, proto, serv);
    if (port === undefined) continue;
    const addrs = await hosts(db, host, stack.world.realnet);
    if (!addrs) {
      lastErr = Eaddr;
      continue;
    }
    const x = rest !== undefined ? '!' + rest : '';
    return addrs.map((a) => (a === '*' ? `${mnt}/${proto}/clone ${port}${x}` : `${mnt}/${proto}/clone ${a}!${port}${x}`));
  }
  throw new NsError(lastErr);
}
