/* #I: interfaces, addresses, conversations and Plan 9's rules, through a kernel namespace. */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { TCP_QUEUE } from '../../ns/net/conv.js';
import { NsError, OREAD, ORDWR, OWRITE } from '../../ns/types.js';
import { cat, clone, ctl, fails, ls, netSetup, readFile, shutdownWorlds } from './helpers.js';

afterEach(shutdownWorlds);

describe('#I files', () => {
  it('lists the protocols and stack files, with the ether beside them', async () => {
    const { ns } = await netSetup();
    expect(await ls(ns, '/net')).toEqual(['ipifc', 'tcp', 'udp', 'arp', 'cs', 'iproute', 'ipselftab', 'ndb', 'ether0']);
    expect(await ls(ns, '/net/tcp')).toEqual(['clone', 'stats']);
    expect(await ls(ns, '/net/ipifc')).toEqual(['0', '1', 'clone', 'stats']);
    expect(await ls(ns, '/net/ipifc/1')).toEqual(['ctl', 'local', 'status']);
    expect((await readFile(ns, '/net/tcp/stats')).split('\n')[0]).toBe('MaxConn: 4096');
    expect(await readFile(ns, '/net/udp/stats')).toBe('InDatagrams: 0\nNoPorts: 0\nInErrors: 0\nOutDatagrams: 0\n');
  });

  it('boots as a machine: loopback and a leased ether address, as ip(3) status shows them', async () => {
    const { ns } = await netSetup();
    const lo = await readFile(ns, '/net/ipifc/0/status');
    expect(lo).toMatch(/^device loopback maxtu 16384 sendra 0 recvra 0 /);
    expect(lo).toContain('\t127.0.0.1                                255.0.0.0  127.0.0.0                                ');
    const eth = await readFile(ns, '/net/ipifc/1/status');
    expect(eth.split('\n')[0]).toMatch(/^device \/net\/ether0 maxtu 1514 .* pktin 0 pktout 0 errin 0 errout 0$/);
    expect(eth.split('\n')[1]!.split(/\s+/).slice(1, 4)).toEqual(['192.168.0.100', '255.255.255.0', '192.168.0.0']);
    expect(await readFile(ns, '/net/ipifc/1/local')).toBe('192.168.0.100'.padEnd(40) + ' ->\n');
    expect(await readFile(ns, '/net/ndb')).toBe('ip=192.168.0.100 ipmask=255.255.255.0 ipgw=192.168.0.1\n');
    const routes = await readFile(ns, '/net/iproute');
    expect(routes.split('\n')[0]).toBe('0.0.0.0         0.0.0.0 192.168.0.1        4 none   1');
    expect(routes).toContain('192.168.0.0     255.255.255.0 192.168.0.0       4i  ifc   1');
    expect(await readFile(ns, '/net.alt/ndb')).toBe('ip=10.0.0.100 ipmask=255.255.255.0 ipgw=10.0.0.1\n');
  });

  it('add puts a second address on a running interface; remove and del take it off', async () => {
    const { ns } = await netSetup();
    expect(await ctl(ns, '/net/ipifc/1/ctl', 'add 192.168.0.99 255.255.255.0')).toBe('');
    const st = (await readFile(ns, '/net/ipifc/1/status')).split('\n');
    expect(st.slice(1, 3).map((l) => l.trim().split(/\s+/)[0])).toEqual(['192.168.0.100', '192.168.0.99']);
    expect(await readFile(ns, '/net/ipselftab')).toContain('192.168.0.99                                 01   4u\n');
    expect(await ctl(ns, '/net/ipifc/1/ctl', 'del 192.168.0.99')).toBe('');
    expect(await readFile(ns, '/net/ipselftab')).not.toContain('192.168.0.99 ');
    expect(await ctl(ns, '/net/ipifc/1/ctl', 'remove 192.168.0.99 255.255.255.0')).toBe('address not on this interface');
  });

  it('a new interface from ipifc/clone: bind, add, mtu, unbind; bad messages get errors', async () => {
    const { ns } = await netSetup();
    const { ctl: c, dir } = await clone(ns, '/net/ipifc');
    expect(dir).toBe('/net/ipifc/2');
    const w = async (m: string): Promise<string> => c.write(Buffer.from(m)).then(() => '', (e: Error) => e.message);
    expect(await w('add 10.9.9.9')).toBe('ipifc not yet bound to device');
    expect(await w('bind ether /net/ether7')).toBe('');
    expect(await w('bind loopback')).toBe('interface already bound');
    expect(await w('add 10.9.9.9 /104')).toBe('');
    expect(await w('add 1.2.3.x')).toBe('bad ip address syntax');
    expect(await w('mtu 9')).toBe('bad arg in system call');
    expect(await w('mtu 1400')).toBe('');
    expect(await w('frobnicate')).toBe('unknown control request');
    expect(await w('')).toBe('short control request');
    expect((await readFile(ns, dir + '/status')).split('\n')[1]!.trim().split(/\s+/).slice(0, 3)).toEqual(['10.9.9.9', '255.0.0.0', '10.0.0.0']);
    expect(await readFile(ns, dir + '/status')).toMatch(/^device \/net\/ether7 maxtu 1400 /);
    expect(await w('unbind')).toBe('');
    expect(await readFile(ns, dir + '/status')).toMatch(/^device  maxtu 0 .*\n\n$/);
    c.close();
  });

  it('bad ctl text of any shape is an error with words, never a crash', async () => {
    const { ns } = await netSetup();
    const { ctl: t } = await clone(ns, '/net/tcp');
    const { ctl: i } = await clone(ns, '/net/ipifc');
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.constantFrom('connect', 'announce', 'add', 'bind', 'remove', 'headers', ''), async (s, verb) => {
        for (const c of [t, i]) {
          try {
            await c.write(Buffer.from(`${verb} ${s}`));
          } catch (e) {
            expect(e).toBeInstanceOf(NsError);
            expect((e as Error).message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 150 },
    );
    t.close();
    i.close();
  });
});

describe('announce and connect', () => {
  it("follows Plan 9's rules: not a local IP address, address in use, listeners sharing a port", async () => {
    const { ns } = await netSetup();
    await ctl(ns, '/net/ipifc/1/ctl', 'add 192.168.0.99 255.255.255.0');
    await ctl(ns, '/net/ipifc/1/ctl', 'add 192.168.0.98 255.255.255.0');
    const a = async (addr: string): Promise<string> => {
      const { ctl: c } = await clone(ns, '/net/tcp');
      return c.write(Buffer.from('announce ' + addr)).then(() => '', (e: Error) => (c.close(), e.message));
    };
    expect(await a('192.168.0.50!2500')).toBe('not a local IP address');
    expect(await a('*!2500')).toBe('');
    expect(await a('192.168.0.99!2500')).toBe('');
    expect(await a('192.168.0.98!2500')).toBe('');
    expect(await a('192.168.0.99!2500')).toBe('address in use');
    expect(await a('2500')).toBe('address in use');
    expect(await a('bogus!2500')).toBe('bad ip address syntax');
    expect(await a('*!http')).toBe('bad arg in system call');
    const local = await Promise.all([0, 1, 2].map((x) => readFile(ns, `/net/tcp/${x}/local`)));
    expect(local).toEqual(['::!2500\n', '192.168.0.99!2500\n', '192.168.0.98!2500\n']);
    expect(await readFile(ns, '/net/tcp/1/status')).toMatch(/^Listen qin 0 qout 0 /);
  });

  it('a call goes to the listener on its exact address before the one on *; the call is a new conversation', async () => {
    const { ns, other } = await netSetup();
    await ctl(ns, '/net/ipifc/1/ctl', 'add 192.168.0.99 255.255.255.0');
    const star = await clone(ns, '/net/tcp');
    await star.ctl.write(Buffer.from('announce *!2500'));
    const exact = await clone(ns, '/net/tcp');
    await exact.ctl.write(Buffer.from('announce 192.168.0.99!2500'));

    const o = other();
    const call = async (addr: string): Promise<string> => {
      const c = await clone(o, '/net/tcp');
      await c.ctl.write(Buffer.from('connect ' + addr));
      const d = await o.open(c.dir + '/data', ORDWR);
      await d.write(Buffer.from('hello ' + addr));
      return c.dir;
    };
    const accept = async (dir: string): Promise<[string, string, string]> => {
      const l = await ns.open(dir + '/listen', ORDWR);
      const n = (await l.read(32)).toString();
      const d = await ns.open(`/net/tcp/${n}/data`, OREAD);
      const got = (await d.read(100)).toString();
      return [got, await readFile(ns, `/net/tcp/${n}/local`), await readFile(ns, `/net/tcp/${n}/remote`)];
    };
    const cdir = await call('192.168.0.99!2500');
    const [got, local, remote] = await accept(exact.dir);
    expect(got).toBe('hello 192.168.0.99!2500');
    expect(local).toBe('192.168.0.99!2500\n');
    expect(remote).toBe((await readFile(o, cdir + '/local')));
    expect(remote).toMatch(/^192\.168\.0\.99!\d+\n$/); // the stack's own address: the call leaves from it
    await call('192.168.0.100!2500');
    expect((await accept(star.dir))[0]).toBe('hello 192.168.0.100!2500');
    await call('127.0.0.1!2500');
    expect((await accept(star.dir))[1]).toBe('127.0.0.1!2500\n');
  });

  it('connection refused: nobody listening, or an address of an emulated subnet nobody owns', async () => {
    const { ns } = await netSetup();
    const c = async (addr: string): Promise<string> => {
      const { ctl: x, dir } = await clone(ns, '/net/tcp');
      const r = await x.write(Buffer.from('connect ' + addr)).then(() => '', (e: Error) => e.message);
      const err = await readFile(ns, dir + '/err');
      x.close();
      return r + (r ? ` (err: ${err})` : '');
    };
    expect(await c('192.168.0.100!7')).toBe('connection refused (err: connection refused)');
    expect(await c('192.168.0.42!7')).toBe('connection refused (err: connection refused)');
    expect(await c('10.0.0.100!7')).toBe('connection refused (err: connection refused)');
    expect(await c('8.8.8.8!53')).toBe('connection refused (err: connection refused)'); // ANTS_REALNET off here
    expect(await c('192.168.0.100')).toBe('malformed address (err: )');
    expect(await c('192.168.0.1000!7')).toBe('bad ip address syntax (err: )');
  });

  it('open of listen blocks until a call; closing the announcement fails it with listen hungup', async () => {
    const { ns } = await netSetup();
    const a = await clone(ns, '/net/tcp');
    expect(await fails(ns.open(a.dir + '/listen', ORDWR))).toBe('not announced');
    await a.ctl.write(Buffer.from('announce 9999'));
    let settled = false;
    const l = ns.open(a.dir + '/listen', ORDWR).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    a.ctl.close();
    expect(await fails(l)).toBe('listen hungup');
  });
});

describe('tcp data', () => {
  async function pair(): Promise<{ ns: import('../../ns/namespace.js').Namespace; a: import('../../ns/vfs.js').Chan; b: import('../../ns/vfs.js').Chan; adir: string; bdir: string; actl: import('../../ns/vfs.js').Chan; bctl: import('../../ns/vfs.js').Chan }> {
    const { ns } = await netSetup();
    const l = await clone(ns, '/net/tcp');
    await l.ctl.write(Buffer.from('announce 564'));
    const c = await clone(ns, '/net/tcp');
    await c.ctl.write(Buffer.from('connect 127.0.0.1!564'));
    const lc = await ns.open(l.dir + '/listen', ORDWR);
    const n = (await lc.read(32)).toString();
    const b = await ns.open(`/net/tcp/${n}/data`, ORDWR);
    const a = await ns.open(c.dir + '/data', ORDWR);
    return { ns, a, b, adir: c.dir, bdir: `/net/tcp/${n}`, actl: c.ctl, bctl: lc };
  }

  it('is a reliable ordered byte stream both ways, with status showing the queue', async () => {
    const { ns, a, b, bdir } = await pair();
    const sent: Buffer[] = [];
    for (let i = 0; i < 200; i++) sent.push(Buffer.alloc(1 + (i * 37) % 3000, i & 255));
    const total = Buffer.concat(sent);
    const w = (async () => {
      for (const s of sent) await a.write(s);
      await a.write(Buffer.alloc(0));
    })();
    expect(await readFile(ns, bdir + '/status')).toMatch(/^(Established|Close_wait) qin \d+ /);
    const parts: Buffer[] = [];
    for (let x = await b.read(5000); x.length > 0; x = await b.read(5000)) parts.push(x);
    await w;
    expect(Buffer.concat(parts).equals(total)).toBe(true);
    await b.write(Buffer.from('and back'));
    expect((await a.read(100)).toString()).toBe('and back');
    expect(await readFile(ns, bdir + '/status')).toMatch(/^Close_wait /);
  });

  it('applies backpressure: a writer waits while the reader lets the queue fill', async () => {
    const { a, b } = await pair();
    let wrote = 0;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const w = (async () => {
      for (let i = 0; i < (TCP_QUEUE / chunk.length) * 3; i++) {
        await a.write(chunk);
        wrote += chunk.length;
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    expect(wrote).toBeLessThanOrEqual(TCP_QUEUE + chunk.length);
    let read = 0;
    while (read < TCP_QUEUE * 3) read += (await b.read(1 << 20)).length;
    await w;
    expect(wrote).toBe(TCP_QUEUE * 3);
  });

  it('passes the writer\'s Buffer through without copying', async () => {
    const { a, b } = await pair();
    const buf = Buffer.from('zero copy');
    await a.write(buf);
    const got = await b.read(100);
    expect(got.buffer).toBe(buf.buffer);
  });

  it('hangup: the far end reads end of file and its writes fail; closing every file frees the conversation', async () => {
    const { ns, a, b, actl, bdir, adir } = await pair();
    await actl.write(Buffer.from('hangup'));
    expect((await b.read(10)).length).toBe(0);
    expect(await fails(b.write(Buffer.from('x')))).toBe('i/o on hungup channel');
    expect(await fails(a.write(Buffer.from('x')))).toBe('i/o on hungup channel');
    expect(await readFile(ns, bdir + '/status')).toMatch(/^Closed /);
    actl.close();
    a.close();
    expect(await readFile(ns, adir + '/status')).toMatch(/^Closed qin 0/);
    expect(await readFile(ns, adir + '/local')).toBe('::!0\n');
  });
});

describe('udp', () => {
  it('keeps datagram boundaries; an announced conversation gets a new one per caller', async () => {
    const { ns } = await netSetup();
    const l = await clone(ns, '/net/udp');
    await l.ctl.write(Buffer.from('announce 7777'));
    const c = await clone(ns, '/net/udp');
    await c.ctl.write(Buffer.from('connect 192.168.0.100!7777'));
    const d = await ns.open(c.dir + '/data', ORDWR);
    await d.write(Buffer.from('one'));
    await d.write(Buffer.from('two'));
    const lc = await ns.open(l.dir + '/listen', ORDWR);
    const n = (await lc.read(32)).toString();
    const ld = await ns.open(`/net/udp/${n}/data`, ORDWR);
    expect((await ld.read(100)).toString()).toBe('one');
    expect((await ld.read(2)).toString()).toBe('tw');
    await ld.write(Buffer.from('reply'));
    expect((await d.read(100)).toString()).toBe('reply');
    expect(await readFile(ns, '/net/udp/stats')).toContain('OutDatagrams: 3\n');
  });

  it('headers: every datagram carries the 52-byte Udphdr, and a reply is addressed by it', async () => {
    const { ns } = await netSetup();
    const l = await clone(ns, '/net/udp');
    await l.ctl.write(Buffer.from('announce 5353'));
    await l.ctl.write(Buffer.from('headers'));
    const ld = await ns.open(l.dir + '/data', ORDWR);
    const c = await clone(ns, '/net/udp');
    await c.ctl.write(Buffer.from('connect 127.0.0.1!5353'));
    const d = await ns.open(c.dir + '/data', ORDWR);
    await d.write(Buffer.from('ping'));
    const m = await ld.read(1000);
    expect(m.length).toBe(52 + 4);
    expect([...m.subarray(10, 16)]).toEqual([0xff, 0xff, 127, 0, 0, 1]);
    const local = (await readFile(ns, c.dir + '/local')).trim();
    expect(m.readUInt16BE(48)).toBe(Number(local.split('!')[1]));
    expect(m.readUInt16BE(50)).toBe(5353);
    expect(m.subarray(52).toString()).toBe('ping');
    const reply = Buffer.concat([m.subarray(0, 52), Buffer.from('pong')]);
    await ld.write(reply);
    expect((await d.read(100)).toString()).toBe('pong');
  });
});

describe('two stacks', () => {
  it('/net.alt is a stack of its own, on a private segment /net cannot reach', async () => {
    const { ns } = await netSetup();
    expect(await ls(ns, '/net.alt')).toContain('ether1');
    expect(await ls(ns, '/net.alt')).not.toContain('ether0');
    expect(await readFile(ns, '/net.alt/ipselftab')).toContain('10.0.0.100 ');
    expect(await readFile(ns, '/net/ipselftab')).not.toContain('10.0.0.100 ');
    const alt = await clone(ns, '/net.alt/tcp');
    await alt.ctl.write(Buffer.from('announce 564'));
    expect(await readFile(ns, '/net/tcp/stats')).toContain('ActiveOpens: 0');
    const c = await clone(ns, '/net/tcp');
    expect(await fails(c.ctl.write(Buffer.from('connect 10.0.0.100!564')))).toBe('connection refused');
    const c2 = await clone(ns, '/net.alt/tcp');
    await c2.ctl.write(Buffer.from('connect 10.0.0.100!564'));
    expect(await ls(ns, '/net.alt/tcp')).toEqual(['0', '1', '2', 'clone', 'stats']);
    expect(await ls(ns, '/net/tcp')).toEqual(['0', 'clone', 'stats']);
  });

  it('arp learns the ether addresses of the stacks a stack talks to', async () => {
    const { ns, world } = await netSetup();
    const s2 = world.stack(2)!;
    const i = s2.cloneIfc();
    i.ctl('bind ether /net/ether2');
    i.ctl('add 192.168.0.7 255.255.255.0');
    const l = s2.tcp.clone('glenda');
    await l.ctl('announce 80');
    const c = await clone(ns, '/net/tcp');
    await c.ctl.write(Buffer.from('connect 192.168.0.7!80'));
    expect(await readFile(ns, '/net/arp')).toContain(`ether  OK       192.168.0.7                              ${world.ether(2)!.addr}\n`);
  });
});

describe('cs', () => {
  it('translates dial strings as cs(8): services from ndb, * for announcing, untranslated unknown nets', async () => {
    const { ns } = await netSetup();
    const q = async (s: string, root = '/net'): Promise<string> => {
      const c = await ns.open(root + '/cs', ORDWR);
      try {
        await c.write(Buffer.from(s));
        const out: string[] = [];
        for (let b = await c.read(512); b.length > 0; b = await c.read(512)) out.push(b.toString());
        return out.join('\n');
      } catch (e) {
        return (e as Error).message;
      } finally {
        c.close();
      }
    };
    expect(await q('tcp!192.168.0.99!9fs')).toBe('/net/tcp/clone 192.168.0.99!564');
    expect(await q('tcp!*!2500')).toBe('/net/tcp/clone 2500');
    expect(await q('net!localhost!telnet')).toBe('/net/tcp/clone 127.0.0.1!23');
    expect(await q('udp!10.0.0.1!dns', '/net.alt')).toBe('/net.alt/udp/clone 10.0.0.1!53');
    expect(await q('tcp!h!login')).toBe("cs: can't translate address");
    expect(await q('tcp!localhost!nosuch')).toBe("cs: can't translate service");
    // Over net!, a host nobody knows is the address's fault even where one protocol lacks the service.
    expect(await q('net!nowhere!9fs')).toBe("cs: can't translate address");
    expect(await q('net!localhost!nosuch')).toBe("cs: can't translate service");
    expect(await q('tcp!localhost!513')).toBe('/net/tcp/clone 127.0.0.1!513!r');
    expect(await q('il!fs!17008')).toBe('/net/il/clone fs!17008');
    const n = await ns.open('/net/ndb', OWRITE | 0x100);
    n.close();
    const add = await ns.open('/net/ndb', ORDWR);
    const cur = await add.read(4096);
    await add.write(Buffer.from('sys=fortune ip=192.168.0.99\n'));
    add.close();
    expect(cur.toString()).toContain('ip=192.168.0.100');
    expect(await q('tcp!fortune!2500')).toBe('/net/tcp/clone 192.168.0.99!2500');
    expect(await cat(ns, '/net/ndb')).toContain('sys=fortune');
  });
});
