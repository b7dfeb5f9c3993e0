/*
 * The 9P commands in ants-rc (the built binary, as the other shell tests run it):
 * srvfs posts a socket in $NAMESPACE that plain 9P clients reach; a socket placed there
 * by another server (diod, as plan9port's servers do) shows in /srv and mounts; mount of
 * a dial string; srv posts a connection; import; exportfs speaks 9P on its stdio.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../ns/9p/client.js';
import { MountFs } from '../../ns/9p/mnt.js';
import { dial } from '../../ns/9p/transport.js';
import { OREAD, OWRITE } from '../../ns/types.js';
import { DIOD, startDiod, type Diod } from './diod.js';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'ants-rc.js');
let dir: string;
let nsdir: string;

beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-9pcmd-')));
  nsdir = path.join(dir, 'ns');
  fs.mkdirSync(path.join(dir, 'tree'));
  fs.writeFileSync(path.join(dir, 'tree', 'hello'), 'hello from the tree\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const env = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NAMESPACE: nsdir });

function rc(script: string) {
  const r = spawnSync(process.execPath, [BIN, '-c', script], { cwd: dir, env: env(), encoding: 'utf8' });
  return { out: r.stdout.replaceAll(dir, 'D'), err: r.stderr.replaceAll(dir, 'D'), code: r.status };
}

/** A file through a 9P connection at addr (test-side client, no ants-rc). */
async function catVia(addr: string, names: string[]): Promise<string> {
  const fsrv = new MountFs(await Client.connect(await dial(addr)));
  try {
    const root = await fsrv.attach('glenda', '');
    const w = await root.walk(names);
    await w.fid!.open(OREAD);
    return (await w.fid!.read(0, 8192)).toString();
  } finally {
    fsrv.client.close();
  }
}

