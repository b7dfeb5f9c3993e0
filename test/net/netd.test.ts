/*
 * The shared /net daemon, in process: a NetDaemon on a temporary srv directory and
 * kernels in daemon mode (each one session, with its own 9P connection to it). What
 * starting the daemon from ants-rc looks like is in netd-sessions.test.ts.
 */
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accept, announce, dial, listen } from '../../builtins/net/dial.js';
import { Kernel } from '../../ns/kernel.js';
import { MAFTER, MREPL } from '../../ns/mount.js';
import { closeNetd, netMode, setNetWorld } from '../../ns/net/index.js';
import { NetDaemon } from '../../ns/net/netd.js';
import { RA_BUDGET, W_BUDGET } from '../../ns/net/netdclient.js';
import { NETD_PID, NETD_SOCKET } from '../../ns/net/remote.js';
import { NetWorld } from '../../ns/net/world.js';
import type { Namespace } from '../../ns/namespace.js';
import type { Chan } from '../../ns/vfs.js';
import { ORDWR } from '../../ns/types.js';
import { ctl, fails, readFile } from './helpers.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});

function srvDir(): string {
  const d = fs.mkdtempSync(join(tmpdir(), 'ants-netd-'));
  cleanup.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return join(d, 'ns');
}

async function daemon(dir: string): Promise<NetDaemon> {
  const d = await NetDaemon.start(dir, { idleMs: 60_000, world: new NetWorld({ realnet: false }) });
  if (!d) throw new Error('no daemon');
  cleanup.push(() => d.close());
  return d;
}

/** A session: a kernel in daemon mode with the boot namespace's /net and /net.alt. */
async function session(dir: string): Promise<{ k: Kernel; ns: Namespace }> {
  const k = new Kernel({ user: 'glenda', sysname: 'cirno', srvDir: dir, net: 'daemon', console: { read: async () => Buffer.alloc(0), write: (d) => d.length } });
  cleanup.push(() => closeNetd(k));
  const p = await k.init(['rc']);
  await p.ns.bind('#I0', '/net', MREPL);
  await p.ns.bind('#l0', '/net', MAFTER);
  await p.ns.bind('#I1', '/net.alt', MREPL);
  await p.ns.bind('#l1', '/net.alt', MAFTER);
  return { k, ns: p.ns };
}

