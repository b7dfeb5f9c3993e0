/*
 * hubfs (ns/srv/hubfs.ts) as a FileServer: every reader gets every write, a late reader
 * the backlog (or, under trunc, only what follows), eof is a mark each reader meets once,
 * freeze makes static files for fids opened during it, an overrun is counted, fear holds
 * writers back, and a read given up (a signal, a real Tflush on a Unix socket) takes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOFID, NOTAG, type Fcall } from '../../ns/9p/fcall.js';
import { Hubfs, type HubfsOptions } from '../../ns/srv/hubfs.js';
import { type Fid, NsError, OREAD, ORDWR, ORCLOSE, OTRUNC, OWRITE } from '../../ns/types.js';
import { serveUnix, type Served } from '../9p/helpers.js';
import { Raw } from '../9p/raw.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function server(opts: Partial<HubfsOptions> = {}): Promise<{ fs: Hubfs; root: Fid }> {
  const fs = new Hubfs({ name: 't', ...opts });
  return { fs, root: await fs.attach('glenda') };
}

async function make(root: Fid, name: string, mode = OWRITE): Promise<Fid> {
  const w = await root.walk([]);
  await w.fid!.create(name, 0o666, mode);
  return w.fid!;
}

async function open(root: Fid, name: string, mode = OREAD): Promise<Fid> {
  const w = await root.walk([name]);
  if (!w.fid) throw new Error('no ' + name);
  await w.fid.open(mode);
  return w.fid;
}

const put = (f: Fid, s: string): Promise<number> => f.write(0, Buffer.from(s));
const get = async (f: Fid, n = 8192, signal?: AbortSignal): Promise<string> => (await f.read(0, n, signal)).toString();

/** Read until n bytes have come (or end of file). */
async function getN(f: Fid, n: number): Promise<string> {
  let s = '';
  while (s.length < n) {
    const b = await f.read(0, n - s.length);
    if (b.length === 0) break;
    s += b.toString();
  }
  return s;
}

/** Whether p is still waiting after the event loop has had several turns (nothing here waits on a clock). */
async function waiting(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((ok) => setImmediate(ok));
  return !done;
}

async function ctl(root: Fid, msg?: string): Promise<string> {
  const c = await open(root, 'ctl', ORDWR);
  try {
    if (msg !== undefined) await c.write(0, Buffer.from(msg));
    return (await c.read(0, 8192)).toString();
  } finally {
    await c.clunk();
  }
}

async function errOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NsError);
    return (e as Error).message;
  }
  return 'no error';
}

