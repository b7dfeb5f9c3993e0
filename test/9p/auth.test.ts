/*
 * p9hmac over Tauth: with a key, an attach must be authenticated; a wrong key, a missing
 * one, a replayed answer or an afid used for another user all fail. Listening beyond
 * loopback without a key is refused outright.
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKey } from '../../ns/9p/auth.js';
import { Client } from '../../ns/9p/client.js';
import { NOFID, NOTAG } from '../../ns/9p/fcall.js';
import { MountFs } from '../../ns/9p/mnt.js';
import { listen9p } from '../../ns/9p/post.js';
import { dial } from '../../ns/9p/transport.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { fails } from '../ns/helpers.js';
import { serveUnix } from './helpers.js';
import { Raw } from './raw.js';

const KEY = Buffer.from('a shared secret of some length');

describe('p9hmac authentication', () => {
  it('refuses to listen beyond loopback without a key', async () => {
    expect(await fails(listen9p('tcp!0.0.0.0!0', new Ramfs()))).toBe('authentication required to listen on a non-loopback address');
  });

  it('a client with the key attaches; without it, or with another key, it cannot', async () => {
    const l = await listen9p('tcp!127.0.0.1!0', new Ramfs('glenda'), { authKey: KEY, requireAuth: true });
    const addr = `tcp!127.0.0.1!${(l.server.address() as import('node:net').AddressInfo).port}`;
    try {
      const good = new MountFs(await Client.connect(await dial(addr)), { authKey: KEY });
      const root = await good.attach('glenda', '');
      expect((await root.stat()).name).toBe('/');
      good.client.close();

      const none = new MountFs(await Client.connect(await dial(addr)));
      expect(await fails(none.attach('glenda', ''))).toBe('authentication required');
      none.client.close();

      const wrong = new MountFs(await Client.connect(await dial(addr)), { authKey: Buffer.from('another secret, not the same') });
      expect(await fails(wrong.attach('glenda', ''))).toBe('authentication failed');
      wrong.client.close();
    } finally {
      l.close();
    }
  });

  it('an afid is good only for the user and tree it was made for, once the exchange is done', async () => {
    const srv = await serveUnix(new Ramfs('glenda'), { authKey: KEY, requireAuth: true });
    const r = await Raw.connect(srv.sock);
    await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' });
    expect(await r.rpc({ type: 'Tauth', tag: 1, afid: 5, uname: 'glenda', aname: '' })).toMatchObject({ type: 'Rauth' });
    // Not finished yet.
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: 5, uname: 'glenda', aname: '' })).toMatchObject({ ename: 'bad authentication fid' });
    const hello = (await r.rpc({ type: 'Tread', tag: 1, fid: 5, offset: 0, count: 200 })) as { data: Buffer };
    const ns = Buffer.from(hello.data.toString().slice('p9hmac1 '.length), 'hex');
    const nc = crypto.randomBytes(32);
    const mac = (who: string) => {
      const h = crypto.createHmac('sha256', KEY);
      for (const p of [Buffer.from(who), ns, nc, Buffer.from('glenda'), Buffer.from('')]) h.update(p).update('\0');
      return h.digest('hex');
    };
    expect(await r.rpc({ type: 'Twrite', tag: 1, fid: 5, offset: 0, data: Buffer.from(nc.toString('hex') + ' ' + mac('client')) })).toMatchObject({ type: 'Rwrite' });
    const proof = (await r.rpc({ type: 'Tread', tag: 1, fid: 5, offset: 0, count: 200 })) as { data: Buffer };
    expect(proof.data.toString()).toBe(mac('server'));
    // The same answer again (a replay) is refused.
    expect(await r.rpc({ type: 'Twrite', tag: 1, fid: 5, offset: 0, data: Buffer.from(nc.toString('hex') + ' ' + mac('client')) })).toMatchObject({ ename: 'authentication failed' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: 5, uname: 'bootes', aname: '' })).toMatchObject({ ename: 'bad authentication fid' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: 5, uname: 'glenda', aname: '' })).toMatchObject({ type: 'Rattach' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 2, afid: NOFID, uname: 'glenda', aname: '' })).toMatchObject({ ename: 'authentication required' });
    // A fresh afid on a new connection gets a fresh challenge: the old answer is worthless.
    const r2 = await Raw.connect(srv.sock);
    await r2.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' });
    await r2.rpc({ type: 'Tauth', tag: 1, afid: 5, uname: 'glenda', aname: '' });
    expect(await r2.rpc({ type: 'Twrite', tag: 1, fid: 5, offset: 0, data: Buffer.from(nc.toString('hex') + ' ' + mac('client')) })).toMatchObject({ ename: 'authentication failed' });
    r.close();
    r2.close();
    await srv.close();
  });

  it('a server without a key says so to Tauth, and the client attaches without', async () => {
    const srv = await serveUnix(new Ramfs('glenda'));
    const fsrv = new MountFs(await Client.connect(await dial('unix!' + srv.sock)), { authKey: KEY });
    expect((await (await fsrv.attach('glenda', '')).stat()).name).toBe('/');
    fsrv.client.close();
    await srv.close();
  });

  it('key files others can read, or short keys, are refused', () => {
    expect(() => parseKey(KEY, 0o644, 'k')).toThrow('key file k is readable by others');
    expect(() => parseKey(Buffer.from('short'), 0o600, 'k')).toThrow('key file k is too short');
    expect(parseKey(Buffer.from(KEY.toString() + '\n'), 0o600, 'k')).toEqual(KEY);
  });
});
