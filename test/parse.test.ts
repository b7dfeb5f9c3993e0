// The parser: rc's precedence and lexical rules, here documents, and syntax errors.
import { describe, expect, test } from 'vitest';
import { cutHeredocs, parse, parseLines, RcSyntaxError } from '../shell/parse.js';
import { printCmd } from '../shell/print.js';

const show = (src: string) => parse(src).map(printCmd).join('\n');

describe('precedence', () => {
  test('&& and || are looser than |, ! and assignment prefixes', () => {
    expect(parse('a | b && ! c || d')[0].t).toBe('or');
    expect(parse('! a | b')[0]).toMatchObject({ t: 'not', cmd: { t: 'pipe' } });
    expect(parse('x=1 a | b')[0]).toMatchObject({ t: 'assign', cmd: { t: 'pipe' } });
    expect(parse('x=1 a && b')[0]).toMatchObject({ t: 'and', l: { t: 'assign' } });
  });
  test('an if body takes everything to its right', () => {
    expect(parse('if(c) a && b')[0]).toMatchObject({ t: 'if', body: { t: 'and' } });
  });
  test('& ends a command; the rest of the line is another', () => {
    expect(parse('a & b')[0]).toMatchObject({ t: 'seq', cmds: [{ t: 'async' }, { t: 'simple' }] });
  });
});

describe('lexical rules', () => {
  test('free carets join adjacent word parts', () => {
    expect(show('echo -$x- $x.c a$b')).toBe('echo -^$x^- $x^.c a^$b');
  });
  test('no free caret after ) or } or a subscript', () => {
    expect(show('echo (a b)c `{x}y $x(1)z')).toBe('echo (a b) c `{x} y $x(1) z');
  });
  test('keywords are words in argument position', () => {
    expect(show('echo for in if not')).toBe('echo for in if not');
  });
  test('a word stuck to ( is an error, as rc\'s SUB token', () => {
    expect(() => parse('echo a(b)')).toThrow(RcSyntaxError);
  });
  test('so is a quoted word or an argument keyword stuck to (', () => {
    expect(() => parse("echo 'a'(b)")).toThrow(RcSyntaxError);
    expect(() => parse('echo for(x)')).toThrow(RcSyntaxError);
  });
  test('$ takes any word: $(w), $`{…}, $ before a non-name character', () => {
    expect(show('echo $(n$i) $`{echo x} $% $-x $x.c $"(a)')).toBe('echo $(n^$i) $`{echo x} $% $-x $x^.c $"(a)');
  });
  test('a bad fd spec is an error, never a word', () => {
    for (const s of ['echo >[x]f', 'echo >[ 1 ]f', 'echo |[1=] cat', 'cat <<[x]E\nE\n']) expect(() => parse(s), s).toThrow(RcSyntaxError);
  });
  test('! and @ may stand before an empty command', () => {
    expect(parse('! ; @')).toMatchObject([{ t: 'seq', cmds: [{ t: 'not' }, { t: 'subshell' }] }]);
  });
  test('# starts a comment even inside a word; $# counts', () => {
    expect(show('echo a#b')).toBe('echo a');
    expect(show('echo $#x')).toBe('echo $#x');
  });
  test('backslash-newline continues a line', () => {
    expect(show('echo a \\\nb')).toBe('echo a b');
  });
  test("quotes: '' inside quotes is one quote", () => {
    expect(parse("echo 'it''s'")[0]).toMatchObject({ words: [{}, { s: "it's", q: true }] });
  });
});

describe('here documents', () => {
  test('the body is cut out and the line count kept', () => {
    const c = cutHeredocs('cat <<EOF\nhi\nthere\nEOF\necho after\n');
    expect(c.text.split('\n').length).toBe(6);
    expect([...c.heredocs.values()][0].body).toBe('hi\nthere\n');
  });
  test('two on one line take bodies in order', () => {
    const cmds = parse("cat <<A <<'B'\n1\nA\n$2\nB\n");
    expect(cmds[0]).toMatchObject({ redirs: [{ t: 'here', tag: 'A', body: '1\n', quoted: false }, { t: 'here', tag: 'B', body: '$2\n', quoted: true }] });
  });
  test('<< inside quotes or comments is not a here document', () => {
    expect(cutHeredocs("echo '<<X'\n# <<Y\necho ok\n").heredocs.size).toBe(0);
  });
});

describe('syntax errors', () => {
  test('name the line, column and token', () => {
    const { lines, error } = parseLines('echo one\necho two\necho }\n');
    expect(lines).toHaveLength(2);
    expect(error).toMatchObject({ line: 3, col: 6, token: "'}'", incomplete: false });
  });
  test('input ending inside a construct is incomplete (an interactive reader asks for more)', () => {
    expect(parseLines('if(true){\necho a\n').error?.incomplete).toBe(true);
    expect(parseLines("echo 'open\n").error?.incomplete).toBe(true);
    expect(parseLines('a |\n').error?.incomplete).toBe(true);
  });
});
