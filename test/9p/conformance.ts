/*
 * The file-system conformance suite, run through a 9P mount: every test gets a fresh
 * mount at /tmp/m of a client namespace and checks what a program would see there —
 * and, through `peek`, what the exporting side holds. Each server under test (ramfs, a
 * namespace export, diod) runs it with its own limits (how long a name may be).
 */
import { describe, expect, it } from 'vitest';
import type { Namespace } from '../../ns/namespace.js';
import { DMDIR, OREAD, ORDWR, OWRITE, OEXCL } from '../../ns/types.js';
import type { Chan } from '../../ns/vfs.js';
import { cat, fails, ls, mkdir, put } from '../ns/helpers.js';

export interface Mounted {
  /** The client namespace; the server's tree is at /tmp/m. */
  ns: Namespace;
  /** The contents of a file as the server side holds it (undefined when absent). */
  peek(path: string): Promise<Buffer | undefined>;
  /** The names in a directory as the server side holds them, sorted. */
  peekDir(path: string): Promise<string[]>;
  done(): Promise<void>;
}

export interface Target {
  name: string;
  mount(): Promise<Mounted>;
  /** Longest file name the server takes. */
  maxName: number;
  /** Entries for the thousands-of-entries test. */
  many: number;
}

const M = '/tmp/m';

async function pread(c: Chan, off: number, n: number): Promise<string> {
  return (await c.pread!(off, n)).toString('latin1');
}

