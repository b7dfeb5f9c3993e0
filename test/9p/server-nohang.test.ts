/*
 * The server side of "nothing hangs" (issue 12), as a raw 9P peer sees it: a flushed read
 * takes nothing at its file, a clunk racing an open leaves nothing open, an unauthenticated
 * client on loopback is served by a server that has a key, errors name paths as the client
 * sees them, and malformed input gets Rerror or a closed connection, never a crash.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../../ns/9p/codec.js';
import { NsExport } from '../../ns/9p/export.js';
import { type Fcall, NOFID, NOTAG } from '../../ns/9p/fcall.js';
import { listen9p } from '../../ns/9p/post.js';
import type { ServeOptions } from '../../ns/9p/server.js';
import { MCREATE, MREPL } from '../../ns/mount.js';
import { worldServer } from '../../ns/net/index.js';
import type { Namespace } from '../../ns/namespace.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { type FileServer, OREAD, ORDWR, OWRITE } from '../../ns/types.js';
import { clone, netSetup, shutdownWorlds } from '../net/helpers.js';
import { BlockFs } from './blockfs.js';
import { serveUnix, type Served } from './helpers.js';
import { Raw } from './raw.js';

let served: Served | undefined;
const closers: Array<() => unknown> = [];
afterEach(async () => {
  await served?.close();
  served = undefined;
  for (const c of closers.splice(0)) await c();
  shutdownWorlds();
});

async function peer(fsrv: FileServer, opts: ServeOptions = {}): Promise<Raw> {
  served = await serveUnix(fsrv, opts);
  const r = await Raw.connect(served.sock);
  closers.push(() => r.close());
  expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' })).toMatchObject({ type: 'Rversion' });
  return r;
}

/** What p gives, or 'hung' if it does not settle in time (a hang guard, not a timing assertion). */
async function within<T>(p: Promise<T>): Promise<T | 'hung'> {
  let t: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((ok) => (t = setTimeout(() => ok('hung'), 5000)));
  try {
    return await Promise.race([p, hung]);
  } finally {
    clearTimeout(t);
  }
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const next = async (r: Raw): Promise<Fcall | 'hung'> => (await within(r.next())) ?? 'hung';

const attach = (r: Raw, fid = 1) => r.rpc({ type: 'Tattach', tag: 1, fid, afid: NOFID, uname: 'glenda', aname: '' });

async function walkOpen(r: Raw, fid: number, names: string[], mode: number): Promise<void> {
  expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: fid, wname: names })).toMatchObject({ type: 'Rwalk' });
  expect(await r.rpc({ type: 'Topen', tag: 1, fid, mode })).toMatchObject({ type: 'Ropen' });
}

/**
 * Tread on rfid (nothing there yet), Tflush it, then `put` data at the other end: a new
 * Tread must get all of it, none having gone to the flushed read.
 */
async function flushedReadTakesNothing(r: Raw, rfid: number, put: () => Promise<unknown>, want: string): Promise<void> {
  r.send({ type: 'Tread', tag: 10, fid: rfid, offset: 0, count: 100 });
  // A round trip, so the read is waiting at the file (not behind anything) when flushed.
  expect(await r.rpc({ type: 'Tstat', tag: 9, fid: 1 })).toMatchObject({ type: 'Rstat' });
  r.send({ type: 'Tflush', tag: 11, oldtag: 10 });
  expect(await next(r)).toEqual({ type: 'Rflush', tag: 11 });
  await put();
  r.send({ type: 'Tread', tag: 12, fid: rfid, offset: 0, count: 100 });
  const got = await next(r);
  expect(got).toMatchObject({ type: 'Rread', tag: 12 });
  expect((got as { data: Buffer }).data.toString()).toBe(want);
}

