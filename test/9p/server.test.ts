/*
 * The server as a raw peer sees it: version negotiation, fid and tag tables and their
 * limits, malformed and oversized messages, and bounded buffering for a client that
 * sends but never reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../../ns/9p/codec.js';
import { NOFID, NOTAG } from '../../ns/9p/fcall.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { type Dir, type Fid, type FileServer, NsError, type Qid, QTDIR } from '../../ns/types.js';
import type { Fcall } from '../../ns/9p/fcall.js';
import { BlockFs } from './blockfs.js';
import { serveUnix, type Served } from './helpers.js';
import { Raw } from './raw.js';
import type { ServeOptions } from '../../ns/9p/server.js';

let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function peer(fsrv: FileServer = new Ramfs('glenda'), opts: ServeOptions = {}, version = true): Promise<Raw> {
  served = await serveUnix(fsrv, opts);
  const r = await Raw.connect(served.sock);
  if (version) expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' })).toMatchObject({ type: 'Rversion', msize: 8192 });
  return r;
}

const attach = (r: Raw, fid = 1, tag = 1) => r.rpc({ type: 'Tattach', tag, fid, afid: NOFID, uname: 'glenda', aname: '' });

describe('9P server', () => {
  it('negotiates msize down to its own and answers 9P2000 dialects with 9P2000', async () => {
    const r = await peer(new Ramfs(), { msize: 4096 }, false);
    expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 1 << 20, version: '9P2000.u' })).toEqual({ type: 'Rversion', tag: NOTAG, msize: 4096, version: '9P2000' });
    expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: 'bogus' })).toMatchObject({ type: 'Rversion', version: 'unknown' });
    expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 100, version: '9P2000' })).toMatchObject({ type: 'Rerror', ename: 'msize too small' });
  });

  it('refuses requests before a version is agreed', async () => {
    const r = await peer(new Ramfs(), {}, false);
    expect(await attach(r)).toMatchObject({ type: 'Rerror', ename: 'version not negotiated' });
  });

  it('keeps a fid table: unknown fid, fid in use, fid already opened, clunk frees', async () => {
    const r = await peer();
    expect(await attach(r)).toMatchObject({ type: 'Rattach' });
    expect(await attach(r)).toMatchObject({ type: 'Rerror', ename: 'fid in use' });
    expect(await r.rpc({ type: 'Tstat', tag: 1, fid: 9 })).toMatchObject({ type: 'Rerror', ename: 'unknown fid' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] })).toEqual({ type: 'Rwalk', tag: 1, wqid: [] });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] })).toMatchObject({ ename: 'fid in use' });
    expect(await r.rpc({ type: 'Tread', tag: 1, fid: 2, offset: 0, count: 10 })).toMatchObject({ ename: 'fid not open' });
    expect(await r.rpc({ type: 'Topen', tag: 1, fid: 2, mode: 0 })).toMatchObject({ type: 'Ropen' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 2, newfid: 3, wname: [] })).toMatchObject({ ename: 'fid already opened' });
    expect(await r.rpc({ type: 'Twrite', tag: 1, fid: 2, offset: 0, data: Buffer.from('x') })).toMatchObject({ ename: 'file not open for writing' });
    expect(await r.rpc({ type: 'Tclunk', tag: 1, fid: 2 })).toEqual({ type: 'Rclunk', tag: 1 });
    expect(await r.rpc({ type: 'Tclunk', tag: 1, fid: 2 })).toMatchObject({ ename: 'unknown fid' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: Array(17).fill('x') })).toMatchObject({ ename: 'too many names in walk' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['nope'] })).toMatchObject({ ename: 'file does not exist' });
    expect(await r.rpc({ type: 'Tstat', tag: 1, fid: 2 })).toMatchObject({ ename: 'unknown fid' });
  });

  it('limits the fid table', async () => {
    const r = await peer(new Ramfs(), { maxFids: 3 });
    for (let fid = 1; fid <= 3; fid++) expect(await attach(r, fid)).toMatchObject({ type: 'Rattach' });
    expect(await attach(r, 4)).toMatchObject({ ename: 'too many fids' });
    await r.rpc({ type: 'Tclunk', tag: 1, fid: 3 });
    expect(await attach(r, 4)).toMatchObject({ type: 'Rattach' });
  });

  it('refuses a tag already in flight, and Tflush answers at once and drops the flushed reply', async () => {
    const b = new BlockFs();
    const r = await peer(b);
    await attach(r);
    await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['slow'] });
    await r.rpc({ type: 'Topen', tag: 1, fid: 2, mode: 0 });
    r.send({ type: 'Tread', tag: 5, fid: 2, offset: 0, count: 10 });
    expect(await r.rpc({ type: 'Tstat', tag: 5, fid: 1 })).toMatchObject({ type: 'Rerror', tag: 5, ename: 'tag in use' });
    expect(await r.rpc({ type: 'Tflush', tag: 6, oldtag: 5 })).toEqual({ type: 'Rflush', tag: 6 });
    b.release();
    // The flushed read's reply never comes: the next message is the answer to this stat.
    expect(await r.rpc({ type: 'Tstat', tag: 5, fid: 1 })).toMatchObject({ type: 'Rstat', tag: 5 });
    expect(await r.rpc({ type: 'Tflush', tag: 7, oldtag: 99 })).toEqual({ type: 'Rflush', tag: 7 });
  });

  it('with maxTags requests waiting, it keeps reading: later ones wait their turn, and Tflush and Tclunk go ahead', async () => {
    const b = new BlockFs();
    const r = await peer(b, { maxTags: 4 });
    await attach(r);
    await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['slow'] });
    await r.rpc({ type: 'Topen', tag: 1, fid: 2, mode: 0 });
    for (let t = 10; t < 14; t++) r.send({ type: 'Tread', tag: t, fid: 2, offset: 0, count: 10 });
    r.send({ type: 'Tread', tag: 14, fid: 2, offset: 0, count: 10 });
    r.send({ type: 'Tstat', tag: 15, fid: 1 });
    expect(await r.rpc({ type: 'Tstat', tag: 14, fid: 1 })).toMatchObject({ type: 'Rerror', tag: 14, ename: 'tag in use' });
    // The waiting read is flushed before it ever reached the file.
    expect(await r.rpc({ type: 'Tflush', tag: 20, oldtag: 14 })).toEqual({ type: 'Rflush', tag: 20 });
    expect(await r.rpc({ type: 'Tclunk', tag: 22, fid: 2 })).toEqual({ type: 'Rclunk', tag: 22 });
    expect(b.reads).toBe(4);
    // A read in flight flushed: its place goes to the stat that waited.
    expect(await r.rpc({ type: 'Tflush', tag: 21, oldtag: 10 })).toEqual({ type: 'Rflush', tag: 21 });
    expect(await r.next()).toMatchObject({ type: 'Rstat', tag: 15 });
    b.release();
    const rest = [await r.next(), await r.next(), await r.next()].map((f) => f?.tag).sort();
    expect(rest).toEqual([11, 12, 13]);
  });

  it('a Tclunk of a fid that a waiting request names waits behind it, so the request still finds its fid', async () => {
    const b = new BlockFs();
    const r = await peer(b, { maxTags: 3 });
    await attach(r);
    await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['slow'] });
    await r.rpc({ type: 'Topen', tag: 1, fid: 2, mode: 0 });
    for (let t = 9; t < 12; t++) r.send({ type: 'Tread', tag: t, fid: 2, offset: 0, count: 10 });
    r.send({ type: 'Twalk', tag: 12, fid: 1, newfid: 3, wname: [] });
    r.send({ type: 'Tclunk', tag: 13, fid: 1 });
    expect(await r.rpc({ type: 'Tflush', tag: 20, oldtag: 10 })).toEqual({ type: 'Rflush', tag: 20 });
    expect(await r.next()).toEqual({ type: 'Rwalk', tag: 12, wqid: [] });
    expect(await r.next()).toEqual({ type: 'Rclunk', tag: 13 });
    expect(await r.rpc({ type: 'Tstat', tag: 14, fid: 3 })).toMatchObject({ type: 'Rstat', tag: 14 });
    b.release();
    expect([(await r.next())?.tag, (await r.next())?.tag].sort((x, y) => x! - y!)).toEqual([9, 11]);
  });

  it('a flushed walk leaves no fid behind', async () => {
    const r = await peer();
    await attach(r);
    r.send({ type: 'Twalk', tag: 3, fid: 1, newfid: 2, wname: [] });
    r.send({ type: 'Tflush', tag: 4, oldtag: 3 });
    const replies: string[] = [];
    for (let f = await r.next(); f && f.type !== 'Rflush'; f = await r.next()) replies.push(f.type);
    // Either the walk finished first (then it stands) or it was flushed (then fid 2 is free).
    const again = await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] });
    if (replies.includes('Rwalk')) expect(again).toMatchObject({ ename: 'fid in use' });
    else expect(again).toMatchObject({ type: 'Rwalk' });
  });

  it('answers a well-framed message that does not decode with Rerror, and stays up', async () => {
    const r = await peer();
    const bad = Buffer.from([12, 0, 0, 0, 110, 9, 0, 1, 0, 0, 0, 2]);
    r.send(bad);
    expect(await r.next()).toEqual({ type: 'Rerror', tag: 9, ename: '9P protocol botch' });
    r.send(Buffer.from([7, 0, 0, 0, 200, 3, 0]));
    expect(await r.next()).toEqual({ type: 'Rerror', tag: 3, ename: 'unknown 9P message type' });
    expect(await r.rpc({ type: 'Rclunk', tag: 4 })).toMatchObject({ type: 'Rerror', tag: 4 });
    expect(await attach(r)).toMatchObject({ type: 'Rattach' });
  });

  it('closes the connection on a size it cannot trust', async () => {
    for (const size of [3, 1 << 30]) {
      const r = await peer();
      const b = Buffer.alloc(7);
      b.writeUInt32LE(size, 0);
      r.send(b);
      expect(await r.next()).toBeUndefined();
      expect(r.closed).toBe(true);
      await served!.close();
      served = undefined;
    }
  });

  it('closes on a message larger than the agreed msize', async () => {
    const r = await peer();
    await attach(r);
    await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] });
    r.send(encode({ type: 'Twrite', tag: 2, fid: 2, offset: 0, data: Buffer.alloc(9000) }));
    expect(await r.next()).toBeUndefined();
  });

  it('a client that sends without reading cannot make the server buffer without bound', async () => {
    const ram = new Ramfs('glenda');
    const r = await peer(ram, { maxTags: 16 });
    await attach(r);
    await r.rpc({ type: 'Tcreate', tag: 1, fid: 1, name: 'big', perm: 0o644, mode: 2 });
    await r.rpc({ type: 'Twrite', tag: 1, fid: 1, offset: 0, data: Buffer.alloc(8000, 1) });
    r.conn.pause();
    // 4,000 reads of 8 KiB asked for: 32 MB of replies if the server took them all.
    const reqs = Buffer.concat(Array.from({ length: 4000 }, (_, i) => encode({ type: 'Tread', tag: i % 60000, fid: 1, offset: 0, count: 8000 })));
    r.conn.stream.write(reqs);
    const conn = served!.conns[0]!;
    const stream = (conn as unknown as { conn: { stream: import('node:net').Socket } }).conn.stream;
    for (let i = 0; i < 400 && !(stream.isPaused() && stream.writableLength > 4 * 8192); i++) await new Promise((res) => setTimeout(res, 5));
    expect(stream.isPaused()).toBe(true);
    const held = stream.writableLength;
    await new Promise((res) => setTimeout(res, 50));
    expect(stream.writableLength).toBe(held);
    // At most a few messages queued, plus the replies of the requests that were in flight.
    expect(held).toBeLessThanOrEqual((4 + 16) * 8192);
    // Reading again drains it all, in order.
    r.conn.resume();
    let got = 0;
    while (got < 4000) {
      const f = await r.next();
      expect(f?.type).toBe('Rread');
      got++;
    }
  });
});

/** A file server whose one file, `gate`, opens only when released (as /net's listen does). */
class GateFs implements FileServer {
  readonly opening: Array<(ok: boolean) => void> = [];
  clunks = 0;
  reads = 0;
  async attach(): Promise<Fid> {
    return this.fid({ type: QTDIR, vers: 0, path: 0 });
  }
  release(ok = true): void {
    for (const w of this.opening.splice(0)) w(ok);
  }
  private fid(qid: Qid): Fid {
    const fs = this;
    return {
      qid,
      async walk(names: string[]) {
        if (names.length === 0) return { fid: fs.fid(qid), qids: [] };
        if (names.join('/') !== 'gate') throw new NsError('file does not exist');
        const q = { type: 0, vers: 0, path: 1 };
        return { fid: fs.fid(q), qids: [q] };
      },
      async open() {
        if (qid.path === 1 && !(await new Promise<boolean>((r) => fs.opening.push(r)))) throw new NsError('gate shut');
        return { qid, iounit: 0 };
      },
      async create(): Promise<never> {
        throw new NsError('permission denied');
      },
      async read(offset: number) {
        fs.reads++;
        return Buffer.from(offset === 0 ? 'open' : '');
      },
      async write(_o: number, d: Buffer) {
        return d.length;
      },
      async stat(): Promise<Dir> {
        throw new NsError('no stat');
      },
      async wstat() {},
      async remove() {},
      async clunk() {
        fs.clunks++;
      },
    };
  }
}

