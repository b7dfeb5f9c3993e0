/* Kernel devices: #/ #c #e #p #s, and mntgen. */
import { describe, expect, it } from 'vitest';
import { MCREATE, MREPL } from '../../ns/mount.js';
import { Mntgen } from '../../ns/srv/mntgen.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { OREAD, OWRITE } from '../../ns/types.js';
import { EnvGroup } from '../../ns/proc.js';
import { cat, fails, kernel, ls, mkdir, put, setup } from './helpers.js';

describe('#/ root', () => {
  it('a fresh namespace is the root placeholders', async () => {
    const p = await kernel().init();
    expect(await ls(p.ns, '/')).toEqual(['bin', 'boot', 'dev', 'env', 'fd', 'mnt', 'n', 'net', 'net.alt', 'proc', 'root', 'srv', 'tmp']);
    expect(await fails(p.ns.create('/x', OWRITE, 0o666))).toBe('permission denied');
    expect(await fails(p.ns.stat('/nope'))).toBe("'/nope' does not exist");
    expect(await fails(p.ns.stat('#Z'))).toBe('unknown device in # filename');
  });
});

describe('#c cons', () => {
  it('serves pid, ppid, user, sysname, null, zero, time, random and drivers', async () => {
    const k = kernel();
    const p = await k.init(['rc']);
    const c = k.fork(p, ['child']);
    await p.ns.bind('#c', '/dev', MREPL);
    expect(await cat(p.ns, '/dev/pid')).toBe(`${String(p.pid).padStart(11)} `);
    expect(await cat(c.ns, '/dev/pid')).toBe(`${String(c.pid).padStart(11)} `);
    expect(await cat(c.ns, '/dev/ppid')).toBe(`${String(p.pid).padStart(11)} `);
    expect(await cat(p.ns, '/dev/user')).toBe('glenda');
    expect(await cat(p.ns, '/dev/sysname')).toBe('cirno');
    expect(await cat(p.ns, '/dev/null')).toBe('');
    const z = await p.ns.open('/dev/zero', OREAD);
    expect([...(await z.read(4))]).toEqual([0, 0, 0, 0]);
    const t = (await cat(p.ns, '/dev/time')).trim().split(/\s+/);
    expect(t.length).toBe(4);
    expect(Math.abs(Number(t[0]) - Date.now() / 1000)).toBeLessThan(5);
    const r = await p.ns.open('/dev/random', OREAD);
    expect((await r.read(16)).length).toBe(16);
    expect(await cat(p.ns, '/dev/drivers')).toContain('#c cons\n');
    const n = await p.ns.open('/dev/null', OWRITE);
    expect(await n.write(Buffer.from('gone'))).toBe(4);
  });

  it('cons talks to the console the shell installs', async () => {
    const k = kernel();
    const out: string[] = [];
    k.console = { read: async () => Buffer.from('typed\n'), write: (d) => (out.push(d.toString()), d.length) };
    const p = await k.init();
    const c = await p.ns.open('#c/cons', 2);
    await c.write(Buffer.from('hello'));
    expect(out).toEqual(['hello']);
    expect((await c.read(100)).toString()).toBe('typed\n');
  });
});

describe('#e env', () => {
  it('variables are files holding their list NUL-separated', async () => {
    const k = kernel();
    const p = await k.init();
    await p.ns.bind('#e', '/env', MREPL | MCREATE);
    p.env.set('path', ['/bin', '.']);
    expect(await cat(p.ns, '/env/path')).toBe('/bin\0.\0');
    await put(p.ns, '/env/x', 'a\0b\0');
    expect(p.env.get('x')).toEqual(['a', 'b']);
    await put(p.ns, '/env/y', 'hi\n');
    expect(p.env.get('y')).toEqual(['hi\n']);
    expect(await cat(p.ns, '/env/y')).toBe('hi\n');
    p.env.setFn('f', 'fn f {echo}');
    expect(await ls(p.ns, '/env')).toEqual(['path', 'x', 'y', 'fn#f']);
    await p.ns.remove('/env/x');
    expect(p.env.has('x')).toBe(false);
  });

  it('rfork e copies the group, rfork E starts empty; a plain child shares', async () => {
    const k = kernel();
    const p = await k.init();
    await p.ns.bind('#e', '/env', MREPL | MCREATE);
    p.env.set('v', ['parent']);
    const shared = k.fork(p);
    const copied = k.fork(p);
    copied.rfork('e');
    const clean = k.fork(p);
    clean.rfork('E');
    await put(shared.ns, '/env/v', 'shared\0');
    expect(p.env.get('v')).toEqual(['shared']);
    expect(await cat(copied.ns, '/env/v')).toBe('parent\0');
    await put(copied.ns, '/env/v', 'copy\0');
    expect(p.env.get('v')).toEqual(['shared']);
    expect(await ls(clean.ns, '/env')).toEqual([]);
  });

  it('decodes and encodes lists as rc stores them', () => {
    expect(EnvGroup.decode(Buffer.from(''))).toEqual([]);
    expect(EnvGroup.decode(Buffer.from('a\0\0'))).toEqual(['a', '']);
    expect(EnvGroup.encode(['a', ''])).toEqual(Buffer.from('a\0\0'));
  });
});

