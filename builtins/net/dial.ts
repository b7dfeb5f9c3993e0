/*
 * dial(2) over a process's namespace: every step is a file operation on the caller's Vfs,
 * exactly as a Plan 9 program does it, so whatever is bound at /net (the in-process
 * emulator, a mounted daemon, another machine's /net imported) is what gets dialled.
 *
 *   dial      write the dial string to NETROOT/cs, read the answers (`CLONE ADDR` lines);
 *             for each: open CLONE, read the conversation number, write `connect ADDR`,
 *             open data. Without an explicit netroot (`/net.alt/tcp!h!s`) /net is tried,
 *             then /net.alt.
 *   announce  the same with `announce ADDR`; the ctl file stays open to keep it.
 *   listen    open DIR/listen: blocks until a call; the chan is the new conversation's ctl.
 *   accept    open the new conversation's data.
 */
import type { Chan, Vfs } from '../../ns/vfs.js';
import { NsError, OREAD, ORDWR } from '../../ns/types.js';

export const NETROOTS = ['/net', '/net.alt'];

export interface Conn {
  data: Chan;
  ctl: Chan;
  /** The conversation directory, e.g. /net/tcp/4. */
  dir: string;
}

export interface Announced {
  ctl: Chan;
  dir: string;
}

/** Plan 9's netmkaddr: fill in the network and service a short address leaves out. */
export function netmkaddr(addr: string, defnet = 'net', defsvc?: string): string {
  const bang = addr.indexOf('!');
  if (bang < 0) return defsvc ? `${defnet}!${addr}!${defsvc}` : `${defnet}!${addr}`;
  if (addr.indexOf('!', bang + 1) >= 0 || !defsvc) return addr;
  // one bang: net!host if net is a network name (or a path to one), else host!service
  const first = addr.slice(0, bang);
  if (/^(\/[^!]*\/)?(tcp|udp|il|net|unix|ssh)$/.test(first)) return `${addr}!${defsvc}`;
  return `${defnet}!${addr}`;
}

/** Split `[/netroot/]rest` (the netroot is a path before the first !). */
export function splitNetroot(addr: string): { netroot?: string; rest: string } {
  const bang = addr.indexOf('!');
  const head = bang < 0 ? addr : addr.slice(0, bang);
  if (!head.startsWith('/')) return { rest: addr };
  const slash = head.lastIndexOf('/');
  return { netroot: head.slice(0, slash) || '/', rest: addr.slice(slash + 1) };
}

export async function readAll(c: Chan, max = 1 << 20): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for (let b = await c.read(8192); b.length > 0 && n < max; b = await c.read(8192)) {
    parts.push(b);
    n += b.length;
  }
  return Buffer.concat(parts).toString();
}

/** cs's answers for a request: `CLONEPATH ADDR` each. */
export async function csQuery(vfs: Vfs, netroot: string, request: string): Promise<string[]> {
  const cs = await vfs.open(netroot.replace(/\/$/, '') + '/cs', ORDWR);
  try {
    await cs.write(Buffer.from(request));
    const out: string[] = [];
    for (let b = await cs.read(1024); b.length > 0; b = await cs.read(1024)) out.push(b.toString());
    return out;
  } finally {
    cs.close();
  }
}

/** The answers for addr under netroot; with no cs, a numeric proto!host!port is used as is. */
async function translate(vfs: Vfs, netroot: string, rest: string): Promise<{ clone: string; addr: string }[]> {
  // A numeric address needs no translation: it is what cs would answer, without the
  // round trips to it (several 9P messages each, when /net is the shared daemon).
  const num = /^(tcp|udp)!(\d{1,3}(?:\.\d{1,3}){3})!(\d{1,5})$/.exec(rest);
  if (num) return [{ clone: `${netroot.replace(/\/$/, '')}/${num[1]}/clone`, addr: `${num[2]}!${num[3]}` }];
  let answers: string[];
  try {
    answers = await csQuery(vfs, netroot, rest);
  } catch (e) {
    const f = rest.split('!');
    if (!/does not exist/.test(msg(e)) || f.length < 3) throw e;
    answers = [`${netroot}/${f[0]}/clone ${f.slice(1).join('!')}`];
  }
  return answers.map((a) => {
    const sp = a.indexOf(' ');
    let clone = sp < 0 ? a : a.slice(0, sp);
    const addr = sp < 0 ? '' : a.slice(sp + 1);
    // cs names its stack's usual mount point; use the netroot this dial went through.
    const m = /\/[^/]+\/clone$/.exec(clone);
    if (m && !clone.startsWith(netroot + '/')) clone = netroot.replace(/\/$/, '') + m[0];
    return { clone, addr };
  });
}

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A conversation from clone with `verb arg` written to its ctl; with data, its data file
 * is opened while the ctl write is under way (a conversation's files can be opened in
 * any state), so over 9P a dial costs two round trips after the clone, not three.
 */