describe('hubfs', () => {
  it('fans every write out to every reader', async () => {
    const { root } = await server();
    const w = await make(root, 'chat');
    const rs = [await open(root, 'chat'), await open(root, 'chat'), await open(root, 'chat')];
    const first = rs.map((r) => get(r));
    await put(w, 'hello\n');
    expect(await Promise.all(first)).toEqual(['hello\n', 'hello\n', 'hello\n']);
    await put(w, 'a');
    await put(w, 'b');
    for (const r of rs) expect(await getN(r, 2)).toBe('ab');
  });

  it('gives a reader opened later the backlog, from the oldest byte kept', async () => {
    const { root } = await server();
    const w = await make(root, 'h');
    await put(w, 'one\n');
    await put(w, 'two\n');
    const r = await open(root, 'h');
    expect(await getN(r, 8)).toBe('one\ntwo\n');
    expect(await waiting(get(r))).toBe(true);
  });

  it('under trunc (-t, or trunc in ctl) starts a new reader at the end', async () => {
    const { root } = await server({ trunc: true });
    const w = await make(root, 'h');
    await put(w, 'old\n');
    const r = await open(root, 'h');
    const p = get(r);
    expect(await waiting(p)).toBe(true);
    await put(w, 'new\n');
    expect(await p).toBe('new\n');
    expect(await ctl(root, 'notrunc')).toMatch(/trunc 0/);
    expect(await getN(await open(root, 'h'), 8)).toBe('old\nnew\n');
    expect(await ctl(root, 'trunc')).toMatch(/^hubfs t: fear 0 freeze 0 trunc 1 ring 777777\n/);
    expect(await waiting(get(await open(root, 'h')))).toBe(true);
  });

  it('eof is sticky: each reader gets exactly one end of file where it was written, a late one too', async () => {
    const { root } = await server();
    const w = await make(root, 'h');
    const waitingReader = await open(root, 'h');
    const slow = await open(root, 'h');
    const pending = get(waitingReader);
    await put(w, 'x\n');
    expect(await pending).toBe('x\n');
    const eof = get(waitingReader);
    await ctl(root, 'eof h');
    expect(await eof).toBe('');
    // One empty read per eof: the next read waits for data again.
    const after = get(waitingReader);
    expect(await waiting(after)).toBe(true);
    // A reader that had not read yet reads up to the mark, gets its end of file, then waits.
    expect(await get(slow)).toBe('x\n');
    expect(await get(slow)).toBe('');
    expect(await waiting(get(slow))).toBe(true);
    // One opened after the eof reads the backlog and meets the same mark.
    const late = await open(root, 'h');
    expect(await get(late)).toBe('x\n');
    expect(await get(late)).toBe('');
    // Data written after the mark comes after it.
    await put(w, 'y\n');
    expect(await after).toBe('y\n');
    expect(await get(late)).toBe('y\n');
  });

  it('eof with no name ends every hub; two eofs are two ends of file', async () => {
    const { root } = await server();
    await make(root, 'a');
    await make(root, 'b');
    const ra = await open(root, 'a');
    const rb = await open(root, 'b');
    await ctl(root, 'eof');
    await ctl(root, 'eof a');
    expect(await get(ra)).toBe('');
    expect(await get(ra)).toBe('');
    expect(await get(rb)).toBe('');
    expect(await waiting(get(rb))).toBe(true);
    expect(await errOf(ctl(root, 'eof nosuch'))).toBe('file does not exist');
  });

  it('freeze makes static files for fids opened during it; streaming readers keep waiting; melt undoes it', async () => {
    const { root } = await server();
    const w = await make(root, 'h');
    await put(w, 'one\ntwo\n');
    const streaming = await open(root, 'h');
    expect(await getN(streaming, 8)).toBe('one\ntwo\n');
    const pending = get(streaming);
    expect(await ctl(root, 'freeze')).toMatch(/freeze 1/);
    const s = await open(root, 'h', ORDWR);
    expect((await s.read(0, 100)).toString()).toBe('one\ntwo\n');
    expect((await s.read(4, 100)).toString()).toBe('two\n');
    expect((await s.read(8, 100)).length).toBe(0);
    await s.write(0, Buffer.from('ONE'));
    await s.write(8, Buffer.from('three\n'));
    expect((await s.read(0, 100)).toString()).toBe('ONE\ntwo\nthree\n');
    expect((await s.stat()).length).toBe(14);
    // The streaming reader was not handed end of file; it gets what was appended.
    expect(await pending).toBe('three\n');
    expect(await ctl(root, 'melt')).toMatch(/freeze 0/);
    const r = await open(root, 'h');
    expect(await getN(r, 14)).toBe('ONE\ntwo\nthree\n');
    expect(await waiting(get(r))).toBe(true);
  });

  it('counts in lost what a reader the ring left behind never saw, and goes on from the oldest byte kept', async () => {
    const { root } = await server({ ring: 10 });
    const w = await make(root, 'h');
    const r = await open(root, 'h');
    await put(w, 'abcdefgh');
    await put(w, 'ijklmnop');
    await put(w, 'qrstuvwxy');
    expect(await getN(r, 10)).toBe('pqrstuvwxy');
    expect(await ctl(root)).toContain('h readers 1 written 25 lost 15\n');
    // A write larger than the ring keeps its last ring bytes.
    await put(w, '0123456789ABCDEF');
    expect(await getN(r, 10)).toBe('6789ABCDEF');
    expect(await ctl(root)).toContain('h readers 1 written 41 lost 21\n');
    // An eof mark the ring dropped before the reader got to it is still delivered, after the gap.
    await ctl(root, 'eof h');
    await put(w, 'abcdefghijklmnop');
    expect(await get(r)).toBe('');
    expect(await getN(r, 10)).toBe('ghijklmnop');
  });

  it('fear holds a writer back while the slowest reader would lose bytes, and lets it go as the reader reads', async () => {
    const { root } = await server({ ring: 10, fearWait: 60_000 });
    const w = await make(root, 'h');
    const r = await open(root, 'h');
    await ctl(root, 'fear');
    await put(w, 'abcdefgh');
    const held = put(w, 'ijklm');
    expect(await waiting(held)).toBe(true);
    expect(await getN(r, 8)).toBe('abcdefgh');
    expect(await held).toBe(5);
    expect(await getN(r, 5)).toBe('ijklm');
    expect(await ctl(root)).toContain('h readers 1 written 13 lost 0\n');
    // calm lets a held writer go (and the laggard loses what the ring drops).
    await put(w, 'nopqrstu');
    const held2 = put(w, 'vwxyz');
    expect(await waiting(held2)).toBe(true);
    await ctl(root, 'calm');
    expect(await held2).toBe(5);
    expect(await getN(r, 10)).toBe('qrstuvwxyz');
    expect(await ctl(root)).toMatch(/fear 0[^]*lost 3\n/);
  });

  it('fear: a held write can be given up (nothing written), and waits at most fearWait', async () => {
    const { fs, root } = await server({ ring: 10, fearWait: 60_000 });
    const w = await make(root, 'h');
    const r = await open(root, 'h');
    await ctl(root, 'fear');
    await put(w, 'abcdefgh');
    const ac = new AbortController();
    const held = w.write(0, Buffer.from('ijklm'), ac.signal);
    expect(await waiting(held)).toBe(true);
    ac.abort();
    expect(await errOf(held)).toBe('interrupted');
    expect(fs.status()).toContain('h readers 1 written 8 lost 0');
    // With no one reading, the write goes through once fearWait has passed: never held for ever.
    fs.fearWait = 1;
    expect(await put(w, 'ijklm')).toBe(5);
    expect(await getN(r, 10)).toBe('defghijklm');
    expect(fs.status()).toContain('written 13 lost 3');
  });

  it('fear: a reader that lets a writer wait its whole fearWait is not waited for again until it reads', async () => {
    const { fs, root } = await server({ ring: 10, fearWait: 1 });
    const w = await make(root, 'h');
    const r = await open(root, 'h');
    await ctl(root, 'fear');
    await put(w, 'abcdefgh');
    await put(w, 'ijklm');
    fs.fearWait = 60_000;
    expect(await waiting(put(w, 'nopqr'))).toBe(false);
    expect(await get(r)).toBe('ijklmnopqr');
    await put(w, 'stuvwxyz');
    const held = put(w, '01234');
    expect(await waiting(held)).toBe(true);
    await ctl(root, 'calm');
    expect(await held).toBe(5);
  });

  it('a read given up takes nothing: the next read gets the data', async () => {
    const { root } = await server();
    const w = await make(root, 'h');
    const r = await open(root, 'h');
    const ac = new AbortController();
    const p = get(r, 100, ac.signal);
    expect(await waiting(p)).toBe(true);
    ac.abort();
    expect(await errOf(p)).toBe('interrupted');
    await put(w, 'kept');
    expect(await get(r)).toBe('kept');
  });

  it('removing a hub gives its readers end of file; writers then fail', async () => {
    const { fs, root } = await server();
    const w = await make(root, 'h');
    const r = await open(root, 'h');
    const p = get(r);
    const rm = await root.walk(['h']);
    await rm.fid!.remove();
    expect(await p).toBe('');
    expect(await get(r)).toBe('');
    expect(await errOf(put(w, 'x'))).toBe('i/o on hungup channel');
    expect(fs.hubs()).toEqual([]);
    // ORCLOSE removes at clunk.
    const t = await make(root, 'tmp', OWRITE | ORCLOSE);
    expect(fs.hubs()).toEqual(['tmp']);
    await t.clunk();
    expect(fs.hubs()).toEqual([]);
  });

  it('OTRUNC empties the hub', async () => {
    const { root } = await server();
    const w = await make(root, 'h');
    await put(w, 'gone');
    const t = await open(root, 'h', OWRITE | OTRUNC);
    await put(t, 'new');
    expect(await get(await open(root, 'h'))).toBe('new');
  });

  it('ctl: status then a line per hub; an unknown message is an error; create makes any name but ctl', async () => {
    const { root } = await server({ ring: 100 });
    await make(root, 'a b.c');
    const w = await make(root, 'x');
    await open(root, 'x');
    await put(w, 'hello');
    expect(await ctl(root)).toBe('hubfs t: fear 0 freeze 0 trunc 0 ring 100\na b.c readers 0 written 0 lost 0\nx readers 1 written 5 lost 0\n');
    for (const bad of ['frob', 'freeze now', 'quit quit', 'fear\nfrob']) expect(await errOf(ctl(root, bad))).toBe('unknown control message');
    // A write with a bad line does none of its lines.
    expect(await ctl(root)).toMatch(/^hubfs t: fear 0 /);
    // eof takes the rest of the line as the hub's name, blanks and all.
    const r = await open(root, 'a b.c');
    await ctl(root, ' eof a b.c \n\n');
    expect(await get(r)).toBe('');
    expect(await errOf(ctl(root, 'eof a'))).toBe('file does not exist');
    expect(await errOf(make(root, 'ctl'))).toBe('file already exists');
    expect(await errOf(make(root, 'x'))).toBe('file already exists');
    const d = await root.walk([]);
    expect(await errOf(d.fid!.create('d', 0x80000000 | 0o777, OREAD))).toBe('permission denied');
    expect(await errOf(root.walk(['nosuch']))).toBe('file does not exist');
    expect(await errOf(open(root, '.', OWRITE))).toBe('file is a directory');
    expect(await errOf((await root.walk(['ctl'])).fid!.remove())).toBe('permission denied');
  });

  it('a host adds ctl messages of its own; they take the whole write and fail it by throwing', async () => {
    const { fs, root } = await server();
    const got: string[] = [];
    fs.addControl('new', (rest) => {
      if (rest.startsWith('bad')) throw new NsError('bad group name');
      got.push(rest);
    });
    await ctl(root, 'new io\nbind /a /b\n');
    expect(got).toEqual(['io\nbind /a /b\n']);
    expect(await errOf(ctl(root, 'new bad'))).toBe('bad group name');
    expect(await errOf(ctl(root, 'newer io'))).toBe('unknown control message');
  });

  it('lists ctl and the hubs; stat gives the bytes kept', async () => {
    const { root } = await server({ ring: 4 });
    const w = await make(root, 'h');
    await put(w, 'abcdef');
    const d = await open(root, '.');
    const { unpackDirs } = await import('../../ns/dirfmt.js');
    const dirs = unpackDirs(await d.read(0, 8192));
    expect(dirs.map((x) => [x.name, x.length])).toEqual([['ctl', 0], ['h', 4]]);
  });

  it('counts clients, calls onIdle when the last hub fid goes, and quit ends readers and the server', async () => {
    const { fs, root } = await server();
    let idle = 0;
    let quit = 0;
    fs.onIdle(() => idle++);
    fs.onQuit(() => quit++);
    const w = await make(root, 'h');
    const r = await open(root, 'h');
    expect(fs.clients).toBe(2);
    expect(fs.readers('h')).toBe(1);
    expect(fs.readers('nosuch')).toBe(0);
    await w.clunk();
    expect(idle).toBe(0);
    const p = get(r);
    await ctl(root, 'quit');
    expect(quit).toBe(1);
    expect(await p).toBe('');
    await r.clunk();
    expect(idle).toBe(1);
    expect(await errOf(fs.attach('glenda'))).toBe('i/o on hungup channel');
  });

  it('never fails with anything but a Plan 9 error, whatever it is asked', async () => {
    const { fs, root } = await server({ ring: 7 });
    let seed = 1;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const names = ['a', 'b', 'ctl', '.', '..', ''];
    const open1: Fid[] = [];
    for (let i = 0; i < 400; i++) {
      const name = names[rnd(names.length)]!;
      const op = rnd(9);
      const ac = new AbortController();
      let p: Promise<unknown>;
      const f = open1[rnd(open1.length + 1)];
      if (op === 0) p = make(root, name, rnd(4) | (rnd(2) ? OTRUNC : 0)).then((x) => open1.push(x));
      else if (op === 1) p = open(root, name, rnd(4) | (rnd(2) ? OTRUNC : 0)).then((x) => open1.push(x));
      else if (op === 2 && f) p = f.write(rnd(20), Buffer.from('xyz'.repeat(rnd(5))), ac.signal);
      else if (op === 3 && f) p = f.read(rnd(20), rnd(30), ac.signal);
      else if (op === 4) p = ctl(root, ['eof', 'freeze', 'melt', 'fear', 'calm', 'trunc', 'notrunc', 'eof a', 'x\ny'][rnd(9)]!);
      else if (op === 5 && f) p = f.clunk();
      else if (op === 6) p = root.walk([name]).then((x) => x.fid?.remove());
      else if (op === 7 && f) p = f.wstat({ name: names[rnd(names.length)], length: rnd(2) });
      else p = root.walk([name, name]);
      p.catch((e) => expect(e).toBeInstanceOf(NsError));
      if (rnd(2)) ac.abort();
      await waiting(p);
    }
    await ctl(root, 'calm');
    fs.quit();
  });
});