describe('#p proc', () => {
  it('lists processes with args, status, ppid and ns', async () => {
    const { k, p, ns } = await setup();
    await ns.bind('#p', '/proc', MREPL);
    const c = k.fork(p, ['cat', "it's"]);
    expect(await ls(ns, '/proc')).toEqual([String(p.pid), String(c.pid)]);
    expect(await ls(ns, `/proc/${c.pid}`)).toEqual(['args', 'ctl', 'fd', 'note', 'notepg', 'ns', 'ppid', 'status', 'wait']);
    expect(await cat(ns, `/proc/${c.pid}/args`)).toBe("cat 'it''s'");
    expect(await cat(ns, `/proc/${c.pid}/status`)).toMatch(/^cat +glenda +Running +/);
    expect((await cat(ns, `/proc/${c.pid}/ppid`)).trim()).toBe(String(p.pid));
    expect(await cat(ns, `/proc/${p.pid}/ns`)).toBe(ns.nsText());
    expect(await fails(ns.stat('/proc/999'))).toBe("'/proc/999' does not exist");
  });

  it('note posts and takes notes; ctl kill ends a process without a note handler', async () => {
    const { k, p, ns } = await setup();
    await ns.bind('#p', '/proc', MREPL);
    const c = k.fork(p);
    const seen: string[] = [];
    c.onNote = (n) => seen.push(n);
    await put(ns, `/proc/${c.pid}/note`, 'interrupt');
    expect(seen).toEqual(['interrupt']);
    expect(await cat(ns, `/proc/${c.pid}/note`)).toBe('interrupt');
    const d = k.fork(p, ['victim']);
    const ctl = await ns.open(`/proc/${d.pid}/ctl`, OWRITE);
    await ctl.write(Buffer.from('kill'));
    expect(d.state).toBe('Moribund');
    expect(await ls(ns, '/proc')).not.toContain(String(d.pid));
    expect(await fails(ctl.write(Buffer.from('kill')))).toBe('process exited');
    const c2 = await ns.open(`/proc/${c.pid}/ctl`, OWRITE);
    expect(await fails(c2.write(Buffer.from('frob')))).toBe('bad process or channel control request');
  });

  it('wait reads a child\'s exit record', async () => {
    const { k, p, ns } = await setup();
    await ns.bind('#p', '/proc', MREPL);
    const c = k.fork(p, ['sleep']);
    const w = ns.open(`/proc/${p.pid}/wait`, OREAD).then((ch) => ch.read(100));
    c.exit('sleep 1: failed');
    expect((await w).toString()).toMatch(new RegExp(`^${c.pid} 0 0 \\d+ 'sleep 1: failed'$`));
    await expect(p.wait()).rejects.toThrow('no living children');
  });
});

describe('#s srv', () => {
  it('posted servers are listed, mounted, and gone when their poster exits', async () => {
    const { k, p, ns } = await setup();
    await ns.bind('#s', '/srv', MREPL);
    const poster = k.fork(p, ['ramfs']);
    const fs = new Ramfs('glenda');
    k.srv.post('mine', fs, poster.pid);
    expect(await ls(ns, '/srv')).toEqual(['ramfs', 'mine']);
    await mkdir(ns, '/tmp/m');
    await ns.mount('/srv/mine', '/tmp/m', MCREATE);
    await put(ns, '/tmp/m/f', 'in mine');
    expect(ns.nsText('/')).toContain("mount -c '#s/mine' /tmp/m\n");
    poster.exit();
    expect(await ls(ns, '/srv')).toEqual(['ramfs']);
    await ns.unmount(undefined, '/tmp/m');
    expect(await fails(ns.mount('/srv/mine', '/tmp/m', MREPL))).toBe("'/srv/mine' does not exist");
    expect(await fails(ns.mount('/tmp/m/..', '/tmp/m', MREPL))).toBe('mount rpc error');
  });

  it('unmount by srv file removes the mount of that server', async () => {
    const { ns } = await setup();
    await ns.bind('#s', '/srv', MREPL);
    await mkdir(ns, '/tmp/m');
    await ns.mount('/srv/ramfs', '/tmp/m', 0);
    await ns.unmount('/srv/ramfs', '/tmp/m');
    expect(await ls(ns, '/tmp/m')).toEqual([]);
  });

  it('rfork V gives a private, empty srv', async () => {
    const { k, p } = await setup();
    const c = k.fork(p);
    c.rfork('V');
    expect(await ls(c.ns, '#s')).toEqual([]);
    expect(await ls(p.ns, '#s')).toEqual(['ramfs']);
  });
});

describe('mntgen', () => {
  it('makes any walked name an empty directory, listed while it is held', async () => {
    const k = kernel();
    const p = await k.init();
    const gen = new Mntgen('glenda');
    k.srv.post('slashn', gen);
    await p.ns.mount('#s/slashn', '/n', MREPL);
    expect(await ls(p.ns, '/n')).toEqual([]);
    expect(await ls(p.ns, '/n/anything')).toEqual([]);
    expect(await fails(p.ns.stat('/n/a/b'))).toBe("'/n/a/b' does not exist");
    await p.ns.bind('#c', '/n/cons', MREPL);
    expect(await ls(p.ns, '/n')).toEqual(['cons']);
    expect(await ls(p.ns, '/n/cons')).toContain('pid');
    await p.ns.unmount(undefined, '/n/cons');
    expect(await ls(p.ns, '/n')).toEqual([]);
  });
});
