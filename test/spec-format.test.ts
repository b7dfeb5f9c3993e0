import { describe, expect, test } from 'vitest';
import { antsExpect, formatCase, normalizeRefStderr, parseSpec, SpecFormatError } from './spec-format.js';

const sample = `# a header comment

#### first case
x=(a b)
echo $x

## stdout: a b

#### second case
echo one
echo two >[1=2]
## STDOUT:
one
## END
## STDERR:
two

## END
## status: 3
## flags: -e -x
## args: p q  r
## setup: touch a.c
## STDIN:
line 1
## END

#### third case
echo \`:{echo a:b}
## ref: skip 9front syntax
## stdout: a b
## ants-stderr: TODO-syntax
## ants-status: 0
## why: not in 9base

#### no expectations at all
true


`;

describe('parseSpec', () => {
  const cases = parseSpec(sample, 'sample.rcspec');

  test('finds every case with its line number', () => {
    expect(cases.map((c) => [c.name, c.line])).toEqual([
      ['first case', 3],
      ['second case', 9],
      ['third case', 27],
      ['no expectations at all', 35],
    ]);
  });

  test('reads the script up to the first directive, without trailing blank lines', () => {
    expect(cases[0]!.script).toBe('x=(a b)\necho $x\n');
    expect(cases[3]!.script).toBe('true\n');
  });

  test('one-line and block expectations', () => {
    expect(cases[0]!.expect).toEqual({ stdout: 'a b\n', stderr: '', status: 0 });
    expect(cases[1]!.expect).toEqual({ stdout: 'one\n', stderr: 'two\n\n', status: 3 });
    expect(cases[3]!.expect).toEqual({ stdout: '', stderr: '', status: 0 });
  });

  test('flags, args, setup and stdin', () => {
    const c = cases[1]!;
    expect(c.flags).toEqual(['-e', '-x']);
    expect(c.args).toEqual(['p', 'q', 'r']);
    expect(c.setup).toBe('touch a.c');
    expect(c.stdin).toBe('line 1\n');
    expect(cases[0]!.stdin).toBeUndefined();
  });

  test('ref skips and ants overrides', () => {
    const c = cases[2]!;
    expect(c.refSkip).toBe('9front syntax');
    expect(c.why).toBe('not in 9base');
    expect(c.ants).toEqual({ stderr: 'TODO-syntax\n', status: 0 });
    expect(antsExpect(c)).toEqual({ stdout: 'a b\n', stderr: 'TODO-syntax\n', status: 0 });
    expect(antsExpect(cases[0]!)).toEqual(cases[0]!.expect);
  });

  test('formatCase writes what parseSpec reads', () => {
    const text = cases.map(formatCase).join('\n');
    const again = parseSpec(text, 'sample.rcspec');
    expect(again.map(({ line: _l, ...rest }) => rest)).toEqual(cases.map(({ line: _l, ...rest }) => rest));
  });
});

describe('malformed files', () => {
  const bad = (text: string) => () => parseSpec(text, 'bad.rcspec');

  test('an ants override without a why names the file and line', () => {
    const text = '#### a\necho hi\n## stdout: hi\n## ants-stdout: ho\n';
    expect(bad(text)).toThrow(SpecFormatError);
    expect(bad(text)).toThrow(/^bad\.rcspec:4: .*no "## why:" line/);
  });

  test('a ref skip without a why', () => {
    expect(bad('#### a\necho\n## ref: skip no reason given\n')).toThrow(/bad\.rcspec:3: .*why/);
  });

  test('a ref line that is not a skip', () => {
    expect(bad('#### a\necho\n## ref: maybe\n## why: x\n')).toThrow(/bad\.rcspec:3: .*skip/);
  });

  test('a why with nothing to explain', () => {
    expect(bad('#### a\necho\n## why: because\n')).toThrow(/bad\.rcspec:3:/);
  });

  test('an unknown directive', () => {
    expect(bad('#### a\necho\n## stdot: x\n')).toThrow(/bad\.rcspec:3: unknown directive/);
  });

  test('a block without an end', () => {
    expect(bad('#### a\necho\n## STDOUT:\nx\n')).toThrow(/bad\.rcspec:3: .*## END/);
  });

  test('a directive given twice, in either form', () => {
    expect(bad('#### a\necho\n## stdout: x\n## STDOUT:\nx\n## END\n')).toThrow(/bad\.rcspec:4: .*twice/);
  });

  test('a stray line after the directives', () => {
    expect(bad('#### a\necho\n## stdout: x\necho more\n')).toThrow(/bad\.rcspec:4: /);
  });

  test('a bad status', () => {
    expect(bad('#### a\necho\n## status: one\n')).toThrow(/bad\.rcspec:3: status/);
  });

  test('duplicate case names', () => {
    expect(bad('#### a\necho\n\n#### a\necho\n')).toThrow(/bad\.rcspec:4: duplicate case name/);
  });

  test('a case with no script', () => {
    expect(bad('#### a\n## stdout: x\n')).toThrow(/bad\.rcspec:1: .*no script/);
  });

  test('text before the first case', () => {
    expect(bad('echo hi\n#### a\necho\n')).toThrow(/bad\.rcspec:1:/);
  });

  test('an empty one-line value', () => {
    expect(bad('#### a\necho\n## stdout:\n')).toThrow(/bad\.rcspec:3: .*block/);
  });
});

test('normalizeRefStderr rewrites only the reference name', () => {
  expect(normalizeRefStderr('rc (/usr/lib/plan9/bin/rc): null list in concatenation\n')).toBe('rc: null list in concatenation\n');
  expect(normalizeRefStderr('f: rc (/usr/lib/plan9/bin/rc): can\'t open: x\nrc: y\n')).toBe("f: rc: can't open: x\nrc: y\n");
});

describe('ref-path: plan9 (the reference finds 9base programs first)', () => {
  test('in the preamble it applies to every case; in a case, to that case', () => {
    const all = parseSpec('# p9\n## ref-path: plan9\n\n#### a\necho\n#### b\necho\n', 'p.rcspec');
    expect(all.map((c) => c.refPath)).toEqual(['plan9', 'plan9']);
    const one = parseSpec('#### a\necho\n## ref-path: plan9\n#### b\necho\n', 'p.rcspec');
    expect(one.map((c) => c.refPath)).toEqual(['plan9', undefined]);
    expect(formatCase(one[0]!)).toContain('## ref-path: plan9\n');
  });
  test('any other value, or any other directive in the preamble, is an error', () => {
    expect(() => parseSpec('#### a\necho\n## ref-path: gnu\n', 'p.rcspec')).toThrow(/p\.rcspec:3: .*ref-path: plan9/);
    expect(() => parseSpec('## stdout: x\n#### a\necho\n', 'p.rcspec')).toThrow(/p\.rcspec:1: directive before/);
  });
});