async function callOne(vfs: Vfs, clone: string, verb: string, arg: string, data: true): Promise<Conn>;
async function callOne(vfs: Vfs, clone: string, verb: string, arg: string): Promise<Announced>;
async function callOne(vfs: Vfs, clone: string, verb: string, arg: string, data = false): Promise<Announced & { data?: Chan }> {
  const ctl = await vfs.open(clone, ORDWR);
  let d: Chan | undefined;
  try {
    const n = (await ctl.read(32)).toString().trim();
    const dir = clone.slice(0, clone.lastIndexOf('/')) + '/' + n;
    const opening = data ? vfs.open(dir + '/data', ORDWR).then((c) => (d = c)) : undefined;
    const [written, opened] = await Promise.allSettled([ctl.write(Buffer.from(`${verb} ${arg}`)), opening]);
    if (written.status === 'rejected') throw written.reason;
    if (opened.status === 'rejected') throw opened.reason;
    return { ctl, dir, data: d };
  } catch (e) {
    d?.close();
    ctl.close();
    throw e;
  }
}

/** dial(2): a connection to addr (`[netroot/]net!host!service`). */
export async function dial(vfs: Vfs, addr: string, local?: string): Promise<Conn> {
  const { netroot, rest } = splitNetroot(addr);
  let first: unknown;
  for (const root of netroot ? [netroot] : NETROOTS) {
    let answers: { clone: string; addr: string }[];
    try {
      answers = await translate(vfs, root, rest);
    } catch (e) {
      first ??= e;
      continue;
    }
    for (const a of answers) {
      try {
        return await callOne(vfs, a.clone, 'connect', local ? `${a.addr} ${local}` : a.addr, true);
      } catch (e) {
        first ??= e;
      }
    }
  }
  throw first instanceof Error ? first : new NsError(msg(first));
}

/** announce(2): addr announced; keep ctl open while it should stay so. */
export async function announce(vfs: Vfs, addr: string): Promise<Announced> {
  const { netroot, rest } = splitNetroot(addr);
  const answers = await translate(vfs, netroot ?? NETROOTS[0]!, rest);
  let first: unknown;
  for (const a of answers) {
    try {
      return await callOne(vfs, a.clone, 'announce', a.addr);
    } catch (e) {
      first ??= e;
    }
  }
  throw first instanceof Error ? first : new NsError("cs: can't translate address");
}

/** listen(2): wait for a call on an announced dir; the new conversation's ctl and dir. */
export async function listen(vfs: Vfs, dir: string): Promise<Announced> {
  const ctl = await vfs.open(dir + '/listen', ORDWR);
  try {
    const n = (await ctl.read(32)).toString().trim();
    return { ctl, dir: dir.slice(0, dir.lastIndexOf('/')) + '/' + n };
  } catch (e) {
    ctl.close();
    throw e;
  }
}

/** accept(2): the data file of a call listen gave. */
export async function accept(vfs: Vfs, call: Announced): Promise<Chan> {
  return vfs.open(call.dir + '/data', ORDWR);
}

/** A conversation's remote (or local) address, `addr!port`. */
export async function connAddr(vfs: Vfs, dir: string, which: 'remote' | 'local'): Promise<string> {
  try {
    const c = await vfs.open(`${dir}/${which}`, OREAD);
    try {
      return (await readAll(c)).trim();
    } finally {
      c.close();
    }
  } catch {
    return '???';
  }
}

/**
 * Copy from to to until from ends; with halfClose, then a zero-length write tells a
 * connection's far end no more is coming (the emulator's half-close).
 */
export async function pump(from: () => Promise<Buffer>, to: (b: Buffer) => Promise<unknown>, halfClose?: () => Promise<unknown>): Promise<void> {
  for (;;) {
    const b = await from();
    if (b.length === 0) break;
    await to(b);
  }
  if (halfClose) await halfClose();
}
