/* ramfs: the in-memory file server's 9P semantics, driven through its Fids. */
import { describe, expect, it } from 'vitest';
import { unpackDirs } from '../../ns/dirfmt.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { DMAPPEND, DMDIR, DMEXCL, type Fid, OREAD, ORCLOSE, ORDWR, OTRUNC, OWRITE } from '../../ns/types.js';
import { fails } from './helpers.js';

async function root(user = 'glenda'): Promise<{ fs: Ramfs; r: Fid }> {
  const fs = new Ramfs('glenda');
  return { fs, r: await fs.attach(user, '') };
}

async function mk(r: Fid, name: string, perm = 0o664, mode = ORDWR): Promise<Fid> {
  const f = (await r.walk([])).fid!;
  await f.create(name, perm, mode);
  return f;
}

describe('ramfs', () => {
  it('creates, writes at offsets (holes read as zeros) and reads back', async () => {
    const { r } = await root();
    const f = await mk(r, 'f');
    await f.write(0, Buffer.from('hello'));
    await f.write(8, Buffer.from('!'));
    expect((await f.read(0, 100)).toString('latin1')).toBe('hello\0\0\0!');
    expect((await f.read(3, 2)).toString()).toBe('lo');
    expect((await f.read(100, 10)).length).toBe(0);
    expect((await f.stat()).length).toBe(9);
    const q = (await f.stat()).qid.vers;
    await f.write(0, Buffer.from('H'));
    expect((await f.stat()).qid.vers).toBe(q + 1);
  });

  it('create fails on an existing name and in a file', async () => {
    const { r } = await root();
    const f = await mk(r, 'f');
    expect(await fails(mk(r, 'f'))).toBe('file already exists');
    expect(await fails(f.create('g', 0o666, OREAD))).toBe('inappropriate use of fd');
    const g = (await r.walk(['f'])).fid!;
    expect(await fails(g.create('g', 0o666, OREAD))).toBe('not a directory');
    expect(await fails(mk(r, '..'))).toBe('bad character in file name');
  });

  it('walks: missing first name fails, a later one stops short', async () => {
    const { r } = await root();
    const d = await mk(r, 'd', DMDIR | 0o775, OREAD);
    await d.clunk();
    expect(await fails(r.walk(['nope']))).toBe('file does not exist');
    const w = await r.walk(['d', 'nope', 'x']);
    expect(w.fid).toBeUndefined();
    expect(w.qids.length).toBe(1);
    expect((await r.walk(['d', '..'])).qids.map((q) => q.path)).toEqual([1, 0]);
  });

  it('truncates on OTRUNC and via wstat length; extends with zeros', async () => {
    const { r } = await root();
    const f = await mk(r, 'f');
    await f.write(0, Buffer.from('0123456789'));
    await f.wstat({ length: 4 });
    expect((await f.read(0, 100)).toString()).toBe('0123');
    await f.wstat({ length: 6 });
    expect((await f.read(0, 100)).toString('latin1')).toBe('0123\0\0');
    const g = (await r.walk(['f'])).fid!;
    await g.open(OWRITE | OTRUNC);
    expect((await g.stat()).length).toBe(0);
  });

  it('renames with wstat, refusing a name in use', async () => {
    const { r } = await root();
    await (await mk(r, 'a')).clunk();
    const b = await mk(r, 'b');
    expect(await fails(b.wstat({ name: 'a' }))).toBe('file already exists');
    await b.wstat({ name: 'c' });
    expect(unpackDirs(await (async () => { const d = (await r.walk([])).fid!; await d.open(OREAD); return d.read(0, 8192); })()).map((d) => d.name).sort()).toEqual(['a', 'c']);
  });

  it('checks permissions of the attaching user', async () => {
    const { r } = await root();
    const f = await mk(r, 'ro', 0o444);
    await f.clunk();
    const g = (await r.walk(['ro'])).fid!;
    expect(await fails(g.open(OWRITE))).toBe('permission denied');
    const { fs } = await root();
    const owner = await fs.attach('glenda', '');
    const dd = (await owner.walk([])).fid!;
    await dd.create('mine', DMDIR | 0o755, OREAD);
    const stranger = await fs.attach('bob', '');
    const sd = (await stranger.walk(['mine'])).fid!;
    expect(await fails(sd.create('x', 0o666, OWRITE))).toBe('permission denied');
  });

  it('removes: a non-empty directory fails; an open file stays readable', async () => {
    const { r } = await root();
    await (await mk(r, 'd', DMDIR | 0o775, OREAD)).clunk();
    const inner = await mk((await r.walk(['d'])).fid!, 'x');
    await inner.write(0, Buffer.from('still here'));
    const dd = (await r.walk(['d'])).fid!;
    expect(await fails(dd.remove())).toBe('directory not empty');
    const x2 = (await r.walk(['d', 'x'])).fid!;
    await x2.remove();
    expect((await inner.read(0, 100)).toString()).toBe('still here');
    expect((await r.walk(['d', 'x'])).fid).toBeUndefined();
    expect(await fails((await r.walk([])).fid!.remove())).toBe('permission denied');
  });

  it('ORCLOSE removes at clunk; DMAPPEND writes at the end; DMEXCL opens once', async () => {
    const { r } = await root();
    const t = await mk(r, 'tmp', 0o664, ORDWR | ORCLOSE);
    await t.clunk();
    expect(await fails(r.walk(['tmp']))).toBe('file does not exist');
    const a = await mk(r, 'log', DMAPPEND | 0o664, OWRITE);
    await a.write(0, Buffer.from('one '));
    await a.write(0, Buffer.from('two'));
    const ar = (await r.walk(['log'])).fid!;
    await ar.open(OREAD);
    expect((await ar.read(0, 100)).toString()).toBe('one two');
    const e = await mk(r, 'lock', DMEXCL | 0o664, OWRITE);
    const e2 = (await r.walk(['lock'])).fid!;
    expect(await fails(e2.open(OREAD))).toBe('exclusive use file already open');
    await e.clunk();
    await e2.open(OREAD);
  });

  it('reads a directory in whole entries across small reads', async () => {
    const { r } = await root();
    for (let i = 0; i < 50; i++) await (await mk(r, 'file' + i)).clunk();
    const d = (await r.walk([])).fid!;
    await d.open(OREAD);
    const names: string[] = [];
    let off = 0;
    for (;;) {
      const b = await d.read(off, 200);
      if (b.length === 0) break;
      off += b.length;
      names.push(...unpackDirs(b).map((x) => x.name));
    }
    expect(names.length).toBe(50);
    expect(await fails(d.write(0, Buffer.from('x')))).toBe('inappropriate use of fd');
  });

  it('hands out reads as views that later writes never change; files span pages', async () => {
    const { r } = await root();
    const f = await mk(r, 'big');
    const page = 64 * 1024;
    await f.write(0, Buffer.alloc(3 * page, 0x61));
    const view = await f.read(page, 100);
    await f.write(page, Buffer.alloc(100, 0x62));
    expect(view.equals(Buffer.alloc(100, 0x61))).toBe(true);
    expect((await f.read(page, 100)).equals(Buffer.alloc(100, 0x62))).toBe(true);
    // A read across a page boundary, and truncation then growth reading zeros.
    const across = await f.read(page - 2, 4);
    expect(across.toString('latin1')).toBe('aabb');
    await f.wstat({ length: page + 10 });
    await f.wstat({ length: 2 * page + 10 });
    const tail = await f.read(page + 8, 4);
    expect([...tail]).toEqual([0x62, 0x62, 0, 0]);
    expect((await f.read(2 * page, 10)).equals(Buffer.alloc(10))).toBe(true);
  });
});