describe('hubfs over 9P on a Unix socket', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  async function peer(fs: Hubfs): Promise<Raw> {
    served = await serveUnix(fs);
    const r = await Raw.connect(served.sock);
    closers.push(() => r.close());
    expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' })).toMatchObject({ type: 'Rversion' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: NOFID, uname: 'glenda', aname: '' })).toMatchObject({ type: 'Rattach' });
    return r;
  }

  async function walkOpen(r: Raw, fid: number, name: string, mode: number): Promise<void> {
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: fid, wname: [name] })).toMatchObject({ type: 'Rwalk' });
    expect(await r.rpc({ type: 'Topen', tag: 1, fid, mode })).toMatchObject({ type: 'Ropen' });
  }

  it('a flushed Tread takes nothing: all that is written after goes to the next read', async () => {
    const fs = new Hubfs({ name: 'u' });
    const r = await peer(fs);
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] })).toMatchObject({ type: 'Rwalk' });
    expect(await r.rpc({ type: 'Tcreate', tag: 1, fid: 2, name: 'h', perm: 0o666, mode: OWRITE })).toMatchObject({ type: 'Rcreate' });
    await walkOpen(r, 3, 'h', OREAD);
    r.send({ type: 'Tread', tag: 10, fid: 3, offset: 0, count: 100 });
    // A round trip, so the read is waiting at the hub when flushed.
    expect(await r.rpc({ type: 'Tstat', tag: 9, fid: 1 })).toMatchObject({ type: 'Rstat' });
    r.send({ type: 'Tflush', tag: 11, oldtag: 10 });
    expect(await r.next()).toEqual({ type: 'Rflush', tag: 11 });
    expect(await r.rpc({ type: 'Twrite', tag: 12, fid: 2, offset: 0, data: Buffer.from('hello') })).toMatchObject({ type: 'Rwrite', count: 5 });
    const got = (await r.rpc({ type: 'Tread', tag: 13, fid: 3, offset: 0, count: 100 })) as Fcall & { data: Buffer };
    expect(got).toMatchObject({ type: 'Rread', tag: 13 });
    expect(got.data.toString()).toBe('hello');
    expect(fs.status()).toContain('h readers 1 written 5 lost 0');
  });

  it('reads waiting on two hubs of one connection are answered in the order the writes came', async () => {
    const fs = new Hubfs({ name: 'u' });
    const r = await peer(fs);
    const root = await fs.attach('host');
    const out = await make(root, 'io1');
    const err = await make(root, 'io2');
    await walkOpen(r, 3, 'io1', OREAD);
    await walkOpen(r, 4, 'io2', OREAD);
    const order: string[] = [];
    for (const [first, second] of [[err, out], [out, err], [err, out]] as const) {
      r.send({ type: 'Tread', tag: 10, fid: 3, offset: 0, count: 100 });
      r.send({ type: 'Tread', tag: 11, fid: 4, offset: 0, count: 100 });
      expect(await r.rpc({ type: 'Tstat', tag: 9, fid: 1 })).toMatchObject({ type: 'Rstat' });
      await put(first, first === out ? 'out' : 'err');
      await put(second, second === out ? 'out' : 'err');
      for (let i = 0; i < 2; i++) order.push(((await r.next()) as Fcall & { data: Buffer }).data.toString());
    }
    expect(order).toEqual(['err', 'out', 'out', 'err', 'err', 'out']);
  });

  it('a flushed Twrite held by fear writes nothing, even once the reader catches up', async () => {
    const fs = new Hubfs({ name: 'u', ring: 10, fearWait: 60_000 });
    fs.fear = true;
    const r = await peer(fs);
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] })).toMatchObject({ type: 'Rwalk' });
    expect(await r.rpc({ type: 'Tcreate', tag: 1, fid: 2, name: 'h', perm: 0o666, mode: OWRITE })).toMatchObject({ type: 'Rcreate' });
    await walkOpen(r, 3, 'h', OREAD);
    expect(await r.rpc({ type: 'Twrite', tag: 12, fid: 2, offset: 0, data: Buffer.from('12345678') })).toMatchObject({ type: 'Rwrite', count: 8 });
    r.send({ type: 'Twrite', tag: 14, fid: 2, offset: 0, data: Buffer.from('abcde') });
    expect(await r.rpc({ type: 'Tstat', tag: 9, fid: 1 })).toMatchObject({ type: 'Rstat' });
    r.send({ type: 'Tflush', tag: 15, oldtag: 14 });
    expect(await r.next()).toEqual({ type: 'Rflush', tag: 15 });
    expect(fs.status()).toContain('h readers 1 written 8 lost 0');
    const got = (await r.rpc({ type: 'Tread', tag: 13, fid: 3, offset: 0, count: 100 })) as Fcall & { data: Buffer };
    expect(got.data.toString()).toBe('12345678');
    // The reader has caught up: a write still held would go through now. The flushed one must not.
    expect(await r.rpc({ type: 'Tstat', tag: 9, fid: 1 })).toMatchObject({ type: 'Rstat' });
    expect(fs.status()).toContain('h readers 1 written 8 lost 0');
  });

  it('survives a storm of random requests and flushes, and serves the next client', async () => {
    const fs = new Hubfs({ name: 'u', ring: 64 });
    const r = await peer(fs);
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const names = ['a', 'b', 'ctl', '..', '.', 'x y'];
    const msgs: Fcall[] = [];
    for (let tag = 20; tag < 1500; tag++) {
      const fid = 1 + rnd(8);
      const newfid = 1 + rnd(8);
      const name = names[rnd(names.length)]!;
      switch (rnd(9)) {
        case 0: msgs.push({ type: 'Twalk', tag, fid, newfid, wname: rnd(2) ? [name] : [] }); break;
        case 1: msgs.push({ type: 'Topen', tag, fid, mode: rnd(4) | (rnd(3) ? 0 : OTRUNC) | (rnd(5) ? 0 : ORCLOSE) }); break;
        case 2: msgs.push({ type: 'Tcreate', tag, fid, name, perm: rnd(2) ? 0o666 : 0x80000000 | 0o777, mode: rnd(4) }); break;
        case 3: msgs.push({ type: 'Tread', tag, fid, offset: rnd(100), count: rnd(200) }); break;
        case 4: msgs.push({ type: 'Twrite', tag, fid, offset: rnd(100), data: Buffer.from(['eof', 'freeze', 'melt', 'fear', 'calm', 'trunc', 'junk', 'x'.repeat(rnd(150))][rnd(8)]!) }); break;
        case 5: msgs.push({ type: 'Tclunk', tag, fid }); break;
        case 6: msgs.push({ type: 'Tremove', tag, fid }); break;
        case 7: msgs.push({ type: 'Tflush', tag, oldtag: tag - 1 - rnd(10) }); break;
        default: msgs.push({ type: 'Twstat', tag, fid, stat: { type: 0, dev: 0, qid: { type: 0, vers: 0, path: 0 }, mode: 0xffffffff, atime: 0xffffffff, mtime: 0xffffffff, length: rnd(2) ? 0 : 2 ** 64 - 1, name: rnd(2) ? '' : name, uid: '', gid: '', muid: '' } });
      }
    }
    for (const m of msgs) r.send(m);
    // Whatever is still waiting (reads, writes under fear) is let go by calm, eof and a hangup.
    const root = await fs.attach('host');
    await ctl(root, 'calm');
    await ctl(root, 'eof');
    r.close();
    await r.ended;
    const r2 = await Raw.connect(served!.sock);
    closers.push(() => r2.close());
    expect(await r2.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' })).toMatchObject({ type: 'Rversion' });
    expect(await r2.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: NOFID, uname: 'glenda', aname: '' })).toMatchObject({ type: 'Rattach' });
    await walkOpen(r2, 2, 'ctl', OREAD);
    const got = (await r2.rpc({ type: 'Tread', tag: 2, fid: 2, offset: 0, count: 1000 })) as Fcall & { data: Buffer };
    expect(got.data.toString()).toMatch(/^hubfs u: fear 0 /);
  });
});