describe('9P server: pipelined requests', () => {
  const both = (...fs: Fcall[]) => Buffer.concat(fs.map((f) => encode(f)));
  /** Walk fid 1 to gate as newfid, open it and read it, tags 1, 2 and 3. */
  const openAndRead = (newfid: number): Fcall[] => [
    { type: 'Twalk', tag: 1, fid: 1, newfid, wname: ['gate'] },
    { type: 'Topen', tag: 2, fid: newfid, mode: 0 },
    { type: 'Tread', tag: 3, fid: newfid, offset: 0, count: 100 },
  ];

  it('Twalk, Topen and Tread sent in one write act as if sent one by one', async () => {
    const r = await peer();
    await attach(r);
    expect(await r.rpc({ type: 'Tcreate', tag: 1, fid: 1, name: 'f', perm: 0o644, mode: 1 })).toMatchObject({ type: 'Rcreate' });
    await r.rpc({ type: 'Twrite', tag: 1, fid: 1, offset: 0, data: Buffer.from('hello') });
    await r.rpc({ type: 'Tclunk', tag: 1, fid: 1 });
    await attach(r);
    r.send(both(
      { type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['f'] },
      { type: 'Topen', tag: 2, fid: 2, mode: 0 },
      { type: 'Tread', tag: 3, fid: 2, offset: 0, count: 100 },
    ));
    const got = [await r.next(), await r.next(), await r.next()];
    expect(got.map((f) => f?.type)).toEqual(['Rwalk', 'Ropen', 'Rread']);
    expect((got[2] as { data: Buffer }).data.toString()).toBe('hello');
    // An in-place walk pipelined with a walk from the same fid: the second waits for the first.
    r.send(both(
      { type: 'Twalk', tag: 1, fid: 1, newfid: 1, wname: [] },
      { type: 'Twalk', tag: 2, fid: 1, newfid: 3, wname: ['f'] },
      { type: 'Tstat', tag: 3, fid: 3 },
    ));
    const more = [await r.next(), await r.next(), await r.next()];
    expect(more.map((f) => f?.type)).toEqual(['Rwalk', 'Rwalk', 'Rstat']);
  });

  it('an open behind a failed walk fails with unknown fid, and the fid is free again', async () => {
    const r = await peer();
    await attach(r);
    r.send(both({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['nope'] }, { type: 'Topen', tag: 2, fid: 2, mode: 0 }));
    expect(await r.next()).toMatchObject({ tag: 1, ename: 'file does not exist' });
    expect(await r.next()).toMatchObject({ tag: 2, ename: 'unknown fid' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: [] })).toMatchObject({ type: 'Rwalk' });
  });

  it('a read behind an open that blocks waits for it; a clunk does not, and ends the wait', async () => {
    const g = new GateFs();
    const r = await peer(g);
    await attach(r);
    r.send(both(
      ...openAndRead(2),
    ));
    expect(await r.next()).toMatchObject({ type: 'Rwalk', tag: 1 });
    await new Promise((ok) => setTimeout(ok, 20));
    expect(g.opening.length).toBe(1);
    g.release();
    expect(await r.next()).toMatchObject({ type: 'Ropen', tag: 2 });
    expect(await r.next()).toMatchObject({ type: 'Rread', tag: 3, data: Buffer.from('open') });

    // Another blocked open, this time given up: the clunk is answered at once, the read fails.
    r.send(both(
      ...openAndRead(3),
      { type: 'Tclunk', tag: 4, fid: 3 },
    ));
    expect(await r.next()).toMatchObject({ type: 'Rwalk', tag: 1 });
    expect(await r.next()).toMatchObject({ type: 'Rclunk', tag: 4 });
    g.release(false);
    const rest = [await r.next(), await r.next()];
    expect(rest).toEqual(expect.arrayContaining([
      expect.objectContaining({ tag: 2, ename: 'gate shut' }),
      expect.objectContaining({ tag: 3, ename: 'unknown fid' }),
    ]));
  });

  it('a read flushed while it waited for the open is never done', async () => {
    const g = new GateFs();
    const r = await peer(g);
    await attach(r);
    r.send(both(
      ...openAndRead(2),
      { type: 'Tflush', tag: 4, oldtag: 3 },
    ));
    const first = [await r.next(), await r.next()];
    expect(first.map((f) => f?.type).sort()).toEqual(['Rflush', 'Rwalk']);
    g.release();
    expect(await r.next()).toMatchObject({ type: 'Ropen', tag: 2 });
    expect(await r.rpc({ type: 'Tread', tag: 5, fid: 2, offset: 0, count: 100 })).toMatchObject({ type: 'Rread', tag: 5 });
    expect(g.reads).toBe(1);
  });

  it('a second open of a fid still opening is refused', async () => {
    const g = new GateFs();
    const r = await peer(g);
    await attach(r);
    await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['gate'] });
    r.send(both({ type: 'Topen', tag: 2, fid: 2, mode: 0 }, { type: 'Topen', tag: 3, fid: 2, mode: 0 }));
    expect(await r.next()).toMatchObject({ tag: 3, ename: 'fid already opened' });
    g.release();
    expect(await r.next()).toMatchObject({ type: 'Ropen', tag: 2 });
  });
});

