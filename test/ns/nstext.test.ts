/* /proc/N/ns text (proc(3)): rendering, replay, and ANTS's writable ns lines. */
import { describe, expect, it } from 'vitest';
import { MAFTER, MBEFORE, MCREATE, MREPL } from '../../ns/mount.js';
import { rcquote, tokenize } from '../../ns/nstext.js';
import { abc, fails, kernel, ls, mkdir, setup } from './helpers.js';
import { Ramfs } from '../../ns/srv/ramfs.js';

describe('rendering', () => {
  it('lists mounts in id order, a self entry before the -a that made it, then cd', async () => {
    const { ns, p } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    await ns.bind('#c', '/tmp/c', MREPL);
    p.cwd = '/tmp/a';
    expect(ns.nsText()).toBe(
      [
        "mount -c '#s/ramfs' /tmp",
        'bind  /tmp/a /tmp/a',
        'bind -a /tmp/b /tmp/a',
        "bind  '#c' /tmp/c",
        'cd /tmp/a',
        '',
      ].join('\n'),
    );
  });

  it('shows flags as devproc does: a, b, c, C combined', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MBEFORE | MCREATE);
    await ns.mount('#s/ramfs', '/tmp/c', MAFTER, 'some spec');
    const lines = ns.nsText('/').split('\n');
    expect(lines).toContain('bind -bc /tmp/b /tmp/a');
    expect(lines).toContain("mount -a '#s/ramfs' /tmp/c 'some spec'");
  });

  it('quotes names as rc does', () => {
    expect(rcquote('/tmp/a')).toBe('/tmp/a');
    expect(rcquote('#s/x')).toBe("'#s/x'");
    expect(rcquote("it's")).toBe("'it''s'");
    expect(rcquote('')).toBe("''");
    expect(rcquote('a b')).toBe("'a b'");
    expect(tokenize("bind  '#c' 'a b''c' d")).toEqual(['bind', '#c', "a b'c", 'd']);
  });

  it('replays: render, apply each line to a fresh namespace, render again — equal', async () => {
    const { k, ns, p } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    await ns.bind('/tmp/c', '/tmp/a', MBEFORE | MCREATE);
    await ns.bind('#c', '/dev', MREPL);
    await ns.bind('#e', '/env', MREPL | MCREATE);
    await ns.bind('/tmp/b/y', '/tmp/a/x', MREPL);
    await ns.mount('#s/ramfs', '/n', MREPL, 'spec');
    await ns.unmount('/tmp/b', '/tmp/a');
    p.cwd = '/tmp';
    const text = ns.nsText();

    const q = await k.init(['replay']);
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('cd '))) await q.ns.applyNsLine(line);
    expect(q.ns.nsText('/tmp')).toBe(text);
    expect(await ls(q.ns, '/tmp/a')).toEqual(await ls(ns, '/tmp/a'));
  });
});

describe('writing /proc/N/ns (ANTS)', () => {
  it('performs bind, mount and unmount lines', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.applyNsLine('bind -a /tmp/b /tmp/a');
    expect(await ls(ns, '/tmp/a')).toEqual(['x', 'x', 'y']);
    await ns.applyNsLine('unmount /tmp/a');
    expect(await ls(ns, '/tmp/a')).toEqual(['x']);
    await ns.applyNsLine("mount -c '#s/ramfs' /tmp/c");
    expect(await ls(ns, '/tmp/c')).toEqual(['a', 'b', 'c']);
    await ns.applyNsLine('unmount /tmp/c');
  });

  it('fails cd and malformed lines with bad arg, #| paths with unknown device; ignores other verbs', async () => {
    const { ns } = await setup();
    await abc(ns);
    expect(await fails(ns.applyNsLine('cd /tmp'))).toBe('bad arg in system call');
    expect(await fails(ns.applyNsLine('bind /tmp/a'))).toBe('bad arg in system call');
    expect(await fails(ns.applyNsLine('bind -z /tmp/a /tmp/b'))).toBe('bad arg in system call');
    expect(await fails(ns.applyNsLine('bind -ab /tmp/a /tmp/b'))).toBe('bad arg in system call');
    expect(await fails(ns.applyNsLine('unmount a b c'))).toBe('bad arg in system call');
    expect(await fails(ns.applyNsLine("bind '#|' /tmp/a"))).toBe('unknown device in # filename');
    expect(await fails(ns.applyNsLine('bind /nope /tmp/a'))).toBe("'/nope' does not exist");
    expect(await fails(ns.applyNsLine('frobnicate /tmp/a /tmp/b'))).toBe('');
    expect(await ls(ns, '/tmp/a')).toEqual(['x']);
  });

  it('changes only the written process\'s group', async () => {
    const { k, p, ns } = await setup();
    await abc(ns);
    await ns.bind('#p', '/proc', MREPL);
    const child = k.fork(p, ['child']);
    child.rfork('n');
    const sibling = k.fork(child, ['sibling']);
    const c = await ns.open(`/proc/${child.pid}/ns`, 1);
    await c.write(Buffer.from('bind /tmp/b /tmp/a\n'));
    c.close();
    expect(await ls(child.ns, '/tmp/a')).toEqual(['x', 'y']);
    expect(await ls(sibling.ns, '/tmp/a')).toEqual(['x', 'y']);
    expect(await ls(ns, '/tmp/a')).toEqual(['x']);
  });
});