describe('a flushed read is cancelled at its file', () => {
  it('on a pipe: the data written after the flush all goes to the next read', async () => {
    const { ns } = await netSetup();
    await ns.bind('#|', '/mnt', MREPL);
    const r = await peer(new NsExport(ns, '/'));
    await attach(r);
    await walkOpen(r, 2, ['mnt', 'data1'], OREAD);
    await walkOpen(r, 3, ['mnt', 'data'], OWRITE);
    await flushedReadTakesNothing(r, 2, () => r.rpc({ type: 'Twrite', tag: 13, fid: 3, offset: 0, data: Buffer.from('hello') }), 'hello');
  });

  async function conversation(ns: Namespace): Promise<{ local: import('../../ns/vfs.js').Chan; farDir: string }> {
    const l = await clone(ns, '/net/tcp');
    await l.ctl.write(Buffer.from('announce 564'));
    const c = await clone(ns, '/net/tcp');
    await c.ctl.write(Buffer.from('connect 127.0.0.1!564'));
    const lc = await ns.open(l.dir + '/listen', ORDWR);
    const n = (await lc.read(32)).toString();
    closers.push(() => lc.close(), () => l.ctl.close(), () => c.ctl.close());
    const local = await ns.open(c.dir + '/data', ORDWR);
    closers.push(() => local.close());
    return { local, farDir: n };
  }

  it('on a /net conversation exported from a namespace', async () => {
    const { ns } = await netSetup();
    const { local, farDir } = await conversation(ns);
    const r = await peer(new NsExport(ns, '/'));
    await attach(r);
    await walkOpen(r, 2, ['net', 'tcp', farDir, 'data'], ORDWR);
    await flushedReadTakesNothing(r, 2, () => local.write(Buffer.from('hello')), 'hello');
  });

  it('on a /net conversation served as the /net daemon serves it (reads in pieces)', async () => {
    const { ns, world } = await netSetup();
    const { local, farDir } = await conversation(ns);
    const r = await peer(worldServer(world));
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: NOFID, uname: 'glenda', aname: 'I0' })).toMatchObject({ type: 'Rattach' });
    await walkOpen(r, 2, ['tcp', farDir, 'data'], ORDWR);
    await flushedReadTakesNothing(r, 2, () => local.write(Buffer.from('hello')), 'hello');
  });

  it('a read that finishes as it is flushed is answered before Rflush, so its data is not lost', async () => {
    const b = new BlockFs();
    b.onFlush = Buffer.from('just in time');
    const r = await peer(b);
    await attach(r);
    await walkOpen(r, 2, ['slow'], OREAD);
    r.send({ type: 'Tread', tag: 10, fid: 2, offset: 0, count: 100 });
    expect(await r.rpc({ type: 'Tstat', tag: 9, fid: 1 })).toMatchObject({ type: 'Rstat' });
    expect(b.reads).toBe(1);
    r.send({ type: 'Tflush', tag: 11, oldtag: 10 });
    const got = [await next(r), await next(r)];
    expect(got[0]).toMatchObject({ type: 'Rread', tag: 10 });
    expect((got[0] as { data: Buffer }).data.toString()).toBe('just in time');
    expect(got[1]).toEqual({ type: 'Rflush', tag: 11 });
  });

  it('a client that leaves with a read waiting takes nothing from the pipe', async () => {
    const { ns } = await netSetup();
    await ns.bind('#|', '/mnt', MREPL);
    const w = await ns.open('/mnt/data', OWRITE);
    closers.push(() => w.close());
    const r = await peer(new NsExport(ns, '/'));
    await attach(r);
    await walkOpen(r, 2, ['mnt', 'data1'], OREAD);
    const keep = await ns.open('/mnt/data1', OREAD);
    closers.push(() => keep.close());
    r.send({ type: 'Tread', tag: 10, fid: 2, offset: 0, count: 100 });
    await new Promise((ok) => setImmediate(ok));
    r.close();
    await r.ended;
    await new Promise((ok) => setTimeout(ok, 20));
    await w.write(Buffer.from('still here'));
    expect(String(await within(keep.read(100)))).toBe('still here');
  });
});

