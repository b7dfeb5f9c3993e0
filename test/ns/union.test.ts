/* bind(1)/bind(2): replacing binds, unions (-a, -b), -c, unmount, and their errors. */
import { describe, expect, it } from 'vitest';
import { MAFTER, MBEFORE, MCREATE, MREPL } from '../../ns/mount.js';
import { OREAD } from '../../ns/types.js';
import { abc, cat, fails, ls, mkdir, put, setup } from './helpers.js';

describe('bind without a flag replaces', () => {
  it('old becomes an alias for new; new still names its own file', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MREPL);
    expect(await ls(ns, '/tmp/a')).toEqual(['x', 'y']);
    expect(await cat(ns, '/tmp/a/x')).toBe('b');
    expect(await ls(ns, '/tmp/b')).toEqual(['x', 'y']);
  });

  it('binds a file onto a file', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/a/x', '/tmp/b/y', MREPL);
    expect(await cat(ns, '/tmp/b/y')).toBe('a');
  });

  it('refuses a file onto a directory and the reverse: inconsistent mount', async () => {
    const { ns } = await setup();
    await abc(ns);
    expect(await fails(ns.bind('/tmp/a/x', '/tmp/b', MREPL))).toBe('inconsistent mount');
    expect(await fails(ns.bind('/tmp/b', '/tmp/a/x', MREPL))).toBe('inconsistent mount');
    expect(await fails(ns.bind('/tmp/a/x', '/tmp/b/y', MAFTER))).toBe('inconsistent mount');
  });

  it('evaluates new at the time of the bind', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/c', MREPL);
    await ns.bind('/tmp/a', '/tmp/b', MREPL);
    expect(await ls(ns, '/tmp/c')).toEqual(['x', 'y']);
    expect(await ls(ns, '/tmp/b')).toEqual(['x']);
  });

  it('reports a missing name with the part of the path that was walked', async () => {
    const { ns } = await setup();
    await abc(ns);
    expect(await fails(ns.bind('/tmp/nope/deeper', '/tmp/a', MREPL))).toBe("'/tmp/nope' does not exist");
    expect(await fails(ns.bind('/tmp/a', '/x', MREPL))).toBe("'/x' does not exist");
  });
});

describe('union directories', () => {
  it('-a adds after, -b before; the first -a/-b keeps the original directory as a member', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    expect(await ls(ns, '/tmp/a')).toEqual(['x', 'x', 'y']);
    await mkdir(ns, '/tmp/d');
    await put(ns, '/tmp/d/z', 'z');
    await ns.bind('/tmp/d', '/tmp/a', MBEFORE);
    expect(await ls(ns, '/tmp/a')).toEqual(['z', 'x', 'x', 'y']);
  });

  it('lookup takes the first member holding the name', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    expect(await cat(ns, '/tmp/a/x')).toBe('a');
    expect(await cat(ns, '/tmp/a/y')).toBe('y');
    await ns.bind('/tmp/b', '/tmp/c', MBEFORE);
    await put(ns, '/tmp/c2', '');
    expect(await cat(ns, '/tmp/c/x')).toBe('b');
  });

  it('unmount of one member leaves the others; of a non-member: not in union', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    await ns.bind('/tmp/c', '/tmp/a', MBEFORE);
    await ns.unmount('/tmp/b', '/tmp/a');
    expect(await ls(ns, '/tmp/a')).toEqual(['x']);
    expect(await fails(ns.unmount('/tmp/b', '/tmp/a'))).toBe('not in union');
  });

  it('unmount of everything; then: not mounted', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    await ns.unmount(undefined, '/tmp/a');
    expect(await ls(ns, '/tmp/a')).toEqual(['x']);
    expect(await fails(ns.unmount(undefined, '/tmp/a'))).toBe('not mounted');
  });

  it('binding a union copies its members', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    await ns.bind('/tmp/a', '/tmp/c', MREPL);
    await ns.unmount(undefined, '/tmp/a');
    expect(await ls(ns, '/tmp/c')).toEqual(['x', 'x', 'y']);
    expect(await fails(ns.bind('/tmp/c', '/tmp/b', MREPL | MCREATE))).toBe('inconsistent mount');
  });
});

describe('create in a mounted directory', () => {
  it('is forbidden without -c, even for a single replacing bind', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MREPL);
    expect(await fails(put(ns, '/tmp/a/new', ''))).toBe("'/tmp/a/new' mounted directory forbids creation");
    await ns.bind('/tmp/b', '/tmp/c', MAFTER);
    expect(await fails(put(ns, '/tmp/c/new', ''))).toBe("'/tmp/c/new' mounted directory forbids creation");
  });

  it('goes to the first -c member', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER | MCREATE);
    await put(ns, '/tmp/a/new', 'n');
    expect(await ls(ns, '/tmp/b')).toContain('new');
    await ns.bind('/tmp/c', '/tmp/a', MBEFORE | MCREATE);
    await put(ns, '/tmp/a/newer', 'n');
    expect(await ls(ns, '/tmp/c')).toEqual(['newer']);
  });

  it('opens an existing file for truncation instead', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b', '/tmp/a', MAFTER);
    await put(ns, '/tmp/a/y', 'Y');
    expect(await cat(ns, '/tmp/b/y')).toBe('Y');
  });
});

describe('.. is lexical', () => {
  it('walking .. out of a mounted tree lands where the mount point is', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('#c', '/tmp/a', MREPL);
    expect(await ls(ns, '/tmp/a/..')).toEqual(await ls(ns, '/tmp'));
    expect(await ls(ns, '/tmp/a/../b')).toEqual(['x', 'y']);
    expect(await ns.identity('/tmp/..')).toEqual(await ns.identity('/'));
  });

  it('`..` of a device root is the root', async () => {
    const { ns } = await setup();
    expect((await ns.readdir('#c/..')).map((d) => d.name)).toContain('cons');
  });
});

describe('stat of a mount point', () => {
  it('describes what is mounted, under the name used', async () => {
    const { ns } = await setup();
    await abc(ns);
    await ns.bind('/tmp/b/y', '/tmp/a/x', MREPL);
    const d = await ns.stat('/tmp/a/x');
    expect(d.name).toBe('x');
    expect(d.length).toBe(1);
    expect(await cat(ns, '/tmp/a/x')).toBe('y');
    await expect(ns.open('/tmp/a', OREAD)).resolves.toBeDefined();
  });
});
