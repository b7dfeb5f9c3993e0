/* #U: the host file system through the namespace. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAFTER, MCREATE, MREPL } from '../../ns/mount.js';
import { DMDIR, OREAD, OWRITE } from '../../ns/types.js';
import { OAPPEND } from '../../ns/vfs.js';
import { cat, fails, kernel, ls, mkdir, put } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ns-'));
  fs.writeFileSync(path.join(dir, 'hello'), 'hello, world\n');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'inner'), 'inner');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function hostns() {
  const k = kernel();
  const p = await k.init();
  await p.ns.bind('#U' + dir, '/tmp', MREPL | MCREATE);
  return { k, p, ns: p.ns };
}

describe('#U host files', () => {
  it('reads a real directory and its files', async () => {
    const { ns } = await hostns();
    expect((await ls(ns, '/tmp')).sort()).toEqual(['hello', 'sub']);
    expect(await cat(ns, '/tmp/hello')).toBe('hello, world\n');
    const d = await ns.stat('/tmp/sub');
    expect(d.mode).toBeGreaterThanOrEqual(DMDIR);
    expect(d.mode & 0o777).toBe(fs.statSync(path.join(dir, 'sub')).mode & 0o777);
    expect(d.name).toBe('sub');
    expect(d.type).toBe('U'.codePointAt(0));
    expect((await ns.stat('/tmp/hello')).length).toBe(13);
  });

  it('creates, writes, appends, renames and removes real files', async () => {
    const { ns } = await hostns();
    await put(ns, '/tmp/new', 'one\n');
    expect(fs.readFileSync(path.join(dir, 'new'), 'utf8')).toBe('one\n');
    const a = await ns.open('/tmp/new', OWRITE | OAPPEND);
    await a.write(Buffer.from('two\n'));
    a.close();
    expect(await cat(ns, '/tmp/new')).toBe('one\ntwo\n');
    await mkdir(ns, '/tmp/d');
    expect(fs.statSync(path.join(dir, 'd')).isDirectory()).toBe(true);
    await ns.wstat('/tmp/new', { name: 'renamed' });
    expect(fs.existsSync(path.join(dir, 'renamed'))).toBe(true);
    await ns.remove('/tmp/renamed');
    expect(fs.existsSync(path.join(dir, 'renamed'))).toBe(false);
    expect(await fails(ns.remove('/tmp/sub'))).toBe('directory not empty');
  });

  it('words errors as Plan 9 does', async () => {
    const { ns } = await hostns();
    expect(await fails(ns.stat('/tmp/nope'))).toBe("'/tmp/nope' does not exist");
    expect(await fails(ns.stat('/tmp/nope/deeper'))).toBe("'/tmp/nope' does not exist");
    expect(await fails(ns.stat('/tmp/hello/x'))).toBe("'/tmp/hello' not a directory");
    expect(await fails(ns.open('/tmp/sub', OWRITE))).toBe('file is a directory');
    expect(await fails(ns.create('/tmp/hello', OWRITE | 0x1000, 0o666))).toBe("'/tmp/hello' file already exists");
  });

  it('gives host paths and descriptors for host-backed files only', async () => {
    const { ns } = await hostns();
    expect(ns.hostPath('/tmp/sub/inner')).toBe(path.join(dir, 'sub', 'inner'));
    expect(ns.hostPath('/tmp/nope')).toBeUndefined();
    expect(ns.hostPath('/dev')).toBeUndefined();
    await ns.bind('#c', '/tmp/sub', MREPL);
    expect(ns.hostPath('/tmp/sub/pid')).toBeUndefined();
    const c = await ns.open('/tmp/hello', OREAD);
    expect(typeof c.hostFd).toBe('number');
    c.close();
  });

  it('unions host directories: the first holding a name wins', async () => {
    const { ns } = await hostns();
    await ns.bind('#U' + path.join(dir, 'sub'), '/bin', MAFTER);
    expect(ns.hostPath('/bin/inner')).toBe(path.join(dir, 'sub', 'inner'));
    expect(await cat(ns, '/bin/inner')).toBe('inner');
  });
});
