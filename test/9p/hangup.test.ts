/*
 * A dead server never hangs the shell: when the connection drops, every pending
 * operation fails with `i/o on hungup channel` at once, and so does every later one.
 * An interrupted read sends Tflush and fails with `interrupted`, and the connection
 * goes on working.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '../../ns/9p/client.js';
import { MountFs } from '../../ns/9p/mnt.js';
import { dial } from '../../ns/9p/transport.js';
import { NOFID } from '../../ns/9p/fcall.js';
import { OREAD } from '../../ns/types.js';
import { fails, mkdir, setup } from '../ns/helpers.js';
import { BlockFs } from './blockfs.js';
import { serveUnix } from './helpers.js';
import { startDiod } from './diod.js';

describe('hung-up channels', () => {
  it('a pending read fails with i/o on hungup channel when the server goes, and later calls fail at once', async () => {
    const b = new BlockFs();
    const srv = await serveUnix(b);
    const client = await Client.connect(await dial('unix!' + srv.sock));
    const fsrv = new MountFs(client);
    const root = await fsrv.attach('glenda', '');
    const w = await root.walk(['slow']);
    await w.fid!.open(OREAD);
    const reads = [w.fid!.read(0, 10), w.fid!.read(10, 10)];
    const settled = reads.map((p) => p.then(() => '', (e: Error) => e.message));
    while (b.reads < 2) await new Promise((r) => setTimeout(r, 1));
    srv.conns[0]!.close();
    expect(await Promise.all(settled)).toEqual(['i/o on hungup channel', 'i/o on hungup channel']);
    expect(await fails(root.stat())).toBe('i/o on hungup channel');
    expect(await fails(fsrv.attach('glenda', ''))).toBe('i/o on hungup channel');
    await srv.close();
  });

  it('killing diod mid-read fails the read through the namespace', async () => {
    const d = await startDiod();
    fs.writeFileSync(path.join(d.dir, 'f'), 'contents');
    try {
      const client = await Client.connect(await dial(d.addr));
      const { ns } = await setup();
      await mkdir(ns, '/tmp/m');
      await ns.mountServer(new MountFs(client), '/tmp/m', 0, d.dir);
      const c = await ns.open('/tmp/m/f', OREAD);
      // Stopped, diod takes the read but cannot answer it; then it is killed.
      d.proc.kill('SIGSTOP');
      while (fs.readFileSync(`/proc/${d.proc.pid}/stat`, 'utf8').split(') ')[1]![0] !== 'T') await new Promise((r) => setTimeout(r, 1));
      const read = c.read(100).then(() => '', (e: Error) => e.message);
      await new Promise((r) => setTimeout(r, 20));
      d.proc.kill('SIGKILL');
      expect(await read).toBe('i/o on hungup channel');
      expect(await fails(ns.stat('/tmp/m/f'))).toMatch(/i\/o on hungup channel/);
    } finally {
      await d.stop();
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });

  it('an interrupted read sends Tflush, fails with interrupted, and the connection lives on', async () => {
    const b = new BlockFs();
    const srv = await serveUnix(b);
    const client = await Client.connect(await dial('unix!' + srv.sock));
    await client.rpc({ type: 'Tattach', fid: 1, afid: NOFID, uname: 'glenda', aname: '' });
    await client.rpc({ type: 'Twalk', fid: 1, newfid: 2, wname: ['slow'] });
    await client.rpc({ type: 'Topen', fid: 2, mode: 0 });
    const ac = new AbortController();
    const read = client.rpc({ type: 'Tread', fid: 2, offset: 0, count: 10 }, ac.signal).then(() => '', (e: Error) => e.message);
    while (b.reads < 1) await new Promise((r) => setTimeout(r, 1));
    ac.abort();
    expect(await read).toBe('interrupted');
    b.release();
    expect((await client.rpc({ type: 'Tstat', fid: 1 })).stat.name).toBe('/');
    const again = client.rpc({ type: 'Tread', fid: 2, offset: 0, count: 10 });
    while (b.reads < 2) await new Promise((r) => setTimeout(r, 1));
    b.release(Buffer.from('data'));
    expect((await again).data.toString()).toBe('data');
    client.close();
    await srv.close();
  });

  it('a dial to nothing fails with Plan 9 words', async () => {
    expect(await fails(dial('unix!/nonexistent/socket'))).toBe('file does not exist');
    expect(await fails(dial('tcp!127.0.0.1!1'))).toBe('connection refused');
    expect(await fails(dial('bogus'))).toBe('bad dial string');
  });
});