describe('9P server: a Twrite that arrives in pieces', () => {
  const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
  async function bigPeer(): Promise<Raw> {
    const r = await peer(new Ramfs('glenda'), {}, false);
    expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 1 << 20, version: '9P2000' })).toMatchObject({ type: 'Rversion' });
    await attach(r);
    expect(await r.rpc({ type: 'Tcreate', tag: 1, fid: 1, name: 'f', perm: 0o644, mode: 2 })).toMatchObject({ type: 'Rcreate' });
    return r;
  }
  /** Send msg cut at the offsets given, pausing between so each part is its own read. */
  async function inParts(r: Raw, msg: Buffer, cuts: number[]): Promise<void> {
    let from = 0;
    for (const at of [...cuts, msg.length]) {
      r.send(msg.subarray(from, at));
      from = at;
      await sleep(15);
    }
  }

  it('is written whole, its header split too', async () => {
    const r = await bigPeer();
    const data = Buffer.alloc(200_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 253;
    await inParts(r, encode({ type: 'Twrite', tag: 1, fid: 1, offset: 0, data }), [10, 30_000, 100_000]);
    expect(await r.next()).toEqual({ type: 'Rwrite', tag: 1, count: 200_000 });
    const back: Buffer[] = [];
    for (let off = 0; off < data.length; ) {
      const f = (await r.rpc({ type: 'Tread', tag: 1, fid: 1, offset: off, count: 65536 })) as { data: Buffer };
      back.push(f.data);
      off += f.data.length;
      if (f.data.length === 0) break;
    }
    expect(Buffer.concat(back).equals(data)).toBe(true);
  });

  it('with a count that does not match its size, gets the answer it would in one piece', async () => {
    const r = await bigPeer();
    const bad = encode({ type: 'Twrite', tag: 1, fid: 1, offset: 0, data: Buffer.alloc(50_000, 1) });
    bad.writeUInt32LE(60_000, 19);
    r.send(bad);
    const whole = await r.next();
    expect(whole).toMatchObject({ type: 'Rerror', tag: 1 });
    await inParts(r, bad, [5, 20_000]);
    expect(await r.next()).toEqual(whole);
    expect(await r.rpc({ type: 'Tstat', tag: 2, fid: 1 })).toMatchObject({ type: 'Rstat' });
  });
});