describe('a clunk pipelined behind an open', () => {
  const hostFds = (): number => fs.readdirSync('/proc/self/fd').length;

  it('closes what the open opens: 300 Topen+Tclunk and Tcreate+Tclunk races leave no host file open', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-9p-race-'));
    closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    const { ns } = await netSetup();
    await ns.bind('#U' + dir, '/tmp', MREPL | MCREATE);
    const r = await peer(new NsExport(ns, '/tmp'));
    await attach(r);
    const before = hostFds();
    for (let i = 0; i < 300; i++) {
      const fid = 2 + i;
      const create = i % 2 === 1;
      r.send(Buffer.concat([
        encode({ type: 'Twalk', tag: 1, fid: 1, newfid: fid, wname: create ? [] : ['f'] }),
        encode(create
          ? { type: 'Tcreate', tag: 2, fid, name: 'c' + i, perm: 0o644, mode: ORDWR }
          : { type: 'Topen', tag: 2, fid, mode: OREAD }),
        encode({ type: 'Tclunk', tag: 3, fid }),
      ]));
      const got = [await next(r), await next(r), await next(r)] as Fcall[];
      expect(got.map((f) => f.type).sort()).toEqual(create ? ['Rclunk', 'Rcreate', 'Rwalk'] : ['Rclunk', 'Ropen', 'Rwalk']);
    }
    // Every fid is gone: the clunk made them free again.
    expect(await r.rpc({ type: 'Tstat', tag: 1, fid: 2 })).toMatchObject({ ename: 'unknown fid' });
    r.close();
    await r.ended;
    // Closing is asynchronous on the host: give it a moment (a hang guard, not a timing).
    for (let i = 0; i < 200 && hostFds() - before >= 10; i++) await new Promise((ok) => setTimeout(ok, 10));
    expect(hostFds() - before).toBeLessThan(10);
  });
});

describe('the request window', () => {
  it('idle readers do not use it up: with 300 reads waiting, other requests are answered', async () => {
    const b = new BlockFs();
    const r = await peer(b);
    await attach(r);
    await walkOpen(r, 2, ['slow'], OREAD);
    r.send(Buffer.concat(Array.from({ length: 300 }, (_, i) => encode({ type: 'Tread', tag: 100 + i, fid: 2, offset: 0, count: 10 }))));
    expect(await within(r.rpc({ type: 'Tstat', tag: 1, fid: 1 }))).toMatchObject({ type: 'Rstat', tag: 1 });
    expect(b.reads).toBe(300);
    b.release();
  });

  it('bounds the Twrite data held by writes that wait', async () => {
    const b = new BlockFs();
    b.blockWrites = true;
    const r = await peer(b, { msize: 8192 });
    await attach(r);
    await walkOpen(r, 2, ['slow'], ORDWR);
    r.send(Buffer.concat(Array.from({ length: 200 }, (_, i) => encode({ type: 'Twrite', tag: 100 + i, fid: 2, offset: 0, data: Buffer.alloc(8000) }))));
    r.send({ type: 'Tstat', tag: 1, fid: 1 });
    // However long one waits, the server has taken no more than its bound.
    await sleep(300);
    expect(b.writes).toBeGreaterThan(20);
    expect(b.writes).toBeLessThan(40);
    const answered: string[] = [];
    b.blockWrites = false;
    b.release();
    while (answered.length < 201) {
      const f = await next(r);
      if (f === 'hung') break;
      answered.push(f.type);
    }
    expect(answered.filter((t) => t === 'Rwrite').length).toBe(200);
    expect(answered).toContain('Rstat');
  });
});

describe('a listener with a key, on loopback or a Unix socket', () => {
  const KEY = Buffer.from('a shared secret of some length');

  /** Version, then Tauth (answered, since there is a key), then attach with that afid left unfinished, and without one. */
  async function unauthenticated(r: Raw): Promise<Fcall[]> {
    await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' });
    expect(await r.rpc({ type: 'Tauth', tag: 1, afid: 5, uname: 'glenda', aname: '' })).toMatchObject({ type: 'Rauth' });
    return [
      (await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: 5, uname: 'glenda', aname: '' }))!,
      (await r.rpc({ type: 'Tattach', tag: 1, fid: 2, afid: NOFID, uname: 'glenda', aname: '' }))!,
      (await r.rpc({ type: 'Tattach', tag: 1, fid: 3, afid: 77, uname: 'glenda', aname: '' }))!,
    ];
  }

  it('serves a client that does not authenticate, as plan9port\'s 9p does not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-9p-key-'));
    closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const addr of ['tcp!127.0.0.1!0', `unix!${dir}/sock`]) {
      const l = await listen9p(addr, new Ramfs('glenda'), { authKey: KEY });
      closers.push(() => l.close());
      const a = l.server.address();
      const s = typeof a === 'string' || !a ? await connectUnix(`${dir}/sock`) : await connectTcp(a.port);
      const r = new Raw(s);
      closers.push(() => r.close());
      const got = await unauthenticated(r);
      expect(got[0]).toMatchObject({ type: 'Rattach' });
      expect(got[1]).toMatchObject({ type: 'Rattach' });
      // A fid that is no auth fid at all is still no authentication fid.
      expect(got[2]).toMatchObject({ type: 'Rerror', ename: 'bad authentication fid' });
    }
  });

  it('where authentication is required (beyond loopback), neither is served', async () => {
    const r = await peer(new Ramfs('glenda'), { authKey: KEY, requireAuth: true });
    expect(await r.rpc({ type: 'Tauth', tag: 1, afid: 5, uname: 'glenda', aname: '' })).toMatchObject({ type: 'Rauth' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: 5, uname: 'glenda', aname: '' })).toMatchObject({ ename: 'bad authentication fid' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 2, afid: NOFID, uname: 'glenda', aname: '' })).toMatchObject({ ename: 'authentication required' });
  });
});

