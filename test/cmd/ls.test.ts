// How ls prints: Plan 9's long format, its widths, sizes, qids, quoting, sorting, and lc's columns.
import { describe, expect, test } from 'vitest';
import { columnate, formatEnts, sortEnts } from '../../builtins/cmd/ls.js';
import { ctime, lsTime, modeString, quote } from '../../builtins/cmd/dirfmt.js';
import { DMAPPEND, DMDIR, DMEXCL, type Dir } from '../../ns/types.js';

const NOW = 1_700_000_000;

function dir(name: string, o: Partial<Dir> = {}): Dir {
  return {
    type: 'U'.charCodeAt(0), dev: 0, qid: { type: 0, vers: 0, path: 1 }, mode: 0o644, atime: NOW, mtime: NOW,
    length: 0, name, uid: 'glenda', gid: 'sys', muid: 'glenda', ...o,
  };
}
const fmt = (ents: Dir[], flags: string) => formatEnts(ents.map((d) => ({ d })), { has: new Set(flags), now: NOW });

describe('ls -l', () => {
  test('mode, device letter and number, owner, group, size, date, name', () => {
    expect(fmt([dir('a', { length: 1234, mtime: 0, dev: 3 })], 'l')).toEqual(['--rw-r--r-- U 3 glenda sys 1234 Jan  1  1970 a']);
  });
  test('owners are padded on the right, sizes on the left, over the listing', () => {
    const lines = fmt([dir('a', { length: 5 }), dir('b', { length: 12345, uid: 'x', gid: 'adm' })], 'l');
    expect(lines.map((l) => l.replace(/ [A-Z][a-z]{2} [ \d]\d \d\d:\d\d /, ' T '))).toEqual([
      '--rw-r--r-- U 0 glenda sys     5 T a',
      '--rw-r--r-- U 0 x      adm 12345 T b',
    ]);
  });
  test('-u shows the access time', () => {
    expect(fmt([dir('a', { atime: 86400, mtime: NOW })], 'lu')[0]).toContain('Jan  2  1970 a');
  });
});

describe('mode strings', () => {
  test('directory, append-only, exclusive', () => {
    expect(modeString(DMDIR | 0o755)).toBe('d-rwxr-xr-x');
    expect(modeString(DMAPPEND | 0o600)).toBe('a-rw-------');
    expect(modeString(DMEXCL | 0o640)).toBe('-lrw-r-----');
  });
});

describe('dates', () => {
  test('ctime', () => {
    expect(ctime(0, true)).toBe('Thu Jan  1 00:00:00 GMT 1970');
    expect(ctime(1_000_000_000, true)).toBe('Sun Sep  9 01:46:40 GMT 2001');
  });
  test('recent files show the time, old or future ones the year', () => {
    process.env.TZ ??= 'UTC';
    expect(lsTime(NOW - 3600, NOW)).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d$/);
    expect(lsTime(NOW - 200 * 86400, NOW)).toMatch(/^[A-Z][a-z]{2} [ \d]\d  \d{4}$/);
    expect(lsTime(NOW + 2 * 86400, NOW)).toMatch(/  \d{4}$/);
  });
});

describe('other columns', () => {
  test('-s sizes in kilobytes, right-aligned', () => {
    expect(fmt([dir('a', { length: 1 }), dir('b', { length: 20 * 1024 })], 's')).toEqual([' 1 a', '20 b']);
  });
  test('-q qid: path in 16 hex digits, version, type', () => {
    expect(fmt([dir('a', { qid: { path: 0x2a, vers: 7, type: 0x80 } })], 'q')).toEqual(['(000000000000002a 7 80) a']);
  });
  test('-m the last modifier in brackets', () => {
    expect(fmt([dir('a', { muid: 'bob' }), dir('b', { muid: 'glenda' })], 'm')).toEqual(['[bob]    a', '[glenda] b']);
  });
  test('-F marks directories and executables', () => {
    expect(fmt([dir('d', { mode: DMDIR | 0o755, qid: { type: 0x80, vers: 0, path: 2 } }), dir('x', { mode: 0o755 }), dir('f')], 'F')).toEqual(['d/', 'x*', 'f']);
  });
  test('prefixes: the directory typed, or / at the root; -p drops them', () => {
    const ents = [{ d: dir('x'), prefix: 'd' }, { d: dir('bin'), prefix: '/' }];
    expect(formatEnts(ents, { has: new Set(), now: NOW })).toEqual(['d/x', '/bin']);
    expect(formatEnts(ents, { has: new Set('p'), now: NOW })).toEqual(['x', 'bin']);
  });
});