describe('namespace groups', () => {
  it('copy() is independent both ways', async () => {
    const { ns } = await setup();
    await abc(ns);
    const q = ns.copy();
    await q.bind('/tmp/b', '/tmp/a', MREPL);
    await ns.bind('/tmp/a', '/tmp/c', MREPL);
    expect(await ls(q, '/tmp/a')).toEqual(['x', 'y']);
    expect(await ls(ns, '/tmp/a')).toEqual(['x']);
    expect(await ls(q, '/tmp/c')).toEqual([]);
    expect(await ls(ns, '/tmp/c')).toEqual(['x']);
  });

  it('a child shares its parent\'s group until rfork n; rfork N starts clean', async () => {
    const { k, p, ns } = await setup();
    await abc(ns);
    const child = k.fork(p);
    await child.ns.bind('/tmp/b', '/tmp/a', MREPL);
    expect(await ls(ns, '/tmp/a')).toEqual(['x', 'y']);
    child.rfork('N');
    expect(child.ns.nsText('/')).toBe('cd /\n');
    expect(await ls(child.ns, '/')).toContain('dev');
  });

  it('rfork m forbids mounts and # paths other than |decp, but not binds', async () => {
    const { k, p, ns } = await setup();
    await abc(ns);
    const child = k.fork(p);
    child.rfork('nm');
    expect(await fails(child.ns.mount('#s/ramfs', '/tmp/a', MREPL))).toBe('mount/attach disallowed');
    expect(await fails(child.ns.bind('#s', '/tmp/a', MREPL))).toBe('mount/attach disallowed');
    await child.ns.bind('#c', '/tmp/a', MREPL);
    await child.ns.bind('/tmp/b', '/tmp/c', MREPL);
    expect(await ls(child.ns, '/tmp/c')).toEqual(['x', 'y']);
  });

  it('mount ids increase over the whole program', async () => {
    const { ns } = await setup();
    await abc(ns);
    const a = await ns.bind('/tmp/b', '/tmp/a', MREPL);
    const b = await ns.copy().bind('/tmp/b', '/tmp/c', MREPL);
    const c = await ns.bind('/tmp/c', '/tmp/b', MREPL);
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(c);
  });

  it('walking costs the same however large the mount table is', async () => {
    const k = kernel();
    const p = await k.init();
    let walks = 0;
    const ram = new Ramfs('glenda');
    const counting = {
      attach: async (u: string, a: string) => {
        const wrap = (f: import('../../ns/types.js').Fid): import('../../ns/types.js').Fid =>
          new Proxy(f, {
            get(t, prop) {
              if (prop === 'walkSync') {
                return (names: string[]) => {
                  walks++;
                  const r = t.walkSync!(names);
                  return r.fid ? { ...r, fid: wrap(r.fid) } : r;
                };
              }
              const v = Reflect.get(t, prop);
              return typeof v === 'function' ? v.bind(t) : v;
            },
          });
        return wrap(await ram.attach(u));
      },
    };
    await p.ns.mountServer(counting, '/tmp', MCREATE);
    await mkdir(p.ns, '/tmp/d');
    for (let i = 0; i < 40; i++) await mkdir(p.ns, `/tmp/d/${i}`);
    const path = '/tmp/d/1';
    walks = 0;
    await p.ns.stat(path);
    const small = walks;
    for (let i = 2; i < 40; i++) await p.ns.bind('/tmp/d/0', `/tmp/d/${i}`, MREPL);
    walks = 0;
    await p.ns.stat(path);
    expect(walks).toBe(small);
  });
});
