/* Real on the host where that is real: 127/8 listeners, outgoing host sockets, and what never leaks. */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { accept, announce, dial, listen } from '../../builtins/net/dial.js';
import { ctl, fails, netSetup, readFile, shutdownWorlds } from './helpers.js';

afterEach(shutdownWorlds);

function hostRead(host: string, port: number, send?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    let got = '';
    s.on('data', (b) => (got += b));
    s.on('end', () => resolve(got));
    s.on('error', reject);
    if (send !== undefined) s.end(send);
  });
}

/** A free port on the host, found by letting the kernel pick one. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('127/8 on the host', () => {
  it('announcing an owned 127/8 address opens a real listener; two addresses share one port', async () => {
    const { ns } = await netSetup({ realnet: true });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.98 255.255.255.255');
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.99 255.255.255.255');
    const port = await freePort();
    const serve = async (addr: string, reply: string): Promise<void> => {
      const a = await announce(ns, `tcp!${addr}!${port}`);
      const call = await listen(ns, a.dir);
      const d = await accept(ns, call);
      const got = (await d.read(100)).toString();
      await d.write(Buffer.from(`${reply} heard ${got} from ${(await readFile(ns, call.dir + '/remote')).split('!')[0]}\n`));
      d.close();
      call.ctl.close();
      a.ctl.close();
    };
    const s98 = serve('127.0.0.98', 'ninety-eight');
    const s99 = serve('127.0.0.99', 'ninety-nine');
    await new Promise((r) => setTimeout(r, 10));
    expect(await hostRead('127.0.0.99', port, 'hi')).toBe('ninety-nine heard hi from 127.0.0.1\n');
    expect(await hostRead('127.0.0.98', port, 'yo')).toBe('ninety-eight heard yo from 127.0.0.1\n');
    await Promise.all([s98, s99]);
  });

  it('announcing * listens on the host at each 127/8 address the stack has; a host port taken elsewhere leaves the rest', async () => {
    const { ns } = await netSetup({ realnet: true });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.95 255.255.255.255');
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.96 255.255.255.255');
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.96');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const a = await announce(ns, `tcp!*!${port}`);
      const serving = (async () => {
        const call = await listen(ns, a.dir);
        const d = await accept(ns, call);
        await d.write(Buffer.from(`hello ${(await readFile(ns, call.dir + '/local')).trim()}\n`));
        d.close();
        call.ctl.close();
      })();
      expect(await hostRead('127.0.0.95', port)).toBe(`hello 127.0.0.95!${port}\n`);
      await serving;
      // The emulated announcement stands on the address the host would not give it.
      const c = await dial(ns, `tcp!127.0.0.96!${port}`);
      const call = await listen(ns, a.dir);
      expect(await readFile(ns, call.dir + '/local')).toBe(`127.0.0.96!${port}\n`);
      for (const x of [call.ctl, c.data, c.ctl]) x.close();
      a.ctl.close();
      // Hung up, the host listener goes.
      await new Promise((r) => setTimeout(r, 20));
      await expect(hostRead('127.0.0.95', port)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      blocker.close();
    }
  });

  it('a host peer’s half-close ends what it sends, not what it is sent', async () => {
    const { ns } = await netSetup({ realnet: true });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.94 255.255.255.255');
    const port = await freePort();
    const a = await announce(ns, `tcp!127.0.0.94!${port}`);
    const serving = (async () => {
      const call = await listen(ns, a.dir);
      const d = await accept(ns, call);
      let n = 0;
      for (let b = await d.read(100); b.length > 0; b = await d.read(100)) n += b.length;
      await d.write(Buffer.from(`got ${n} bytes after your end\n`));
      d.close();
      call.ctl.close();
    })();
    const got = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.94', allowHalfOpen: true });
      let out = '';
      s.on('data', (b) => (out += b));
      s.on('end', () => resolve(out));
      s.on('error', reject);
      s.end('twelve bytes');
    });
    await serving;
    a.ctl.close();
    expect(got).toBe('got 12 bytes after your end\n');
  });

  it('closing right after a large write delivers all of it, even with the peer’s bytes unread', async () => {
    const { ns } = await netSetup({ realnet: true });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.93 255.255.255.255');
    const port = await freePort();
    const a = await announce(ns, `tcp!127.0.0.93!${port}`);
    const big = Buffer.alloc(1 << 20, 0x61);
    const serving = (async () => {
      const call = await listen(ns, a.dir);
      const d = await accept(ns, call);
      await d.write(big);
      d.close();
      call.ctl.close();
    })();
    const n = await new Promise<number>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.93');
      let got = 0;
      s.write(Buffer.alloc(4096, 0x62));
      s.on('data', (b) => (got += b.length));
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    await serving;
    a.ctl.close();
    expect(n).toBe(big.length);
  });

  it('a host port already taken is address in use', async () => {
    const { ns } = await netSetup({ realnet: true });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.97 255.255.255.255');
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.97');
    await new Promise((r) => blocker.once('listening', r));
    try {
      expect(await fails(announce(ns, `tcp!127.0.0.97!${port}`))).toBe('address in use');
    } finally {
      blocker.close();
    }
  });

  it('dialing outside every emulated subnet uses a host socket (to loopback here), both ways', async () => {
    const { ns } = await netSetup({ realnet: true });
    const srv = net.createServer((s) => s.on('data', (b) => s.end(`echo ${b}`)));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.2', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      // 127.0.0.2 is not a stack's address: out through the host.
      const c = await dial(ns, `tcp!127.0.0.2!${port}`);
      expect(await readFile(ns, c.dir + '/remote')).toBe(`127.0.0.2!${port}\n`);
      await c.data.write(Buffer.from('ping'));
      const parts: string[] = [];
      for (let b = await c.data.read(100); b.length > 0; b = await c.data.read(100)) parts.push(b.toString());
      expect(parts.join('')).toBe('echo ping');
      c.data.close();
      c.ctl.close();
      const refused = await freePort();
      expect(await fails(dial(ns, `tcp!127.0.0.2!${refused}`))).toBe('connection refused');
    } finally {
      srv.close();
    }
  });

  it('a stack\'s own 127/8 address with no emulated listener reaches the host\'s listener; an emulated one wins', async () => {
    const { ns } = await netSetup({ realnet: true });
    const srv = net.createServer((s) => s.end('host sshd\n'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const read = async (): Promise<string> => {
      const c = await dial(ns, `tcp!127.0.0.1!${port}`);
      try {
        const parts: string[] = [];
        for (let b = await c.data.read(100); b.length > 0; b = await c.data.read(100)) parts.push(b.toString());
        return parts.join('');
      } finally {
        c.data.close();
        c.ctl.close();
      }
    };
    try {
      // 127.0.0.1 is stack 0's own (its loopback interface), yet the host answers.
      expect(await read()).toBe('host sshd\n');
      const a = await announce(ns, `tcp!*!${port}`);
      const serving = (async () => {
        const call = await listen(ns, a.dir);
        const d = await accept(ns, call);
        await d.write(Buffer.from('emulated\n'));
        d.close();
        call.ctl.close();
      })();
      expect(await read()).toBe('emulated\n');
      await serving;
      a.ctl.close();
      const off = await netSetup({ realnet: false });
      expect(await fails(dial(off.ns, `tcp!127.0.0.1!${port}`))).toBe('connection refused');
    } finally {
      srv.close();
    }
  });

  it('an emulated subnet never leaks to the host, and ANTS_REALNET=0 keeps everything inside', async () => {
    const { ns } = await netSetup({ realnet: true });
    expect(await fails(dial(ns, 'tcp!192.168.0.77!80'))).toBe('connection refused');
    const off = await netSetup({ realnet: false });
    expect(await fails(dial(off.ns, 'tcp!127.0.0.2!9'))).toBe('connection refused');
    await ctl(off.ns, '/net/ipifc/0/ctl', 'add 127.0.0.96 255.255.255.255');
    const a = await announce(off.ns, 'tcp!127.0.0.96!2500');
    const c = await dial(off.ns, 'tcp!127.0.0.96!2500');
    const call = await listen(off.ns, a.dir);
    expect(await readFile(off.ns, call.dir + '/remote')).toBe(await readFile(off.ns, c.dir + '/local'));
  });
});

/** A host UDP socket on 127.0.0.1; messages queue for next(). */
async function udpPeer(): Promise<{ s: dgram.Socket; next: () => Promise<{ msg: string; from: string }> }> {
  const s = dgram.createSocket('udp4');
  const got: { msg: string; from: string }[] = [];
  const waiters: Array<(m: { msg: string; from: string }) => void> = [];
  s.on('message', (m, r) => {
    const x = { msg: m.toString(), from: `${r.address}!${r.port}` };
    const w = waiters.shift();
    if (w) w(x);
    else got.push(x);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { s, next: () => (got.length > 0 ? Promise.resolve(got.shift()!) : new Promise((r) => waiters.push(r))) };
}

describe('UDP on 127/8 is real on the host too', () => {
  it('an announcement on an owned 127/8 address takes host datagrams; the answer goes back to the sender', async () => {
    const { ns } = await netSetup({ realnet: true });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.91 255.255.255.255');
    const port = await freePort();
    const a = await announce(ns, `udp!127.0.0.91!${port}`);
    const peer = await udpPeer();
    try {
      peer.s.send('ping', port, '127.0.0.91');
      const call = await listen(ns, a.dir);
      const d = await accept(ns, call);
      expect((await d.read(100)).toString()).toBe('ping');
      expect(await readFile(ns, call.dir + '/remote')).toBe(`127.0.0.1!${peer.s.address().port}\n`);
      await d.write(Buffer.from('pong'));
      expect(await peer.next()).toEqual({ msg: 'pong', from: `127.0.0.91!${port}` });
      d.close();
      call.ctl.close();
    } finally {
      peer.s.close();
      a.ctl.close();
    }
  });

  it('in headers mode each host sender is answered through the socket it came in on', async () => {
    const { ns } = await netSetup({ realnet: true });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.90 255.255.255.255');
    const port = await freePort();
    const a = await announce(ns, `udp!*!${port}`);
    await a.ctl.write(Buffer.from('headers'));
    const d = await ns.open(a.dir + '/data', 3);
    const peer = await udpPeer();
    try {
      peer.s.send('who', port, '127.0.0.90');
      const m = await d.read(1000);
      expect(m.subarray(52).toString()).toBe('who');
      expect(m.readUInt16BE(48)).toBe(peer.s.address().port);
      await d.write(Buffer.concat([m.subarray(0, 52), Buffer.from('me')]));
      expect(await peer.next()).toEqual({ msg: 'me', from: `127.0.0.90!${port}` });
    } finally {
      peer.s.close();
      d.close();
      a.ctl.close();
    }
  });

  it('dialling a 127/8 address with no emulated listener reaches the host’s UDP service', async () => {
    const { ns } = await netSetup({ realnet: true });
    const echo = dgram.createSocket('udp4');
    echo.on('message', (m, r) => echo.send(Buffer.from(`echo ${m}`), r.port, r.address));
    await new Promise<void>((r) => echo.bind(0, '127.0.0.2', r));
    try {
      const c = await dial(ns, `udp!127.0.0.2!${echo.address().port}`);
      await c.data.write(Buffer.from('one'));
      expect((await c.data.read(100)).toString()).toBe('echo one');
      await c.data.write(Buffer.from('two'));
      expect((await c.data.read(100)).toString()).toBe('echo two');
      c.data.close();
      c.ctl.close();
    } finally {
      echo.close();
    }
  });

  it('with ANTS_REALNET off, a UDP announcement on 127/8 takes no host port', async () => {
    const { ns } = await netSetup({ realnet: false });
    await ctl(ns, '/net/ipifc/0/ctl', 'add 127.0.0.89 255.255.255.255');
    const port = await freePort();
    const a = await announce(ns, `udp!127.0.0.89!${port}`);
    const probe = dgram.createSocket('udp4');
    try {
      await new Promise<void>((ok, fail) => {
        probe.once('error', fail);
        probe.bind(port, '127.0.0.89', ok);
      });
    } finally {
      probe.close();
      a.ctl.close();
    }
  });
});
