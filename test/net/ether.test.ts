/* #l: ethers on LAN segments, and dial(2) through the namespace. */
import { afterEach, describe, expect, it } from 'vitest';
import { MAFTER } from '../../ns/mount.js';
import { ORDWR } from '../../ns/types.js';
import { dial, netmkaddr, splitNetroot } from '../../builtins/net/dial.js';
import { clone, fails, ls, netSetup, readFile, shutdownWorlds } from './helpers.js';

afterEach(shutdownWorlds);

describe('#l ether', () => {
  it('serves addr, clone, stats and connections as ether(3)', async () => {
    const { ns, world } = await netSetup();
    expect(await ls(ns, '/net/ether0')).toEqual(['addr', 'clone', 'ifstats', 'stats']);
    const addr = await readFile(ns, '/net/ether0/addr');
    expect(addr).toMatch(/^[0-9a-f]{12}$/);
    expect(addr).toBe(world.ether(0)!.addr);
    expect(await readFile(ns, '/net/ether0/stats')).toContain(`addr: ${addr}\n`);
    const c = await clone(ns, '/net/ether0');
    expect(c.dir).toBe('/net/ether0/0');
    expect(await ls(ns, c.dir)).toEqual(['ctl', 'data', 'ifstats', 'stats', 'type']);
    await c.ctl.write(Buffer.from('connect 2048'));
    expect(await readFile(ns, c.dir + '/type')).toBe('2048');
    expect(await fails(c.ctl.write(Buffer.from('connect x')))).toBe('bad arg in system call');
    expect(await fails(c.ctl.write(Buffer.from('wobble')))).toBe('unknown control request');
  });

  it('carries frames between ethers on one segment, by type and address; not to another segment', async () => {
    const { ns, p } = await netSetup();
    await p.ns.bind('#l2', '/net', MAFTER);
    await p.ns.bind('#l1', '/net', MAFTER);
    const a = await clone(ns, '/net/ether0');
    const b = await clone(ns, '/net/ether2');
    const alt = await clone(ns, '/net/ether1');
    for (const c of [a, b, alt]) await c.ctl.write(Buffer.from('connect 34525'));
    const ad = await ns.open(a.dir + '/data', ORDWR);
    const bd = await ns.open(b.dir + '/data', ORDWR);
    const dst = Buffer.from(await readFile(ns, '/net/ether2/addr'), 'hex');
    const frame = Buffer.concat([dst, Buffer.alloc(6), Buffer.from([0x86, 0xdd]), Buffer.from('payload')]);
    expect(await ad.write(frame)).toBe(frame.length);
    const got = await bd.read(2000);
    expect(got.subarray(6, 12).toString('hex')).toBe(await readFile(ns, '/net/ether0/addr'));
    expect(got.subarray(14).toString()).toBe('payload');
    expect(await readFile(ns, '/net/ether1/stats')).toContain('in: 0\n');
    expect(await fails(ad.write(Buffer.alloc(5)))).toBe('packet too small');
  });
});

describe('dial(2)', () => {
  it('netmkaddr and netroots', () => {
    expect(netmkaddr('fs', 'tcp', '9fs')).toBe('tcp!fs!9fs');
    expect(netmkaddr('tcp!fs', 'net', '9fs')).toBe('tcp!fs!9fs');
    expect(netmkaddr('fs!564', 'tcp', '9fs')).toBe('tcp!fs!564');
    expect(netmkaddr('udp!fs!53', 'tcp', '9fs')).toBe('udp!fs!53');
    expect(splitNetroot('/net.alt/tcp!h!1')).toEqual({ netroot: '/net.alt', rest: 'tcp!h!1' });
    expect(splitNetroot('tcp!h!1')).toEqual({ rest: 'tcp!h!1' });
  });

  it('goes through cs, clone and ctl in the namespace; without a netroot, /net then /net.alt', async () => {
    const { ns, world } = await netSetup();
    const l = world.stack(1)!.tcp.clone('glenda');
    await l.ctl('announce 17007');
    const c = await dial(ns, 'tcp!10.0.0.100!exportfs');
    expect(c.dir).toBe('/net.alt/tcp/1');
    expect(await readFile(ns, c.dir + '/remote')).toBe('10.0.0.100!17007\n');
    expect(await fails(dial(ns, '/net/tcp!10.0.0.100!exportfs'))).toBe('connection refused');
    expect(await fails(dial(ns, 'tcp!10.0.0.100!nonesuch'))).toBe("cs: can't translate service");
  });
});