function connectTcp(port: number): Promise<net.Socket> {
  return new Promise((ok, fail) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => ok(s)).once('error', fail);
  });
}

function connectUnix(p: string): Promise<net.Socket> {
  return new Promise((ok, fail) => {
    const s = net.connect(p);
    s.once('connect', () => ok(s)).once('error', fail);
  });
}

describe('errors from an export', () => {
  it('name files as the client sees them, never by where the export lies on this side', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-9p-err-'));
    closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    const { ns } = await netSetup();
    await ns.bind('#U' + dir, '/tmp', MREPL | MCREATE);
    const r = await peer(new NsExport(ns, '/tmp'));
    await attach(r);
    const texts: string[] = [];
    const say = (f: Fcall | undefined) => texts.push(f?.type === 'Rerror' ? f.ename : '');
    // A walk that finds nothing: Plan 9's words, the client names the file.
    const w = await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['nonexistent'] });
    expect(w).toMatchObject({ ename: 'file does not exist' });
    // A file gone between walk and open, or remove.
    await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 3, wname: ['f'] });
    await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 4, wname: ['f'] });
    fs.rmSync(path.join(dir, 'f'));
    say(await r.rpc({ type: 'Topen', tag: 1, fid: 3, mode: OREAD }));
    say(await r.rpc({ type: 'Tremove', tag: 1, fid: 4 }));
    expect(texts.filter((t) => t !== '').length).toBe(2);
    for (const t of texts) {
      expect(t).not.toContain(dir);
      expect(t).not.toContain('/tmp');
    }
    expect(texts).toEqual(["'/f' does not exist", "'/f' does not exist"]);
  });
});

