/*
 * Opening a file on a mounted 9P server in one round trip: the namespace walks and opens
 * with Twalk and Topen sent together when no mount point can lie on the walk, and walks
 * then opens otherwise; the mount driver falls back to a plain open when a server runs
 * the two out of order.
 */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../ns/9p/client.js';
import { encode, decode } from '../../ns/9p/codec.js';
import type { Fcall } from '../../ns/9p/fcall.js';
import { MountFs } from '../../ns/9p/mnt.js';
import { dial, Conn } from '../../ns/9p/transport.js';
import { MCREATE, MREPL } from '../../ns/mount.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { OREAD, QTDIR } from '../../ns/types.js';
import { cat, mkdir, put, setup } from '../ns/helpers.js';
import type { Namespace } from '../../ns/namespace.js';
import { serveUnix, type Served } from './helpers.js';

let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** Record, in order, each T-message sent and each reply received on client. */
function record(client: Client): string[] {
  const log: string[] = [];
  const rpc = client.rpc.bind(client);
  client.rpc = ((req: { type: string }, signal?: AbortSignal) => {
    log.push('send ' + req.type);
    const p = rpc(req as Parameters<typeof rpc>[0], signal);
    p.then(() => log.push('reply ' + req.type), () => log.push('error ' + req.type));
    return p;
  }) as typeof client.rpc;
  return log;
}

/** A Ramfs served on a Unix socket and mounted (with create) on /tmp/m of a fresh namespace. */
async function mounted(): Promise<{ ns: Namespace; client: Client }> {
  served = await serveUnix(new Ramfs('glenda'));
  const client = await Client.connect(await dial('unix!' + served.sock));
  const { ns } = await setup();
  await mkdir(ns, '/tmp/m');
  await ns.mountServer(new MountFs(client), '/tmp/m', MREPL | MCREATE, '');
  return { ns, client };
}

describe('walk and open in one round trip', () => {
  it('sends Topen before the Rwalk comes back, and reads the right file', async () => {
    const { ns, client } = await mounted();
    await mkdir(ns, '/tmp/m/d');
    await put(ns, '/tmp/m/d/f', 'remote');
    const log = record(client);
    expect(await cat(ns, '/tmp/m/d/f')).toBe('remote');
    const walk = log.indexOf('send Twalk');
    expect(walk).toBeGreaterThanOrEqual(0);
    expect(log[walk + 1]).toBe('send Topen');
    expect(log.indexOf('reply Twalk')).toBeGreaterThan(walk + 1);
  });

  it('walks then opens when something is mounted inside the server, and opens what is bound there', async () => {
    const { ns, client } = await mounted();
    await put(ns, '/tmp/m/f', 'remote');
    await put(ns, '/tmp/local', 'local');
    await ns.bind('/tmp/local', '/tmp/m/f', MREPL);
    const log = record(client);
    expect(await cat(ns, '/tmp/m/f')).toBe('local');
    expect(log).not.toContain('send Topen');
    await ns.unmount(undefined, '/tmp/m/f');
    log.length = 0;
    expect(await cat(ns, '/tmp/m/f')).toBe('remote');
    expect(log.slice(0, 2)).toEqual(['send Twalk', 'send Topen']);
  });

  it('a failed walk is reported as the walk’s error, a failed open as the open’s', async () => {
    const { ns } = await mounted();
    await expect(ns.open('/tmp/m/nope', OREAD)).rejects.toThrow(/'\/tmp\/m\/nope' does not exist/);
    await mkdir(ns, '/tmp/m/dir');
    await expect(ns.open('/tmp/m/dir', 1)).rejects.toThrow(/is a directory/);
    // Nothing was left behind by either: fids are reused, and the connection still works.
    await put(ns, '/tmp/m/ok', 'fine');
    expect(await cat(ns, '/tmp/m/ok')).toBe('fine');
  });

  it('falls back to a plain open on a server that answers the pipelined open first', async () => {
    // A server that knows a fid only once its walk is answered, and answers opens at once.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-9p-'));
    const sock = path.join(dir, 'srv');
    const fids = new Set<number>();
    const seen: string[] = [];
    const srv = net.createServer((s) => {
      const c: Conn = new Conn(s, (m) => {
        const f = decode(m) as Fcall & Record<string, unknown>;
        const reply = (r: Record<string, unknown>): void => void s.write(encode({ tag: f.tag, ...r } as Fcall));
        seen.push(f.type);
        switch (f.type) {
          case 'Tversion': return reply({ type: 'Rversion', msize: 8192, version: '9P2000' });
          case 'Tattach': fids.add(f.fid as number); return reply({ type: 'Rattach', qid: { type: QTDIR, vers: 0, path: 0 } });
          case 'Twalk':
            setTimeout(() => {
              fids.add(f.newfid as number);
              reply({ type: 'Rwalk', wqid: [{ type: 0, vers: 0, path: 1 }] });
            }, 5);
            return;
          case 'Topen':
            return reply(fids.has(f.fid as number) ? { type: 'Ropen', qid: { type: 0, vers: 0, path: 1 }, iounit: 0 } : { type: 'Rerror', ename: 'unknown fid' });
          case 'Tread': return reply({ type: 'Rread', data: Buffer.from((f.offset as number) === 0 ? 'slow walker' : '') });
          case 'Tclunk': fids.delete(f.fid as number); return reply({ type: 'Rclunk' });
          default: return reply({ type: 'Rerror', ename: 'not here' });
        }
      }, () => {}, 1 << 20);
      void c;
    });
    await new Promise<void>((r) => srv.listen(sock, r));
    try {
      const client = await Client.connect(await dial('unix!' + sock));
      const { ns } = await setup();
      await mkdir(ns, '/tmp/m');
      await ns.mountServer(new MountFs(client), '/tmp/m', MREPL | MCREATE, '');
      expect(await cat(ns, '/tmp/m/file')).toBe('slow walker');
      expect(seen.filter((t) => t === 'Topen')).toHaveLength(2);
      client.close();
    } finally {
      srv.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