describe('9P commands', () => {
  it('srvfs posts $NAMESPACE/name (0600 in a 0700 directory), reachable by any 9P client, gone when rc exits', async () => {
    const p = spawn(process.execPath, [BIN, '-c', 'srvfs -p 0600 tree ' + path.join(dir, 'tree') + '; echo posted; read; echo bye'], { cwd: dir, env: env() });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    let err = '';
    p.stderr.on('data', (b) => (err += b));
    while (!out.includes('posted')) {
      if (p.exitCode !== null) throw new Error('ants-rc exited: ' + err);
      await new Promise((r) => setTimeout(r, 10));
    }
    const sock = path.join(nsdir, 'tree');
    expect(fs.statSync(sock).isSocket()).toBe(true);
    expect(fs.statSync(sock).mode & 0o777).toBe(0o600);
    expect(fs.statSync(nsdir).mode & 0o777).toBe(0o700);
    expect(await catVia('unix!' + sock, ['hello'])).toBe('hello from the tree\n');
    // Writes through the export land in the tree.
    const fsrv = new MountFs(await Client.connect(await dial('unix!' + sock)));
    const root = await fsrv.attach('glenda', '');
    await root.create('made', 0o644, OWRITE);
    await root.write(0, Buffer.from('via srvfs'));
    fsrv.client.close();
    expect(fs.readFileSync(path.join(dir, 'tree', 'made'), 'utf8')).toBe('via srvfs');
    fs.rmSync(path.join(dir, 'tree', 'made'));
    p.stdin.end('\n');
    await new Promise((r) => p.on('close', r));
    expect(out).toBe('posted\n\nbye\n');
    expect(fs.existsSync(sock)).toBe(false);
  });

  it('srvfs -R exports read-only; rm /srv/name takes the post away', () => {
    const r = rc(`srvfs -R ro ${dir}/tree; mount /srv/ro /n/ro; cat /n/ro/hello; rm /n/ro/hello; ls $NAMESPACE; rm /srv/ro; ls $NAMESPACE; echo done`);
    expect(r.out).toBe(`hello from the tree\nD/ns/ro\ndone\n`);
    expect(r.err).toBe('rm: /n/ro/hello: file system read only\n');
  });

  it('a socket another server put in $NAMESPACE shows in /srv and mounts (diod on a Unix socket)', async () => {
    fs.mkdirSync(nsdir, { recursive: true, mode: 0o700 });
    const sock = path.join(nsdir, 'diod');
    const tree = path.join(dir, 'tree');
    const d = spawn(DIOD, ['-f', '-n', '-l', sock, '-e', tree, '-L', 'stderr', ...(process.getuid?.() === 0 ? ['-S', '-U', 'root'] : ['-S', '-U', os.userInfo().username])], { stdio: 'ignore' });
    try {
      while (!fs.existsSync(sock)) await new Promise((r) => setTimeout(r, 10));
      const r = rc(`ls /srv | grep diod; mount -c /srv/diod /n/d ${tree}; cat /n/d/hello; echo new > /n/d/fromants; ls /n/d; rm /n/d/fromants`);
      expect(r.err).toBe('');
      expect(r.out).toBe('/srv/diod\nhello from the tree\n/n/d/fromants\n/n/d/hello\n');
      expect(fs.readdirSync(tree)).toEqual(['hello']);
    } finally {
      d.kill();
      await new Promise((r) => d.on('close', r));
      fs.rmSync(sock, { force: true });
    }
  });

  describe('with diod on TCP', () => {
    let d: Diod;
    beforeAll(async () => {
      d = await startDiod();
      fs.writeFileSync(path.join(d.dir, 'f'), 'diod file\n');
    });
    afterAll(async () => {
      await d.stop();
      fs.rmSync(d.dir, { recursive: true, force: true });
    });

    it('mount of a dial string, with the export as spec', () => {
      const r = rc(`mount -c ${d.addr} /n/d ${d.dir}; cat /n/d/f; mkdir /n/d/sub; mv /n/d/f /n/d/sub/g; ls /n/d/sub; ns | grep /n/d`);
      expect(r.err).toBe('');
      expect(r.out).toBe(`diod file\n/n/d/sub/g\nmount -c ${d.addr} /n/d ${d.dir}\n`);
      expect(fs.readFileSync(path.join(d.dir, 'sub', 'g'), 'utf8')).toBe('diod file\n');
      fs.renameSync(path.join(d.dir, 'sub', 'g'), path.join(d.dir, 'f'));
      fs.rmdirSync(path.join(d.dir, 'sub'));
    });

    it('files and directories rc makes on the mount get 644 and 755 under umask 022, as on the host', () => {
      const old = process.umask(0o022);
      let r;
      try {
        r = rc(`mount -c ${d.addr} /n/d ${d.dir}; echo x > /n/d/made; mkdir /n/d/madedir`);
      } finally {
        process.umask(old);
      }
      expect(r.err).toBe('');
      const mode = (p: string): string => (fs.statSync(path.join(d.dir, p)).mode & 0o777).toString(8);
      expect([mode('made'), mode('madedir')]).toEqual(['644', '755']);
      fs.rmSync(path.join(d.dir, 'made'));
      fs.rmdirSync(path.join(d.dir, 'madedir'));
    });

    it('a tcp! mount is dialed through the namespace\'s /net: the connection is a conversation there', () => {
      const port = d.addr.split('!')[2];
      const r = rc(`mount -c ${d.addr} /n/d ${d.dir}; cat /n/d/f; cat /net/tcp/*/remote | grep -c '^127.0.0.1!'${port}'$'`);
      expect(r.err).toBe('');
      expect(r.out).toBe('diod file\n1\n');
    });

    it('srv posts the connection; later mounts share it', () => {
      const r = rc(`srv ${d.addr} dd; ls /srv | grep dd; mount /srv/dd /n/b ${d.dir}; mount /srv/dd /n/c ${d.dir}; cat /n/b/f /n/c/f; ls -l $NAMESPACE | grep -c dd; srv -q ${d.addr} dd; srv ${d.addr} dd`);
      expect(r.err).toBe('srv: file already exists\n');
      expect(r.out).toBe('/srv/dd\ndiod file\ndiod file\n1\n');
    });
  });

  it('import mounts an exportfs (here a srvfs socket) or a part of it; srv dials and mounts one', () => {
    const r = rc(`srvfs ex ${dir}; import unix!$NAMESPACE/ex /tree /n/i; cat /n/i/hello; import unix!$NAMESPACE/ex /n/j; ls /n/j/tree; srv unix!$NAMESPACE/ex again /n/k; cat /n/k/tree/hello`);
    expect(r.err).toBe('');
    expect(r.out).toBe('hello from the tree\n/n/j/tree/hello\nhello from the tree\n');
  });

  it('exportfs speaks 9P on its standard input and output', async () => {
    const p = spawn(process.execPath, [BIN, '-c', `exportfs -r ${dir}/tree`], { cwd: dir, env: env() });
    const stream = Duplex.from({ readable: p.stdout, writable: p.stdin });
    const fsrv = new MountFs(await Client.connect(stream));
    const root = await fsrv.attach('glenda', '');
    const w = await root.walk(['hello']);
    await w.fid!.open(OREAD);
    expect((await w.fid!.read(0, 100)).toString()).toBe('hello from the tree\n');
    fsrv.client.close();
    const code = await new Promise((r) => p.on('close', r));
    expect(code).toBe(0);
  });

  it('usage and refusal', () => {
    const r = rc('srvfs; exportfs -A tcp!0.0.0.0!17999; mount -c tcp!127.0.0.1!1 /n/x; echo $status');
    expect(r.err).toBe('usage: srvfs [-R] [-p perm] name path\nexportfs: authentication required to listen on a non-loopback address\nmount: connection refused\n');
    // A failed mount's status is its name, as in 9front.
    expect(r.out).toBe('mount\n');
  });
});