describe('the shared /net daemon', () => {
  it('is not reached until /net is used: binding and stat of the device roots make no connection', async () => {
    const dir = srvDir();
    const { ns } = await session(dir);
    const d = await ns.stat('/net');
    expect(d.mode >>> 0).toBe((0x80000000 | 0o555) >>> 0);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a kernel is local unless asked, and setNetWorld makes it local', () => {
    expect(netMode(new Kernel({ srvDir: null }))).toBe('local');
    const k = new Kernel({ srvDir: null, net: 'daemon' });
    expect(netMode(k)).toBe('daemon');
    setNetWorld(k, new NetWorld({ realnet: false }));
    expect(netMode(k)).toBe('local');
  });

  it('two sessions see one world: an address added in one, a listener on it answered from the other', async () => {
    const dir = srvDir();
    const d = await daemon(dir);
    const a = await session(dir);
    const b = await session(dir);
    expect(await ctl(a.ns, '/net/ipifc/1/ctl', 'add 192.168.0.99 255.255.255.0')).toBe('');
    expect(await readFile(b.ns, '/net/ipselftab')).toContain('192.168.0.99 ');
    expect(d.clients).toBe(2);

    const ann = await announce(a.ns, 'tcp!192.168.0.99!2500');
    const served = (async () => {
      const call = await listen(a.ns, ann.dir);
      const data = await accept(a.ns, call);
      const got = (await data.read(100)).toString();
      await data.write(Buffer.from(`you said ${got}, from ${(await readFile(a.ns, call.dir + '/remote')).trim()}`));
      data.close();
      call.ctl.close();
    })();
    const c = await dial(b.ns, 'tcp!192.168.0.99!2500');
    await c.data.write(Buffer.from('hello'));
    const reply = (await c.data.read(100)).toString();
    expect(reply).toMatch(/^you said hello, from 192\.168\.0\.99!\d+$/);
    expect(await c.data.read(100)).toHaveLength(0);
    await served;
    c.data.close();
    c.ctl.close();
    ann.ctl.close();
    // /net.alt is the daemon's stack 1, private to its segment.
    expect(await fails(dial(b.ns, '/net.alt/tcp!192.168.0.99!2500'))).toBe('connection refused');
  });

  it('a stream through the daemon arrives whole and in order, writes behind and reads ahead; closing loses nothing', async () => {
    const dir = srvDir();
    await daemon(dir);
    const a = await session(dir);
    const b = await session(dir);
    const ann = await announce(a.ns, 'tcp!*!2700');
    const calling = listen(a.ns, ann.dir);
    const c = await dial(b.ns, 'tcp!192.168.0.100!2700');
    const call = await calling;
    const d = await accept(a.ns, call);
    // 6 MiB in writes of odd sizes, each byte its offset mod 251; the writer closes at once.
    const total = 6 << 20;
    const whole = Buffer.alloc(total);
    for (let i = 0; i < total; i++) whole[i] = i % 251;
    const writing = (async () => {
      for (let off = 0, n = 1; off < total; off += n, n = (n * 7 + 13) % 90_001 + 1) await c.data.write(whole.subarray(off, Math.min(total, off + n)));
      await c.data.write(Buffer.alloc(0));
    })();
    const parts: Buffer[] = [];
    for (let b2 = await d.read(10_000); b2.length > 0; b2 = await d.read(10_000)) parts.push(b2);
    await writing;
    expect(Buffer.concat(parts).equals(whole)).toBe(true);
    // The far end gone: a write may be taken (it is behind), but a later one or the half-close fails.
    call.ctl.close();
    d.close();
    const errs: string[] = [];
    for (let i = 0; i < 3 && errs.length === 0; i++) await c.data.write(Buffer.from('late')).catch((e: Error) => errs.push(e.message));
    await c.data.write(Buffer.alloc(0)).catch((e: Error) => errs.push(e.message));
    expect(errs[0]).toBe('i/o on hungup channel');
    c.data.close();
    c.ctl.close();
    ann.ctl.close();
  });

  it('writes through two files of one conversation arrive in the order they were made', async () => {
    const dir = srvDir();
    await daemon(dir);
    const a = await session(dir);
    const b = await session(dir);
    const ann = await announce(a.ns, 'tcp!*!2701');
    const calling = listen(a.ns, ann.dir);
    const c = await dial(b.ns, 'tcp!192.168.0.100!2701');
    const other = await b.ns.open(c.dir + '/data', ORDWR);
    const call = await calling;
    const d = await accept(a.ns, call);
    // Small writes (coalesced on their way) and large ones, alternating between the two files.
    const parts: Buffer[] = [];
    for (let i = 0; i < 300; i++) parts.push(Buffer.alloc(i % 7 === 0 ? 40_000 + i : 50 + i, i % 251));
    const writing = (async () => {
      for (let i = 0; i < parts.length; i++) await (i % 3 === 0 ? other : c.data).write(parts[i]!);
      await c.data.write(Buffer.alloc(0));
    })();
    const got: Buffer[] = [];
    for (let x = await d.read(65536); x.length > 0; x = await d.read(65536)) got.push(x);
    await writing;
    expect(Buffer.concat(got).equals(Buffer.concat(parts))).toBe(true);
    for (const x of [d, call.ctl, other, c.data, c.ctl, ann.ctl]) x.close();
  });

  it('when the daemon dies, waiting reads and later writes fail with a hangup, and the next dial reaches a new daemon', async () => {
    const dir = srvDir();
    const d1 = await daemon(dir);
    const a = await session(dir);
    const b = await session(dir);
    const ann = await announce(a.ns, 'tcp!*!2600');
    const calling = listen(a.ns, ann.dir);
    const c = await dial(b.ns, 'tcp!192.168.0.100!2600');
    const call = await calling;
    const reading = c.data.read(100);
    d1.close();
    expect(await fails(reading)).toBe('i/o on hungup channel');
    expect(await fails(c.data.write(Buffer.from('x')))).toBe('i/o on hungup channel');
    c.data.close();
    c.ctl.close();
    call.ctl.close();
    ann.ctl.close();

    await daemon(dir);
    const ann2 = await announce(a.ns, 'tcp!*!2601');
    const served = (async () => {
      const call2 = await listen(a.ns, ann2.dir);
      const data = await accept(a.ns, call2);
      await data.write(Buffer.from('a new daemon'));
      data.close();
      call2.ctl.close();
    })();
    const c2 = await dial(b.ns, 'tcp!192.168.0.100!2601');
    expect((await c2.data.read(100)).toString()).toBe('a new daemon');
    await served;
    c2.data.close();
    c2.ctl.close();
    ann2.ctl.close();
  });

  it('serves only I<n> and l<n> attach names; a second daemon on the same directory declines', async () => {
    const dir = srvDir();
    const d = await daemon(dir);
    expect(fs.readFileSync(join(dir, NETD_PID), 'utf8').trim()).toBe(String(process.pid));
    expect((fs.statSync(join(dir, NETD_SOCKET)).mode & 0o777).toString(8)).toBe('600');
    expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect(await NetDaemon.start(dir, { idleMs: 60_000 })).toBeUndefined();
    const { ns } = await session(dir);
    expect(await fails(ns.bind('#I16', '/n', MREPL))).toBe('bad attach specifier');
    expect(await fails(ns.stat('#Ix/tcp'))).toBe('bad attach specifier');
    const { Client } = await import('../../ns/9p/client.js');
    const { MountFs } = await import('../../ns/9p/mnt.js');
    const { dial: dial9p } = await import('../../ns/9p/transport.js');
    const fsrv = new MountFs(await Client.connect(await dial9p('unix!' + d.sock)));
    expect(await fails(fsrv.attach('glenda', ''))).toBe('bad attach specifier');
    expect(await fails(fsrv.attach('glenda', 'I99'))).toBe('bad attach specifier');
    const root = await fsrv.attach('glenda', 'l0');
    expect((await root.walk(['ether0', 'addr'])).qids).toHaveLength(2);
    fsrv.client.close();
  });

  it('one session holds 100 conversations at once, every end reading, and each still carries data both ways', async () => {
    const dir = srvDir();
    const d = await daemon(dir);
    const { ns } = await session(dir);
    const n = 100;
    const ann = await announce(ns, 'tcp!*!2800');
    const ends: Array<{ data: Chan; close(): void }> = [];
    const served = (async () => {
      for (let i = 0; i < n; i++) {
        const call = await listen(ns, ann.dir);
        const data = await accept(ns, call);
        ends.push({ data, close: () => (data.close(), call.ctl.close()) });
      }
    })();
    const calls: Awaited<ReturnType<typeof dial>>[] = [];
    for (let i = 0; i < n; i++) calls.push(await dial(ns, 'tcp!192.168.0.100!2800'));
    await served;
    // Every end has a read waiting at the daemon before any data moves: 200 readers on one connection.
    const echoes = ends.map(async (e) => {
      const b = await e.data.read(8192);
      await e.data.write(Buffer.concat([Buffer.from('echo '), b]));
    });
    const waiting = calls.map((c) => c.data.read(8192));
    while (d.requests < 2 * n) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    // One read per end, and reads ahead only as far as the connection's budget goes.
    expect(d.requests).toBeLessThanOrEqual(2 * n + RA_BUDGET);
    for (let i = 0; i < n; i++) await calls[i]!.data.write(Buffer.from(`call ${i}`));
    const got = await Promise.all(waiting);
    await Promise.all(echoes);
    expect(got.map((b) => b.toString())).toEqual(calls.map((_, i) => `echo call ${i}`));
    for (const c of calls) (c.data.close(), c.ctl.close());
    for (const e of ends) e.close();
    ann.ctl.close();
  }, 60_000);

  it('writers whose peers in the same session do not read yet hold a bounded number of Twrites at the daemon, and lose nothing', async () => {
    const dir = srvDir();
    const d = await daemon(dir);
    const { ns } = await session(dir);
    const n = 40;
    const ann = await announce(ns, 'tcp!*!2900');
    const ends: Array<{ data: Chan; close(): void }> = [];
    const served = (async () => {
      for (let i = 0; i < n; i++) {
        const call = await listen(ns, ann.dir);
        ends.push({ data: await accept(ns, call), close: () => call.ctl.close() });
      }
    })();
    const calls: Awaited<ReturnType<typeof dial>>[] = [];
    for (let i = 0; i < n; i++) calls.push(await dial(ns, 'tcp!192.168.0.100!2900'));
    await served;
    // 1.25 MiB each in writes of 32 KiB: the first MiB fills the peer's queue, the rest waits at the daemon.
    const total = (1 << 20) + (256 << 10);
    const written = calls.map(() => 0);
    const writing = calls.map(async (c, i) => {
      const piece = Buffer.alloc(32 * 1024, i);
      for (let off = 0; off < total; off += piece.length) {
        await c.data.write(piece);
        written[i] += piece.length;
      }
      await c.data.write(Buffer.alloc(0));
    });
    let last = -1;
    for (let still = 0; still < 5; ) {
      await new Promise((r) => setTimeout(r, 20));
      if (d.requests === last && written.every((w) => w >= 1 << 20)) still++;
      else still = 0;
      last = d.requests;
    }
    expect(d.requests).toBeLessThanOrEqual(n + W_BUDGET);
    const got = await Promise.all(ends.map(async (e) => {
      const parts: Buffer[] = [];
      for (let b = await e.data.read(65536); b.length > 0; b = await e.data.read(65536)) parts.push(b);
      return Buffer.concat(parts);
    }));
    await Promise.all(writing);
    got.forEach((b, i) => expect([b.length, b.equals(Buffer.alloc(total, i))]).toEqual([total, true]));
    for (const c of calls) (c.data.close(), c.ctl.close());
    for (const e of ends) (e.data.close(), e.close());
    ann.ctl.close();
  }, 60_000);

  it('exits when idle, removing its socket and pid file', async () => {
    const dir = srvDir();
    const d = await NetDaemon.start(dir, { idleMs: 50, world: new NetWorld({ realnet: false }) });
    const { k, ns } = await session(dir);
    expect(await readFile(ns, '/net/ipselftab')).toContain('127.0.0.1');
    expect(d!.clients).toBe(1);
    closeNetd(k);
    await d!.done;
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
