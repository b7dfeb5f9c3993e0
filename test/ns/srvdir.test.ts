/*
 * The host srv directory ($NAMESPACE, or /tmp/ns.$USER.$DISPLAY) is used only when it is
 * the user's own and closed to others, as plan9port's getns insists: otherwise another
 * user could plant a socket that shows in /srv, or a /net daemon of theirs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { postServer } from '../../ns/9p/post.js';
import { SrvGroup, srvDirFault } from '../../ns/dev/srv.js';
import { NetDaemon } from '../../ns/net/netd.js';
import { connectNetd } from '../../ns/net/netdclient.js';
import { NetWorld } from '../../ns/net/world.js';
import { Ramfs } from '../../ns/srv/ramfs.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ants-rc.js');
const root = process.getuid?.() === 0;

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});

function base(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-srvdir-')));
  cleanup.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A srv directory with a socket someone planted in it. */
async function planted(dir: string): Promise<void> {
  const l = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => l.listen(path.join(dir, 'planted'), r));
  cleanup.push(() => l.close());
}

function rc(ns: string, script: string) {
  const r = spawnSync(process.execPath, [BIN, '-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), NAMESPACE: ns, ANTS_REALNET: '0' }, encoding: 'utf8' });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

describe('the srv directory', () => {
  it('a mode 0700 directory of ours is used: its sockets show in /srv', async () => {
    const ns = path.join(base(), 'ns');
    fs.mkdirSync(ns, { mode: 0o700 });
    await planted(ns);
    expect(srvDirFault(ns)).toBeUndefined();
    expect(new SrvGroup(ns).names()).toEqual(['planted']);
    expect(rc(ns, 'ls /srv | grep planted')).toEqual({ out: '/srv/planted\n', err: '', code: 0 });
  });

  it('a group- or world-accessible one is refused: a script stops with the reason, /srv hides its sockets, nothing is posted or served there', async () => {
    const ns = path.join(base(), 'ns');
    fs.mkdirSync(ns);
    fs.chmodSync(ns, 0o755);
    await planted(ns);
    const why = `bad name space dir ${ns}: mode 0755, open to others`;
    expect(srvDirFault(ns)).toBe(why);
    expect(rc(ns, 'echo should not run')).toEqual({ out: '', err: `ants-rc: ${why}\n`, code: 1 });
    const g = new SrvGroup(ns);
    expect(g.names()).toEqual([]);
    expect(g.socketPath('planted')).toBeUndefined();
    await expect(postServer(g, 'mine', new Ramfs('glenda'))).rejects.toThrow(why);
    await expect(NetDaemon.start(ns, { idleMs: 1000, world: new NetWorld({ realnet: false }) })).rejects.toThrow(why);
    await expect(connectNetd(ns)).rejects.toThrow(why);
    const d = spawnSync(process.execPath, [BIN, '--netd', ns], { encoding: 'utf8' });
    expect([d.status, d.stderr]).toEqual([1, `ants-rc: ${why}\n`]);
    expect(fs.readdirSync(ns)).toEqual(['planted']);
    // At a terminal the session goes on, told why, and /net says why it cannot be reached.
    const i = spawnSync(process.execPath, [BIN, '-i'], { input: 'echo still here\ncat /net/tcp/clone\n', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NAMESPACE: ns, ANTS_REALNET: '0' }, encoding: 'utf8' });
    expect(i.stdout).toBe('still here\n');
    expect(i.stderr.split('\n')[0]).toBe(`ants-rc: ${why}`);
    expect(i.stderr).toContain(`can't open /net/tcp/clone: '/net/tcp' ${why}\n`);
    fs.chmodSync(ns, 0o710);
    expect(srvDirFault(ns)).toBe(`bad name space dir ${ns}: mode 0710, open to others`);
  });

  it.skipIf(!root)('one owned by another user is refused, even when closed to others; so is a symbolic link of theirs', async () => {
    const b = base();
    const ns = path.join(b, 'ns');
    fs.mkdirSync(ns, { mode: 0o700 });
    fs.chownSync(ns, 1000, 1000);
    const why = `bad name space dir ${ns}: not owned by you`;
    expect(srvDirFault(ns)).toBe(why);
    expect(rc(ns, 'echo should not run')).toEqual({ out: '', err: `ants-rc: ${why}\n`, code: 1 });
    const mine = path.join(b, 'mine');
    fs.mkdirSync(mine, { mode: 0o700 });
    const link = path.join(b, 'link');
    fs.symlinkSync(mine, link);
    expect(srvDirFault(link)).toBeUndefined();
    fs.lchownSync(link, 1000, 1000);
    expect(srvDirFault(link)).toBe(`bad name space dir ${link}: not owned by you`);
  });

  it('one that is not there is made, mode 0700', async () => {
    const ns = path.join(base(), 'ns');
    expect(srvDirFault(ns)).toBeUndefined();
    const g = new SrvGroup(ns);
    await postServer(g, 'ram', new Ramfs('glenda'));
    cleanup.push(() => g.remove('ram'));
    expect((fs.statSync(ns).mode & 0o777).toString(8)).toBe('700');
    expect(g.names()).toEqual(['ram']);
  });
});
