// Word-level pieces of rc, each as its manual describes it.
import { describe, expect, test } from 'vitest';
import { concat, split } from '../shell/expand.js';
import { escapePat, hasMeta, match, unescapePat } from '../shell/glob.js';
import { RcError } from '../shell/proc.js';
import { exitCode } from '../shell/machine.js';
import { hereSubst } from '../shell/redir.js';

describe('concatenation (^)', () => {
  test('pairs elements of lists of equal length', () => {
    expect(concat(['a', 'b'], ['1', '2'])).toEqual(['a1', 'b2']);
  });
  test('a one-element list extends over the other', () => {
    expect(concat(['x'], ['1', '2', '3'])).toEqual(['x1', 'x2', 'x3']);
    expect(concat(['1', '2'], ['.c'])).toEqual(['1.c', '2.c']);
  });
  test('two empty lists give the empty list', () => {
    expect(concat([], [])).toEqual([]);
  });
  test('an empty list against a full one is an error', () => {
    expect(() => concat([], ['a'])).toThrow(new RcError('null list in concatenation'));
  });
  test('lists of different lengths are an error', () => {
    expect(() => concat(['a', 'b'], ['1', '2', '3'])).toThrow(new RcError('mismatched list lengths in concatenation'));
  });
});

describe('patterns', () => {
  test('* ? and classes', () => {
    expect(match('main.c', '*.c')).toBe(true);
    expect(match('main.h', '*.c')).toBe(false);
    expect(match('ab', 'a?')).toBe(true);
    expect(match('a', 'a?')).toBe(false);
    expect(match('b', '[a-c]')).toBe(true);
    expect(match('d', '[a-c]')).toBe(false);
  });
  test('[~…] negates a class', () => {
    expect(match('d', '[~a-c]')).toBe(true);
    expect(match('b', '[~a-c]')).toBe(false);
  });
  test('in ~ a star crosses slashes; in a file name it does not', () => {
    expect(match('a/b', '*')).toBe(true);
    expect(match('a/b', '*', true)).toBe(false);
  });
  test('quoted metacharacters match themselves only', () => {
    const p = escapePat('*') + '.c';
    expect(hasMeta(p)).toBe(false);
    expect(match('*.c', p)).toBe(true);
    expect(match('x.c', p)).toBe(false);
    expect(unescapePat(p)).toBe('*.c');
  });
  test('an unclosed class matches nothing, as in rc', () => {
    expect(match('[a', '[a')).toBe(false);
    expect(match('a', '[a')).toBe(false);
  });
  test("rc's classes: reversed ranges swap, ] ends a class anywhere, [~] is any character", () => {
    expect(match('m', '[z-a]')).toBe(true);
    expect(match(']', '[]x]')).toBe(false);
    expect(match('b', '[~]')).toBe(true);
    expect(match('x', '[x-]]')).toBe(true);
  });
});

describe('backquote splitting', () => {
  test('on any $ifs character, dropping empty fields', () => {
    expect(split('  a b\n\nc\n', ' \t\n')).toEqual(['a', 'b', 'c']);
    expect(split('a::b', ':')).toEqual(['a', 'b']);
  });
  test('with ifs empty the output is one word', () => {
    expect(split('a b', '')).toEqual(['a b']);
  });
  test('regex-special characters in ifs are plain characters', () => {
    expect(split('a]b^c-d', ']^-')).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('exit codes', () => {
  test('as plan9port exits() makes them', () => {
    expect(exitCode('')).toBe(0);
    expect(exitCode('3')).toBe(3);
    expect(exitCode('2|')).toBe(2);
    expect(exitCode('-1')).toBe(255);
    expect(exitCode('|')).toBe(0);
    expect(exitCode('0|0')).toBe(0);
    expect(exitCode('12abc')).toBe(12);
    expect(exitCode('no match')).toBe(1);
  });
});

describe('here-document substitution', () => {
  const p = { get: (n: string) => ({ x: ['1', '2'], y: ['why'] })[n] ?? [] } as never;
  test('$name becomes its value, ^ joins', () => {
    expect(hereSubst(p, 'a $x b$y^c\n')).toBe('a 1 2 bwhyc\n');
  });
  test('$$ is a dollar, a lone $ disappears', () => {
    expect(hereSubst(p, 'cost $$5 $ end')).toBe('cost $5  end');
  });
});
