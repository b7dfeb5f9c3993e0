// A daemon's lifecycle (ns/daemon.ts, the headless runner's and netd's), as netd's: one daemon per name under
// the start lock, its socket 0600 and pid file, no second one while it answers, and its
// end when idle, when its socket is removed, or when closed — taking its files with it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../ns/daemon.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { mountDial } from '../../ns/9p/post.js';

const dirs: string[] = [];
const daemons: Daemon[] = [];
afterEach(() => {
  for (const d of daemons.splice(0)) d.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function srvDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-daemon-'));
  dirs.push(d);
  return d;
}

async function start(dir: string, o: Partial<Parameters<typeof Daemon.start>[0]> = {}): Promise<Daemon | undefined> {
  const d = await Daemon.start({ dir, name: 'd', server: new Ramfs('me'), idleMs: 60_000, ...o });
  if (d) daemons.push(d);
  return d;
}

describe('a headless daemon', () => {
  it('serves its name 0600 with a pid file, and a second start stands down while it answers', async () => {
    const dir = srvDir();
    const d = (await start(dir))!;
    expect(d).toBeDefined();
    expect(fs.statSync(path.join(dir, 'd')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, 'd.pid'), 'utf8').trim()).toBe(String(process.pid));
    expect(fs.existsSync(path.join(dir, 'd.lock'))).toBe(false);
    expect(await start(dir)).toBeUndefined();
    const fsrv = await mountDial('unix!' + path.join(dir, 'd'));
    const root = await fsrv.attach('me', '');
    expect(d.clients).toBe(1);
    await root.clunk();
    d.close();
    await d.done;
    expect(fs.existsSync(path.join(dir, 'd'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'd.pid'))).toBe(false);
  });

  it('ends when idle, not while busy says so or a client is connected', async () => {
    const dir = srvDir();
    let busy = true;
    let closed: boolean | undefined;
    const d = (await start(dir, { idleMs: 50, busy: () => busy, onClose: (gone) => (closed = gone) }))!;
    const fsrv = await mountDial('unix!' + path.join(dir, 'd'));
    const root = await fsrv.attach('me', '');
    busy = false;
    // Connected: it stays however long that lasts (it answers a walk after several idle periods).
    await new Promise((r) => setTimeout(r, 300));
    const clone = (await root.walk([])).fid;
    expect(clone).toBeDefined();
    expect(closed).toBeUndefined();
    await clone!.clunk();
    await root.clunk();
    await d.done;
    expect(closed).toBe(false);
  });

  it('ends when its socket is removed, and leaves the directory alone', async () => {
    const dir = srvDir();
    let closed: boolean | undefined;
    const d = (await start(dir, { onClose: (gone) => (closed = gone) }))!;
    fs.rmSync(path.join(dir, 'd'));
    await d.done;
    expect(closed).toBe(true);
  });

  it('a start lock held by a live starter keeps a second daemon from starting', async () => {
    const dir = srvDir();
    fs.mkdirSync(path.join(dir, 'd.lock'));
    expect(await start(dir)).toBeUndefined();
    expect(await start(dir, { locked: true })).toBeDefined();
  });
});
