// Bad input never crashes the parser: any text either parses or yields a syntax error
// with a line and column inside the text (never an exception of another kind).
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseLines } from '../shell/parse.js';

const rcish = fc.string({ unit: fc.constantFrom(...'abc$#^=`\'"(){}[]<>|&;!@~*? \t\n\\12'.split('')), maxLength: 40 });

describe('parser robustness', () => {
  test('arbitrary text: lines or a located syntax error, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(rcish, fc.string({ maxLength: 40 })), (src) => {
        const r = parseLines(src);
        if (r.error) {
          const lines = src.split('\n').length;
          expect(r.error.line).toBeGreaterThanOrEqual(1);
          expect(r.error.line).toBeLessThanOrEqual(lines + 1);
          expect(r.error.col).toBeGreaterThanOrEqual(1);
          expect(r.error.token.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
