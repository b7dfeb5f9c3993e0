// test(1)'s expression grammar, as Plan 9's test parses it, against a made-up file system.
import { describe, expect, test } from 'vitest';
import { duration, evalTest, isInt, type TestEnv } from '../../builtins/cmd/test.js';
import { DMDIR, type Dir } from '../../ns/types.js';

const NOW = 1_000_000;
const files: Record<string, Partial<Dir>> = {
  dir: { mode: DMDIR | 0o755 },
  empty: { mode: 0o644, length: 0 },
  full: { mode: 0o600, length: 10, uid: 'other' },
  old: { mode: 0o644, mtime: NOW - 86400 * 2 },
  new: { mode: 0o755, mtime: NOW - 60 },
};
const env: TestEnv = {
  stat: async (n) => (files[n] ? ({ mtime: NOW, length: 0, uid: 'me', ...files[n] } as Dir) : undefined),
  isatty: (fd) => fd === 0,
  user: 'me',
  now: NOW,
};
const t = (s: string) => evalTest(s === '' ? [] : s.split(' ').map((w) => (w === "''" ? '' : w)), env);

describe('primaries', () => {
  test('file tests', async () => {
    expect(await t('-d dir')).toBe(true);
    expect(await t('-f dir')).toBe(false);
    expect(await t('-f empty')).toBe(true);
    expect(await t('-e nosuch')).toBe(false);
    expect(await t('-s empty')).toBe(false);
    expect(await t('-s full')).toBe(true);
  });
  test('-r -w -x use the owner bits for the owner, others otherwise', async () => {
    expect(await t('-x new')).toBe(true);
    expect(await t('-x empty')).toBe(false);
    expect(await t('-w empty')).toBe(true);
    expect(await t('-r full')).toBe(false);
  });
  test('strings', async () => {
    expect(await t('abc')).toBe(true);
    expect(await t("''")).toBe(false);
    expect(await t('-n abc')).toBe(true);
    expect(await t("-z ''")).toBe(true);
    expect(await t('a = a')).toBe(true);
    expect(await t('a != a')).toBe(false);
  });
  test('integers: strtol base 0', async () => {
    expect(await t('1 -eq 01')).toBe(true);
    expect(await t('0x10 -eq 16')).toBe(true);
    expect(await t('010 -eq 8')).toBe(true);
    expect(await t('-3 -lt 2')).toBe(true);
    expect(isInt('08')).toBeUndefined();
    expect(isInt('')).toBe(0);
    expect(isInt(' 5')).toBe(5);
    expect(isInt('5 ')).toBeUndefined();
  });
  test('-t: a terminal descriptor, 1 by default', async () => {
    expect(await t('-t 0')).toBe(true);
    expect(await t('-t')).toBe(false);
  });
  test('times: -nt -ot -older', async () => {
    expect(await t('new -nt old')).toBe(true);
    expect(await t('old -ot new')).toBe(true);
    expect(await t('old -older 1d')).toBe(true);
    expect(await t('new -older 1h')).toBe(false);
    expect(await t('new -nt nosuch')).toBe(false);
    expect(duration('3d12h')).toBe(3 * 86400 + 12 * 3600);
    expect(duration('1y')).toBe(360 * 86400);
    expect(duration('90')).toBe(90);
    expect(duration('2x')).toBeUndefined();
  });
});

describe('operators', () => {
  test('! binds tightest, then -a, then -o', async () => {
    expect(await t('! -d empty')).toBe(true);
    expect(await t('! -f empty -o -f empty')).toBe(true);
    expect(await t('-f empty -o -d empty -a -d empty')).toBe(true);
    expect(await t('-d empty -a -d empty -o -f empty')).toBe(true);
  });
  test('parentheses group', async () => {
    expect(await t('! ( -f empty -o -d empty )')).toBe(false);
    expect(await t('( -d dir )')).toBe(true);
  });
  test('no arguments is false', async () => {
    expect(await t('')).toBe(false);
  });
});

describe('syntax errors', () => {
  const err = async (s: string) => {
    try {
      await t(s);
    } catch (e) {
      return (e as { msg: string }).msg;
    }
    return 'no error';
  };
  test('Plan 9 wording', async () => {
    expect(await err('-f')).toBe('argument expected');
    expect(await err('a -eq 1')).toBe('unexpected operator/operand: -eq');
    expect(await err('1 -eq a')).toBe('unknown operator -eq');
    expect(await err('x y')).toBe('unexpected operator/operand: y');
    expect(await err('( -f empty x')).toBe(') expected');
    expect(await err('( -f empty')).toBe('argument expected');
    expect(await err('-t x')).toBe('not a valid file descriptor number ');
    expect(await err('old -older 2x')).toBe('bad time syntax, 2x');
  });
});
