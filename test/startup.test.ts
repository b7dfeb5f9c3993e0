// bin/ants-rc.js keeps V8's code cache for the bundle in $XDG_CACHE_HOME/ants-rc: made by
// the first run, taken as it is by the next, replaced when V8 refuses it, and never a
// reason for the shell not to run. Needs the build (npm run build).
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '..', 'bin', 'ants-rc.js');
const built = fs.existsSync(path.resolve(__dirname, '..', 'dist', 'bundle', 'batch.cjs'));

function rc(script: string, cacheHome: string) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-startup-'));
  const r = spawnSync(process.execPath, [BIN, '-c', script], {
    cwd: home,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CACHE_HOME: cacheHome },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  fs.rmSync(home, { recursive: true, force: true });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

const caches = (home: string) => {
  const d = path.join(home, 'ants-rc');
  return fs.existsSync(d) ? fs.readdirSync(d).map((f) => path.join(d, f)) : [];
};

describe.skipIf(!built)('the code cache', () => {
  test('the first run writes it and the next takes it without writing again', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-cache-'));
    try {
      expect(rc('echo one', home)).toEqual({ out: 'one\n', err: '', code: 0 });
      const [f, ...more] = caches(home);
      expect(more).toEqual([]);
      expect(path.basename(f)).toMatch(/^batch-.*\.v8$/);
      expect(fs.statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
      const before = fs.statSync(f);
      expect(rc('echo two', home)).toEqual({ out: 'two\n', err: '', code: 0 });
      const after = fs.statSync(f);
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  test('a damaged cache is refused, the shell runs from source and writes a good one', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-cache-'));
    try {
      rc('echo warm', home);
      const [f] = caches(home);
      fs.writeFileSync(f, Buffer.alloc(4096, 0x5a));
      expect(rc('echo damaged', home)).toEqual({ out: 'damaged\n', err: '', code: 0 });
      expect(fs.readFileSync(f).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
      expect(caches(home)).toEqual([f]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  test.skipIf(process.platform !== 'linux')('a cache home where nothing can be made (under /proc) is no cache, not a hang', () => {
    expect(rc('echo fine', '/proc/self/no-such-dir')).toEqual({ out: 'fine\n', err: '', code: 0 });
  }, 120_000);
});
