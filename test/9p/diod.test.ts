/*
 * Interop with a real peer: Debian's diod (9P2000.L) started on loopback, its export
 * mounted into an ants namespace. Everything done through the mount must match the
 * files on disk, and what is put on disk must show through the mount. diod missing is
 * a failure, not a skip: .ci/run installs it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../ns/9p/client.js';
import { MountFs } from '../../ns/9p/mnt.js';
import { dial } from '../../ns/9p/transport.js';
import { DMDIR, OREAD, OWRITE } from '../../ns/types.js';
import { cat, fails, ls, mkdir, put } from '../ns/helpers.js';
import { conformance } from './conformance.js';
import { startDiod, type Diod } from './diod.js';
import { mountAt } from './helpers.js';

let d: Diod;
let n = 0;
beforeAll(async () => {
  d = await startDiod();
});
afterAll(async () => {
  await d.stop();
  fs.rmSync(d.dir, { recursive: true, force: true });
});

/** A fresh directory of the export for each test, mounted at /tmp/m. */
async function fresh(): Promise<{ dir: string; m: Awaited<ReturnType<typeof mountAt>> }> {
  const dir = path.join(d.dir, `t${n++}`);
  fs.mkdirSync(dir);
  return { dir, m: await mountAt(d.addr, {}, dir) };
}

describe('diod', () => {
  it('answers 9P2000 with Rlerror; the client falls back to 9P2000.L at 64 KiB', async () => {
    const c = await Client.connect(await dial(d.addr));
    expect(c.version).toBe('9P2000.L');
    expect(c.msize).toBe(65536);
    c.close();
  });

  it('ls, cat, write, mkdir, rm and rename through the mount match the disk', async () => {
    const { dir, m } = await fresh();
    const { ns } = m;
    fs.writeFileSync(path.join(dir, 'disk.txt'), 'from disk\n');
    fs.mkdirSync(path.join(dir, 'sub'));
    expect((await ls(ns, '/tmp/m')).sort()).toEqual(['disk.txt', 'sub']);
    expect(await cat(ns, '/tmp/m/disk.txt')).toBe('from disk\n');
    const st = await ns.stat('/tmp/m/disk.txt');
    expect(st.length).toBe(10);
    expect(st.mode & 0o777).toBe(fs.statSync(path.join(dir, 'disk.txt')).mode & 0o777);
    expect(st.mtime).toBe(Math.floor(fs.statSync(path.join(dir, 'disk.txt')).mtimeMs / 1000));

    await put(ns, '/tmp/m/sub/new', 'through 9P');
    expect(fs.readFileSync(path.join(dir, 'sub/new'), 'utf8')).toBe('through 9P');
    await mkdir(ns, '/tmp/m/made');
    expect(fs.statSync(path.join(dir, 'made')).isDirectory()).toBe(true);
    await ns.wstat('/tmp/m/sub/new', { name: 'renamed' });
    expect(fs.readdirSync(path.join(dir, 'sub'))).toEqual(['renamed']);
    await ns.remove('/tmp/m/sub/renamed');
    await ns.remove('/tmp/m/made');
    expect(fs.readdirSync(dir).sort()).toEqual(['disk.txt', 'sub']);
    expect(await fails(ns.open('/tmp/m/made', OREAD))).toMatch(/does not exist/);
    m.client.close();
  });

  it('files and directories made through the mount get the modes the umask leaves, as on the host file system', async () => {
    const { dir, m } = await fresh();
    const old = process.umask(0o027);
    try {
      // The perms rc's `>` and mkdir ask for.
      (await m.ns.create('/tmp/m/f', OWRITE, 0o666)).close();
      (await m.ns.create('/tmp/m/d', OREAD, DMDIR | 0o777)).close();
      fs.writeFileSync(path.join(dir, 'host-f'), 'x', { mode: 0o666 });
      fs.mkdirSync(path.join(dir, 'host-d'), { mode: 0o777 });
    } finally {
      process.umask(old);
    }
    const mode = (p: string): string => (fs.statSync(path.join(dir, p)).mode & 0o777).toString(8);
    expect([mode('f'), mode('d')]).toEqual(['640', '750']);
    expect([mode('f'), mode('d')]).toEqual([mode('host-f'), mode('host-d')]);
    m.client.close();
  });
});

conformance({
  name: 'diod (9P2000.L) over loopback TCP',
  maxName: 255,
  many: 1000,
  async mount() {
    const { dir, m } = await fresh();
    return {
      ns: m.ns,
      peek: async (p) => (fs.existsSync(path.join(dir, p)) ? fs.readFileSync(path.join(dir, p)) : undefined),
      peekDir: async (p) => fs.readdirSync(path.join(dir, p)).sort(),
      done: async () => m.client.close(),
    };
  },
});

describe('diod and the watchdog', () => {
  it('answers the ping of a client whose open is blocked (a FIFO with no writer yet), so the connection is kept', async () => {
    const dir = path.join(d.dir, `t${n++}`);
    fs.mkdirSync(dir);
    spawnSync('mkfifo', [path.join(dir, 'fifo')]);
    const sock = await dial(d.addr);
    const client = await Client.connect(sock, { deadline: 100 });
    const fsrv = new MountFs(client);
    const root = await fsrv.attach('glenda', dir);
    const w = await root.walk(['fifo']);
    // diod opens the FIFO in a worker, which waits there for a writer; so does the Tlopen.
    const opened = w.fid!.open(OREAD);
    let heard = 0;
    sock.on('data', () => heard++);
    // Each answered ping is something heard with the open outstanding; three span more than a deadline.
    while (heard < 3) await new Promise((r) => setTimeout(r, 10));
    expect(client.hungup).toBe(false);
    const writer = fs.openSync(path.join(dir, 'fifo'), fs.constants.O_WRONLY);
    await opened;
    expect(client.hungup).toBe(false);
    fs.closeSync(writer);
    client.close();
  });
});
