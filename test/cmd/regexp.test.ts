// regexp(7) as grep(1) reads it, translated to JavaScript: what matches, what is literal, what is an error.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { grepSource, RegexpError, translate } from '../../builtins/cmd/regexp.js';
import { compile } from '../../builtins/cmd/grep.js';

const m = (re: string, s: string) => new RegExp(grepSource(re), 'u').test(s);

describe('regexp(7) operators', () => {
  test('alternation, grouping, closure', () => {
    expect(m('a(b|x)c', 'axc')).toBe(true);
    expect(m('^ab+c$', 'ac')).toBe(false);
    expect(m('^ab?c$', 'ac')).toBe(true);
    expect(m('^(ab)*$', 'ababab')).toBe(true);
    expect(m('a**', 'b')).toBe(true);
  });
  test('. matches any character but newline', () => {
    expect(m('^.$', 'é')).toBe(true);
    expect(m('^.$', '\u2028')).toBe(true);
    expect(m('a.b', 'a\nb')).toBe(false);
  });
  test('^ and $ anchor the line', () => {
    expect(m('^$', '')).toBe(true);
    expect(m('b$', 'ab')).toBe(true);
    expect(m('^b', 'ab')).toBe(false);
  });
  test('a newline separates alternatives of lowest precedence', () => {
    expect(m('x\ny', 'y')).toBe(true);
    expect(m('^x\ny$', 'yx')).toBe(false);
  });
});

describe('what is literal', () => {
  test('braces, \\d, \\b and other escapes are the characters themselves', () => {
    expect(m('a{2}', 'a{2}')).toBe(true);
    expect(m('a{2}', 'aa')).toBe(false);
    expect(m('\\d', 'd')).toBe(true);
    expect(m('\\d', '1')).toBe(false);
    expect(m('a\\b', 'ab')).toBe(true);
    expect(m('\\.', 'x')).toBe(false);
    expect(m('/', '/')).toBe(true);
  });
  test('a leading * makes the rest literal', () => {
    expect(m('*a.c', 'a.c')).toBe(true);
    expect(m('*a.c', 'abc')).toBe(false);
  });
  test('a trailing backslash is a backslash', () => {
    expect(m('x\\', 'x\\')).toBe(true);
    expect(m('x\\', 'x')).toBe(false);
  });
});

describe('character classes', () => {
  test('ranges and negation; a negated class never matches newline', () => {
    expect(m('^[a-c]+$', 'abcab')).toBe(true);
    expect(m('[^a-c]', 'abc')).toBe(false);
    expect(m('a[^x]b', 'a\nb')).toBe(false);
  });
  test('- ] ^ and \\ are escaped with \\; other metacharacters are plain', () => {
    expect(m('[\\-]', '-')).toBe(true);
    expect(m('[\\]]', ']')).toBe(true);
    expect(m('[\\^]', '^')).toBe(true);
    expect(m('[.*(|]', '|')).toBe(true);
    expect(m('[.*(|]', 'x')).toBe(false);
  });
  test('an empty class matches nothing', () => {
    expect(m('[]]', ']')).toBe(false);
  });
});

describe('syntax errors', () => {
  for (const bad of ['', '(x', 'x)', '()', 'a|', '|a', '[a', '+a', '?']) {
    test(JSON.stringify(bad), () => {
      expect(() => translate(bad)).toThrow(RegexpError);
    });
  }
});

describe('grep -i folds case', () => {
  test('pattern and line', () => {
    expect(compile(['ABC'], true).test('xabcx')).toBe(true);
    expect(compile(['abc'], false).test('ABC')).toBe(false);
  });
});

test('a literal string always matches itself', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 12 }), (s) => {
      fc.pre(!s.includes('\n'));
      const escaped = [...s].map((c) => ('.*+?[]()|\\^$'.includes(c) ? '\\' + c : c)).join('');
      expect(m(escaped, 'x' + s + 'y')).toBe(true);
    }),
  );
});

test('translation never throws anything but RegexpError, and its output compiles', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12, unit: fc.constantFrom(...'ab.*+?[]()|\\^$-'.split('')) }), (re) => {
      try {
        new RegExp(translate(re), 'u');
      } catch (e) {
        expect(e).toBeInstanceOf(RegexpError);
      }
    }),
  );
});
