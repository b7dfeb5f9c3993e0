/* namespace(6) files, newns, and the boot namespace. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boot, defaultNamespace } from '../../ns/boot.js';
import { MREPL } from '../../ns/mount.js';
import { addns, newns, readWhole } from '../../ns/nsfile.js';
import { cat, kernel, ls, mkdir, put, setup } from './helpers.js';

describe('namespace files', () => {
  it('run bind, mount and unmount lines, skipping comments and blanks', async () => {
    const { ns } = await setup();
    for (const d of ['a', 'b']) await mkdir(ns, '/tmp/' + d);
    await put(ns, '/tmp/b/f', 'f');
    const r = await addns(ns, '# a comment\n\n  bind -a /tmp/b /tmp/a\n   # another\nbind -c #c /dev\n');
    expect(await ls(r.ns, '/tmp/a')).toEqual(['f']);
    expect(await ls(r.ns, '/dev')).toContain('cons');
  });

  it('expand $variables, ending a name at / or $', async () => {
    const { ns } = await setup();
    await mkdir(ns, '/tmp/glenda');
    await mkdir(ns, '/tmp/glenda/bin');
    await put(ns, '/tmp/glenda/bin/prog', 'p');
    const env = (n: string) => ({ user: 'glenda', home: '/tmp/glenda' })[n];
    await addns(ns, 'bind -a $home/bin /bin\nbind /tmp/$user /mnt\n', { env });
    expect(await ls(ns, '/bin')).toEqual(['prog']);
    expect(await ls(ns, '/mnt')).toEqual(['bin']);
  });

  it('include files with `.`, read from the namespace being built', async () => {
    const { ns } = await setup();
    await mkdir(ns, '/tmp/x');
    await put(ns, '/tmp/inc', "bind '#c' /tmp/x\n");
    await put(ns, '/tmp/main', '. /tmp/inc\ncd /tmp/x\n');
    const r = await addns(ns, await readWhole(ns, '/tmp/main'));
    expect(await ls(r.ns, '/tmp/x')).toContain('cons');
    expect(r.cwd).toBe('/tmp/x');
  });

  it('are silent about failures unless debugging, and keep going', async () => {
    const { ns } = await setup();
    const errs: string[] = [];
    await addns(ns, "bind /nope /tmp\nbind -z a b\nfrob\nbind '#c' /dev\n", { debug: (m) => errs.push(m) });
    expect(errs).toEqual([
      "bind /nope /tmp: '/nope' does not exist",
      'bind -z a b: bad arg in system call',
      'frob: unknown op frob',
    ]);
    expect(await ls(ns, '/dev')).toContain('cons');
    await addns(ns, 'bind /nope /tmp\n');
  });

  it('newns starts from a clean namespace; clear starts over', async () => {
    const { ns } = await setup();
    const text = "bind '#c' /dev\n";
    const r = await newns(ns, text);
    expect(r.ns.nsText('/')).toBe("bind  '#c' /dev\ncd /\n");
    expect(ns.nsText('/')).toContain('/tmp');
    const c = await addns(ns, "clear\nbind '#e' /env\n");
    expect(c.ns.nsText('/')).toBe("bind  '#e' /env\ncd /\n");
  });
});

describe('the boot namespace', () => {
  it.skipIf(!existsSync('/proc'))('binds the host directory back over a $home the namespace hides', async () => {
    const k = kernel();
    const plain = await boot(k, await k.init(['rc']), { hostPath: [], home: '/nonexistent/home' });
    expect(plain.ns.hostPath('/proc')).toBeUndefined();
    const p = await boot(k, await k.init(['rc']), { hostPath: [], home: '/proc' });
    expect(p.ns.hostPath('/proc')).toBe('/proc');
  });

  it('puts the host at / beside the devices, with mntgen /n and /mnt', async () => {
    const k = kernel();
    const p = await boot(k, await k.init(['rc']), { hostPath: ['/usr/bin', '/bin'] });
    const names = await ls(p.ns, '/');
    expect(names).toContain('dev');
    expect(names).toContain('etc');
    expect(await ls(p.ns, '/dev')).toContain('cons');
    expect(await ls(p.ns, '/dev')).toContain('null');
    expect(p.ns.hostPath('/etc/passwd')).toBe('/etc/passwd');
    expect(p.ns.hostPath('/tmp')).toBe('/tmp');
    expect(p.ns.hostPath('/mnt/host/etc')).toBe('/etc');
    expect(p.ns.hostPath('/root')).toBe('/root');
    expect(p.ns.hostPath('/home')).toBe('/home');
    expect(p.ns.hostPath('/bin/sh')).toMatch(/^\/(usr\/)?bin\/sh$/);
    expect(await ls(p.ns, '/n/anything')).toEqual([]);
    expect(await cat(p.ns, '/dev/user')).toBe('glenda');
    expect(await ls(p.ns, '/srv')).toEqual(expect.arrayContaining(['slashn', 'slashmnt']));
    expect(await ls(p.ns, '/boot')).toEqual(expect.arrayContaining(['namespace', 'namespace.saveterm', 'namespace.save9front']));
    p.env.set('x', ['1']);
    expect(await cat(p.ns, '/env/x')).toBe('1\0');
    await p.ns.bind('#c', '/mnt/c', MREPL);
    const q = await k.init(['replay']);
    for (const l of p.ns.nsText('/').split('\n').filter((x) => x && !x.startsWith('cd'))) await q.ns.applyNsLine(l);
    expect(q.ns.nsText('/')).toBe(p.ns.nsText('/'));
  });

  it('is a namespace file one can read', () => {
    expect(defaultNamespace(['/usr/bin', 'relative', '/usr/bin'])).toContain("bind -a '#U/usr/bin' /bin\n");
    expect(defaultNamespace(['relative'])).not.toContain('relative');
  });
});