export function conformance(t: Target): void {
  const withMount = (name: string, fn: (m: Mounted) => Promise<void>): void => {
    it(name, async () => {
      const m = await t.mount();
      try {
        await fn(m);
      } finally {
        await m.done();
      }
    });
  };

  describe(`conformance: ${t.name}`, () => {
    withMount('create, write, read back, and see it on the server', async ({ ns, peek }) => {
      await put(ns, M + '/f', 'hello, world\n');
      expect(await cat(ns, M + '/f')).toBe('hello, world\n');
      expect((await ns.stat(M + '/f')).length).toBe(13);
      expect((await peek('/f'))?.toString()).toBe('hello, world\n');
    });

    withMount('reads and writes at offsets, holes read as zeros', async ({ ns, peek }) => {
      const c = await ns.create(M + '/o', ORDWR, 0o644);
      expect(await c.pwrite!(0, Buffer.from('hello'))).toBe(5);
      expect(await c.pwrite!(10, Buffer.from('world'))).toBe(5);
      expect(await pread(c, 0, 100)).toBe('hello\0\0\0\0\0world');
      expect(await pread(c, 3, 4)).toBe('lo\0\0');
      expect(await c.pwrite!(1, Buffer.from('EL'))).toBe(2);
      expect(await pread(c, 0, 5)).toBe('hELlo');
      c.close();
      expect((await peek('/o'))?.toString('latin1')).toBe('hELlo\0\0\0\0\0world');
    });

    withMount('many reads in flight on one file come back in the right places', async ({ ns }) => {
      const data = Buffer.alloc(256 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 10)) & 0xff;
      const w = await ns.create(M + '/big', OWRITE, 0o644);
      await w.write(data);
      w.close();
      const c = await ns.open(M + '/big', OREAD);
      const parts = await Promise.all(Array.from({ length: 64 }, (_, i) => c.pread!(i * 4096, 4096)));
      c.close();
      expect(Buffer.concat(parts).equals(data)).toBe(true);
    });

    withMount('0-byte reads and writes', async ({ ns }) => {
      await put(ns, M + '/z', 'abc');
      const c = await ns.open(M + '/z', ORDWR);
      expect((await c.pread!(0, 0)).length).toBe(0);
      expect((await c.pread!(3, 10)).length).toBe(0);
      expect((await c.pread!(1000, 10)).length).toBe(0);
      expect(await c.pwrite!(0, Buffer.alloc(0))).toBe(0);
      c.close();
      expect(await cat(ns, M + '/z')).toBe('abc');
    });

    withMount('truncate and extend through wstat length', async ({ ns, peek }) => {
      await put(ns, M + '/t', 'x'.repeat(100));
      await ns.wstat(M + '/t', { length: 10 });
      expect((await ns.stat(M + '/t')).length).toBe(10);
      expect(await cat(ns, M + '/t')).toBe('x'.repeat(10));
      await ns.wstat(M + '/t', { length: 0 });
      expect(await cat(ns, M + '/t')).toBe('');
      expect((await peek('/t'))?.length).toBe(0);
      await ns.wstat(M + '/t', { length: 4 });
      expect(await cat(ns, M + '/t')).toBe('\0\0\0\0');
    });

    withMount('rename through wstat name', async ({ ns, peek, peekDir }) => {
      await mkdir(ns, M + '/d');
      await put(ns, M + '/d/old', 'contents');
      await ns.wstat(M + '/d/old', { name: 'new' });
      expect(await ls(ns, M + '/d')).toEqual(['new']);
      expect(await cat(ns, M + '/d/new')).toBe('contents');
      expect(await fails(ns.stat(M + '/d/old'))).toMatch(/does not exist/);
      expect(await peekDir('/d')).toEqual(['new']);
      expect((await peek('/d/new'))?.toString()).toBe('contents');
      await ns.wstat(M + '/d', { name: 'e' });
      expect(await cat(ns, M + '/e/new')).toBe('contents');
    });

    withMount('mkdir, remove a file and an empty directory; a full one stays', async ({ ns, peekDir }) => {
      await mkdir(ns, M + '/dir');
      await put(ns, M + '/dir/f', '1');
      expect(((await ns.stat(M + '/dir')).mode & DMDIR) !== 0).toBe(true);
      expect(await fails(ns.remove(M + '/dir'))).not.toBe('');
      await ns.remove(M + '/dir/f');
      expect(await peekDir('/dir')).toEqual([]);
      await ns.remove(M + '/dir');
      expect(await peekDir('/')).toEqual([]);
      expect(await fails(ns.remove(M + '/dir'))).toMatch(/does not exist/);
    });

    withMount('remove of an open file: the open chan still reads it', async ({ ns, peek }) => {
      await put(ns, M + '/r', 'still here');
      const c = await ns.open(M + '/r', OREAD);
      await ns.remove(M + '/r');
      expect(await peek('/r')).toBeUndefined();
      expect(await fails(ns.stat(M + '/r'))).toMatch(/does not exist/);
      expect(await pread(c, 0, 100)).toBe('still here');
      c.close();
    });

    withMount('create of an existing file with OEXCL fails; without it truncates', async ({ ns }) => {
      await put(ns, M + '/x', 'old contents');
      expect(await fails(ns.create(M + '/x', OWRITE | OEXCL, 0o644))).toMatch(/exists/);
      await put(ns, M + '/x', 'new');
      expect(await cat(ns, M + '/x')).toBe('new');
    });

    withMount('errors carry Plan 9 words', async ({ ns }) => {
      expect(await fails(ns.open(M + '/nothing', OREAD))).toMatch(/does not exist/);
      expect(await fails(ns.open(M + '/nothing/deeper', OREAD))).toMatch(/does not exist/);
    });

    withMount('very long names', async ({ ns, peekDir }) => {
      const long = 'n'.repeat(t.maxName);
      await put(ns, M + '/' + long, 'long');
      expect(await ls(ns, M)).toEqual([long]);
      expect(await cat(ns, M + '/' + long)).toBe('long');
      expect(await peekDir('/')).toEqual([long]);
    });

    withMount('directory reads across msize boundaries, and thousands of entries', async ({ ns, peekDir }) => {
      await mkdir(ns, M + '/many');
      const names: string[] = [];
      for (let i = 0; i < t.many; i++) names.push(`entry-${String(i).padStart(5, '0')}-${'p'.repeat(i % 50)}`);
      for (let i = 0; i < names.length; i += 100) {
        await Promise.all(names.slice(i, i + 100).map(async (n) => (await ns.create(M + '/many/' + n, OWRITE, 0o644)).close()));
      }
      const got = await ls(ns, M + '/many');
      expect(got.length).toBe(names.length);
      expect([...got].sort()).toEqual([...names].sort());
      expect(await peekDir('/many')).toEqual([...names].sort());
      // The same listing, a small read at a time: every read ends on an entry.
      const c = await ns.open(M + '/many', OREAD);
      let n = 0;
      let reads = 0;
      for (let b = await c.read(1000); b.length > 0; b = await c.read(1000)) {
        reads++;
        for (let o = 0; o < b.length; o += b.readUInt16LE(o) + 2) n++;
      }
      c.close();
      expect(n).toBe(names.length);
      expect(reads).toBeGreaterThan(1);
    });
  });
}