describe('malformed and hostile input', () => {
  const frame = (type: number, tag: number, body: number[] | Buffer): Buffer => {
    const b = Buffer.alloc(7 + body.length);
    b.writeUInt32LE(b.length, 0);
    b[4] = type;
    b.writeUInt16LE(tag, 5);
    Buffer.from(body).copy(b, 7);
    return b;
  };

  it('answers Rerror to well-framed nonsense and goes on serving', async () => {
    const r = await peer(new Ramfs('glenda'));
    // Twalk saying 65535 names with none there; a header alone for Tattach; a string longer than its message.
    r.send(frame(110, 2, [1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff]));
    expect(await next(r)).toMatchObject({ type: 'Rerror', tag: 2 });
    r.send(frame(104, 3, []));
    expect(await next(r)).toMatchObject({ type: 'Rerror', tag: 3 });
    r.send(frame(104, 4, [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x61]));
    expect(await next(r)).toMatchObject({ type: 'Rerror', tag: 4 });
    // 9P2000.L's Tlopen to a 9P2000 server; an R-message; Rflush sent as if a request.
    r.send(frame(12, 5, [1, 0, 0, 0, 0, 0, 0, 0]));
    expect(await next(r)).toMatchObject({ type: 'Rerror', tag: 5 });
    r.send(frame(109, 6, []));
    expect(await next(r)).toMatchObject({ type: 'Rerror', tag: 6 });
    expect(await attach(r)).toMatchObject({ type: 'Rattach' });
  });

  it('refuses reuse: a tag in flight, a fid in use as newfid, auth fid or attach fid, NOFID as a fid', async () => {
    const b = new BlockFs();
    const r = await peer(b, { authKey: Buffer.from('a shared secret of some length') });
    await attach(r);
    await walkOpen(r, 2, ['slow'], OREAD);
    r.send({ type: 'Tread', tag: 7, fid: 2, offset: 0, count: 10 });
    expect(await r.rpc({ type: 'Tread', tag: 7, fid: 2, offset: 0, count: 10 })).toMatchObject({ tag: 7, ename: 'tag in use' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] })).toMatchObject({ ename: 'fid in use' });
    expect(await r.rpc({ type: 'Tauth', tag: 1, afid: 1, uname: 'glenda', aname: '' })).toMatchObject({ ename: 'fid in use' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 2, afid: NOFID, uname: 'glenda', aname: '' })).toMatchObject({ ename: 'fid in use' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: NOFID, wname: [] })).toMatchObject({ ename: 'unknown fid' });
    // A flush of a flush, or of itself, is answered and harms nothing.
    expect(await r.rpc({ type: 'Tflush', tag: 8, oldtag: 8 })).toEqual({ type: 'Rflush', tag: 8 });
    b.release();
    expect(await next(r)).toMatchObject({ type: 'Rread', tag: 7 });
    expect(await r.rpc({ type: 'Tstat', tag: 1, fid: 1 })).toMatchObject({ type: 'Rstat' });
  });

  it.each(['ramfs', 'an exported namespace with a pipe'])('survives a storm of mutated messages on many connections, and serves the next client (%s)', async (what) => {
    let fsrv: FileServer = new Ramfs('glenda');
    if (what !== 'ramfs') {
      const { ns } = await netSetup();
      await ns.bind('#|', '/mnt', MREPL);
      fsrv = new NsExport(ns, '/');
    }
    served = await serveUnix(fsrv, { msize: 8192 });
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const good: Fcall[] = [
      { type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' },
      { type: 'Tattach', tag: 1, fid: 1, afid: NOFID, uname: 'glenda', aname: '' },
      { type: 'Twalk', tag: 2, fid: 1, newfid: 2, wname: ['a', 'b'] },
      { type: 'Twalk', tag: 12, fid: 1, newfid: 2, wname: ['mnt', 'data1'] },
      { type: 'Twalk', tag: 13, fid: 1, newfid: 4, wname: ['mnt', 'data'] },
      { type: 'Topen', tag: 14, fid: 4, mode: 1 },
      { type: 'Twrite', tag: 15, fid: 4, offset: 0, data: Buffer.from('pipe data') },
      { type: 'Tcreate', tag: 3, fid: 2, name: 'x', perm: 0o644, mode: 2 },
      { type: 'Topen', tag: 4, fid: 2, mode: 0 },
      { type: 'Tread', tag: 5, fid: 2, offset: 0, count: 100 },
      { type: 'Twrite', tag: 6, fid: 2, offset: 0, data: Buffer.from('some data') },
      { type: 'Tstat', tag: 7, fid: 1 },
      { type: 'Tclunk', tag: 8, fid: 2 },
      { type: 'Tremove', tag: 9, fid: 2 },
      { type: 'Tflush', tag: 10, oldtag: 5 },
      { type: 'Tauth', tag: 11, afid: 3, uname: 'glenda', aname: '' },
    ];
    const encoded = good.map((f) => encode(f));
    for (let c = 0; c < 20; c++) {
      const r = await Raw.connect(served.sock);
      closers.push(() => r.close());
      const parts: Buffer[] = [encoded[0]!, encoded[1]!];
      for (let i = 0; i < 200; i++) {
        const m = Buffer.from(encoded[rand(encoded.length)]!);
        // Flip a few bytes past the size field; sometimes the size field too.
        for (let k = rand(4); k >= 0; k--) m[4 + rand(m.length - 4)] = rand(256);
        if (rand(20) === 0) m.writeUInt32LE(rand(64), 0);
        parts.push(m);
      }
      // A size field no message can have: by then the server has taken all the rest, and closes.
      parts.push(Buffer.from([3, 0, 0, 0, 0, 0, 0]));
      r.send(Buffer.concat(parts));
      expect(await within(r.ended.then(() => 'closed'))).toBe('closed');
    }
    const r = await Raw.connect(served.sock);
    closers.push(() => r.close());
    expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' })).toMatchObject({ type: 'Rversion' });
    expect(await attach(r)).toMatchObject({ type: 'Rattach' });
  });
});
