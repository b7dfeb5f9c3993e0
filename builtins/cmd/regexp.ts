/*
 * Plan 9 regular expressions (regexp(7)) translated to JavaScript RegExp source.
 *
 *   e0: e1 | e0 '|' e1        e1: e2 | e1 e2        e2: e3 | e2 REP (* + ?)
 *   e3: literal | charclass | . | ^ | $ | ( e0 )
 *
 * A literal is any character but .*+?[]()|\^$, or one of those after \ (\n is plain n).
 * In a class [s] or [^s], only -, ], an initial ^ and \ need a \; a-b is a range; a
 * negated class and . never match newline. There are no {m,n}, \d, \b or back
 * references: they read as the literal characters. Parsing is our own (a JS RegExp would
 * accept different syntax); the output is written so JS reads it literally: every
 * literal escaped, each repeated item grouped, . as [^\n]. Errors are RegexpError with
 * the text Plan 9's library gives (`syntax error`, `missing operand`, …).
 */

export class RegexpError extends Error {}

const META = '.*+?[]()|\\^$';

/** A code point as a JS regexp literal outside a class (u-mode escapes only syntax characters). */
function lit(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c === '\n' ? '\\n' : c;
}

/** A code point as a literal inside a class. */
function litIn(c: string): string {
  return /[\\\]\[^-]/.test(c) ? '\\' + c : c === '\n' ? '\\n' : c;
}

/** Translate one Plan 9 regexp into JS RegExp source (to be used with the u flag). */
export function translate(re: string): string {
  const s = [...re];
  let i = 0;
  const fail = (m: string): never => {
    throw new RegexpError(m);
  };

  const e0 = (): string => {
    const alts = [e1()];
    while (s[i] === '|') {
      i++;
      alts.push(e1());
    }
    return alts.length === 1 ? alts[0]! : alts.join('|');
  };
  const e1 = (): string => {
    let out = '';
    let n = 0;
    while (i < s.length && s[i] !== '|' && s[i] !== ')') {
      out += e2();
      n++;
    }
    if (n === 0) fail('missing operand');
    return out;
  };
  const e2 = (): string => {
    let x = e3();
    while (s[i] === '*' || s[i] === '+' || s[i] === '?') x = `(?:${x})${s[i++]}`;
    return x;
  };
  const e3 = (): string => {
    const c = s[i++]!;
    switch (c) {
      case '.':
        return '[^\\n]';
      case '^':
        return '^';
      case '$':
        return '$';
      case '(': {
        if (s[i] === ')') fail('missing operand');
        const x = e0();
        if (s[i] !== ')') fail('missing )');
        i++;
        return `(?:${x})`;
      }
      case ')':
        return fail('unmatched )');
      case '*':
      case '+':
      case '?':
        return fail('missing operand for ' + c);
      case '[':
        return cls();
      case '\\':
        return lit(i < s.length ? s[i++]! : '\\');
      default:
        return lit(c);
    }
  };
  const cls = (): string => {
    let neg = false;
    if (s[i] === '^') {
      neg = true;
      i++;
    }
    const items: string[] = [];
    const one = (): string => {
      const c = s[i++]!;
      if (c === '\\') {
        if (i >= s.length) fail('malformed `[]\'');
        return s[i++]!;
      }
      return c;
    };
    for (;;) {
      if (i >= s.length) fail('malformed `[]\'');
      if (s[i] === ']') {
        i++;
        break;
      }
      const a = one();
      if (s[i] === '-' && s[i + 1] !== undefined && s[i + 1] !== ']') {
        i++;
        const b = one();
        if (b.codePointAt(0)! >= a.codePointAt(0)!) items.push(litIn(a) + '-' + litIn(b));
        continue;
      }
      items.push(litIn(a));
    }
    if (neg) return `[^\\n${items.join('')}]`;
    return items.length === 0 ? '[]' : `[${items.join('')}]`;
  };

  if (s.length === 0) fail('missing operand');
  const out = e0();
  if (i < s.length) fail(s[i] === ')' ? 'unmatched )' : 'syntax error');
  return out;
}

/**
 * grep's pattern: newlines are alternatives of lowest precedence, and a pattern starting
 * with * is the rest taken literally. Returns RegExp source.
 */
export function grepSource(pattern: string): string {
  if (pattern.startsWith('*')) return [...pattern.slice(1)].map(lit).join('');
  return pattern
    .split('\n')
    .map((p) => `(?:${translate(p)})`)
    .join('|');
}

export const isMeta = (c: string): boolean => META.includes(c);