describe('quoting', () => {
  test('names rc would need quoted', () => {
    expect(quote('plain.c')).toBe('plain.c');
    expect(quote('a b')).toBe("'a b'");
    expect(quote("it's")).toBe("'it''s'");
    expect(quote('x=y')).toBe("'x=y'");
    expect(quote('')).toBe("''");
    expect(quote('naïve')).toBe('naïve');
  });
  test('-Q turns it off', () => {
    expect(fmt([dir('a b')], 'Q')).toEqual(['a b']);
  });
});

describe('sorting', () => {
  const ents = [dir('b', { mtime: 2 }), dir('a', { mtime: 1 }), dir('c', { mtime: 3 })].map((d) => ({ d }));
  const names = (flags: string) => sortEnts(ents, new Set(flags)).map((e) => e.d.name);
  test('by name, byte order', () => {
    expect(names('')).toEqual(['a', 'b', 'c']);
    expect(sortEnts([dir('b'), dir('B'), dir('é')].map((d) => ({ d })), new Set()).map((e) => e.d.name)).toEqual(['B', 'b', 'é']);
  });
  test('-t newest first, -r reversed, -n as given', () => {
    expect(names('t')).toEqual(['c', 'b', 'a']);
    expect(names('r')).toEqual(['c', 'b', 'a']);
    expect(names('tr')).toEqual(['a', 'b', 'c']);
    expect(names('n')).toEqual(['b', 'a', 'c']);
  });
});

describe('lc columns', () => {
  test('column-major, tab stops', () => {
    expect(columnate(['a', 'bb', 'ccc', 'dddd', 'e'], 16)).toEqual(['a\tdddd', 'bb\te', 'ccc']);
  });
  test('a name of a tab stop or more still reaches the next column with one tab', () => {
    expect(columnate(['abcdefghij', 'x'], 80)).toEqual(['abcdefghij\tx']);
    expect(columnate(['abcdefgh', 'x'], 80)).toEqual(['abcdefgh\tx']);
  });
  test('nothing to set', () => {
    expect(columnate([], 80)).toEqual([]);
  });
});

describe('sorting names typed with directories, as Plan 9 compares them', () => {
  const names = (ents: { d: Dir; prefix?: string }[]) => sortEnts(ents, new Set()).map((e) => (e.prefix === undefined ? '' : e.prefix + '/') + e.d.name);
  test('directory parts first, then names; a bare name against a directory part', () => {
    expect(names([{ d: dir('null'), prefix: '/dev' }, { d: dir('proc'), prefix: '' }, { d: dir('ls'), prefix: '/bin' }])).toEqual(['/proc', '/bin/ls', '/dev/null']);
    expect(names([{ d: dir('a') }, { d: dir('b'), prefix: 'd' }, { d: dir('a'), prefix: '.' }])).toEqual(['./a', 'a', 'd/b']);
    expect(names([{ d: dir('b'), prefix: 'a' }, { d: dir('c'), prefix: 'a-x' }])).toEqual(['a/b', 'a-x/c']);
  });
  test('UTF-8 byte order beyond the BMP', () => {
    expect(names([{ d: dir('\u{1F600}') }, { d: dir('\uFF21') }])).toEqual(['\uFF21', '\u{1F600}']);
  });
});
