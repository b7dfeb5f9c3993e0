// wc's counting (runes, broken UTF-8, words across buffers) and seq's number formats.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Counter, report } from '../../builtins/cmd/wc.js';
import { cfmt, fmtG } from '../../builtins/cmd/seq.js';

const count = (...bufs: Buffer[]) => {
  const k = new Counter();
  for (const b of bufs) k.add(b);
  return k.end();
};

describe('wc', () => {
  test('lines, words, runes, bytes', () => {
    expect(count(Buffer.from('one two\n  three\n'))).toEqual({ lines: 2, words: 3, runes: 16, broken: 0, bytes: 16 });
  });
  test('a rune split across two reads counts once', () => {
    const b = Buffer.from('héllo');
    expect(count(b.subarray(0, 2), b.subarray(2))).toMatchObject({ runes: 5, broken: 0, bytes: 6, words: 1 });
  });
  test('broken sequences: a stray byte, a cut-off sequence, an overlong form', () => {
    expect(count(Buffer.from([0xff]))).toMatchObject({ runes: 1, broken: 1 });
    expect(count(Buffer.from([0xe2, 0x82]))).toMatchObject({ runes: 1, broken: 1 });
    expect(count(Buffer.from([0xe2, 0x41]))).toMatchObject({ runes: 2, broken: 1 });
    expect(count(Buffer.from([0xe0, 0x80, 0x80]))).toMatchObject({ broken: 1 });
  });
  test('unicode white space separates words', () => {
    expect(count(Buffer.from('a\u00a0b\u3000c')).words).toBe(3);
  });
  test('report: %7d columns in l w r b c order, then the name', () => {
    const c = { lines: 1, words: 2, runes: 3, broken: 0, bytes: 4 };
    expect(report(c, 'cl', 'f')).toBe('      1       4 f\n');
    expect(report(c, 'lwrbc')).toBe('      1       2       3       0       4\n');
  });
  test('any split of the input counts the same', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(40), (bytes, at) => {
        const b = Buffer.from(bytes);
        const cut = Math.min(at, b.length);
        expect(count(b.subarray(0, cut), b.subarray(cut))).toEqual(count(b));
      }),
    );
  });
  test('valid UTF-8 counts as many runes as code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
        expect(count(Buffer.from(s)).runes).toBe([...s].length);
        expect(count(Buffer.from(s)).broken).toBe(0);
      }),
    );
  });
});

describe('seq formats', () => {
  test('%g as C prints it', () => {
    expect(fmtG(0.1)).toBe('0.1');
    expect(fmtG(100)).toBe('100');
    expect(fmtG(1e6)).toBe('1e+06');
    expect(fmtG(123456)).toBe('123456');
    expect(fmtG(1234567)).toBe('1.23457e+06');
    expect(fmtG(0.0001)).toBe('0.0001');
    expect(fmtG(0.00001)).toBe('1e-05');
    expect(fmtG(-2.5)).toBe('-2.5');
    expect(fmtG(0)).toBe('0');
  });
  test('print formats with flags, width and precision', () => {
    expect(cfmt('%5.2f', 1)).toBe(' 1.00');
    expect(cfmt('%-5g|', 1)).toBe('1    |');
    expect(cfmt('%05.1f', -2)).toBe('-02.0');
    expect(cfmt('%+g', 3)).toBe('+3');
    expect(cfmt('%e', 1234.5)).toBe('1.234500e+03');
    expect(cfmt('%d%%', 7.9)).toBe('7%');
    expect(cfmt('x%gy', 2)).toBe('x2y');
  });
});
