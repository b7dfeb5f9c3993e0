// Property: printing a syntax tree and parsing the text gives the same tree back.
// Trees are generated the way the grammar can produce them (a compound command never
// stands left of && or |, whose right side it would swallow), then compared after
// normalising what printing legitimately changes: how carets and pipes group, and quotes
// on words that need none.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { Cmd, Redir, Word } from '../shell/ast.js';
import { parse } from '../shell/parse.js';
import { printCmd } from '../shell/print.js';
import { quote } from '../builtins/quote.js';

const KW = new Set(['for', 'in', 'while', 'if', 'not', 'switch', 'fn', '~', '!', '@', 'case']);
const bare = fc.stringMatching(/^[a-z0-9._\/+,-]{1,6}$/).filter((s) => !KW.has(s));
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,4}$/).filter((s) => !KW.has(s));
const anyText = fc.string({ maxLength: 6 });

function words(depth: number): fc.Arbitrary<Word> {
  const leaf: fc.Arbitrary<Word>[] = [
    bare.map((s) => ({ t: 'lit', s, q: false }) as Word),
    anyText.map((s) => ({ t: 'lit', s, q: true }) as Word),
    name.map((n) => ({ t: 'var', name: { t: 'lit', s: n, q: false }, sub: null }) as Word),
    name.map((n) => ({ t: 'count', name: { t: 'lit', s: n, q: false } }) as Word),
    name.map((n) => ({ t: 'flat', name: { t: 'lit', s: n, q: false } }) as Word),
  ];
  if (depth <= 0) return fc.oneof(...leaf);
  const w = words(depth - 1);
  return fc.oneof(
    ...leaf,
    fc.tuple(w, w).map(([l, r]) => ({ t: 'cat', l, r }) as Word),
    fc.array(w, { maxLength: 3 }).map((items) => ({ t: 'list', items }) as Word),
    fc
      .tuple(name, fc.array(fc.constantFrom('1', '2-', '1-3'), { minLength: 1, maxLength: 2 }))
      .map(([n, sub]) => ({ t: 'var', name: { t: 'lit', s: n, q: false }, sub: sub.map((s) => ({ t: 'lit', s, q: false })) }) as Word),
    simpleCmd(0).map((body) => ({ t: 'bq', sep: null, body }) as Word),
    // $ applied to any word: a quoted name, a computed name $(…), $`{…}.
    anyText.map((s) => ({ t: 'var', name: { t: 'lit', s, q: true }, sub: null }) as Word),
    fc.tuple(fc.constantFrom('var', 'count', 'flat'), fc.array(w, { minLength: 1, maxLength: 2 })).map(
      ([t, items]) => (t === 'var' ? { t, name: { t: 'list', items }, sub: null } : { t, name: { t: 'list', items } }) as Word,
    ),
    simpleCmd(0).map((body) => ({ t: 'var', name: { t: 'bq', sep: null, body }, sub: null }) as Word),
    fc.tuple(fc.constantFrom<'<' | '>'>('<', '>'), simpleCmd(0)).map(([dir, body]) => ({ t: 'pipefd', dir, body }) as Word),
  );
}

const redir: fc.Arbitrary<Redir> = fc.oneof(
  fc.tuple(fc.constantFrom<'<' | '>' | '>>' | '<>'>('<', '>', '>>', '<>'), fc.nat(3), bare).map(
    ([op, fd, s]) => ({ t: 'file', op, fd, word: { t: 'lit', s, q: false } }) as Redir,
  ),
  fc.tuple(fc.nat(3), fc.option(fc.nat(3), { nil: null })).map(([fd, to]) => ({ t: 'dup', fd, to }) as Redir),
);

function simpleCmd(depth: number): fc.Arbitrary<Cmd> {
  const first = bare.map((s) => ({ t: 'lit', s, q: false }) as Word);
  return fc
    .tuple(first, fc.array(words(depth), { maxLength: 3 }), fc.array(redir, { maxLength: 2 }))
    .map(([f, rest, redirs]) => ({ t: 'simple', words: [f, ...rest], redirs }) as Cmd);
}

/** Commands that may stand left of && || | (no compound, whose body would swallow them). */
function unary(depth: number): fc.Arbitrary<Cmd> {
  const s = simpleCmd(1);
  if (depth <= 0) return s;
  const u = unary(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: s },
    { weight: 1, arbitrary: fc.tuple(u, u).map(([l, r]) => ({ t: 'pipe', l: pipeElem(l), r: pipeElem(r), lfd: 1, rfd: 0 }) as Cmd) },
    { weight: 1, arbitrary: u.map((cmd) => ({ t: 'not', cmd }) as Cmd) },
    { weight: 1, arbitrary: u.map((cmd) => ({ t: 'subshell', cmd }) as Cmd) },
    { weight: 1, arbitrary: fc.tuple(name, words(1), fc.option(u, { nil: null })).map(([n, value, cmd]) => ({ t: 'assign', name: { t: 'lit', s: n, q: false }, value, cmd }) as Cmd) },
    { weight: 1, arbitrary: stmts(depth - 1).map((body) => ({ t: 'block', body, redirs: [] }) as Cmd) },
    { weight: 1, arbitrary: fc.tuple(words(1), fc.array(words(1), { maxLength: 2 })).map(([subject, pats]) => ({ t: 'match', subject, pats }) as Cmd) },
  );
}

/** A pipe member must be a simple command or block; wrap anything else in braces. */
function pipeElem(c: Cmd): Cmd {
  return c.t === 'simple' || c.t === 'block' || c.t === 'pipe' ? c : { t: 'block', body: c, redirs: [] };
}

function stmt(depth: number): fc.Arbitrary<Cmd> {
  const u = unary(depth);
  const andor = fc
    .tuple(u, fc.array(fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), u), { maxLength: 2 }))
    .map(([first, rest]) => rest.reduce<Cmd>((l, [t, r]) => ({ t, l, r }), first));
  if (depth <= 0) return andor;
  const body = stmt(depth - 1);
  return fc.oneof(
    { weight: 5, arbitrary: andor },
    { weight: 1, arbitrary: fc.tuple(body, body).map(([cond, b]) => ({ t: 'if', cond, body: b }) as Cmd) },
    { weight: 1, arbitrary: body.map((b) => ({ t: 'ifnot', body: b }) as Cmd) },
    { weight: 1, arbitrary: fc.tuple(name, fc.option(fc.array(words(1), { maxLength: 3 }), { nil: null }), body).map(([v, list, b]) => ({ t: 'for', v: { t: 'lit', s: v, q: false }, list, body: b }) as Cmd) },
    { weight: 1, arbitrary: fc.tuple(body, body).map(([cond, b]) => ({ t: 'while', cond, body: b }) as Cmd) },
    { weight: 1, arbitrary: fc.tuple(words(1), stmts(depth - 1)).map(([subject, b]) => ({ t: 'switch', subject, body: b }) as Cmd) },
    { weight: 1, arbitrary: fc.tuple(name, stmts(depth - 1)).map(([n, b]) => ({ t: 'fn', names: [{ t: 'lit', s: n, q: false }], body: b }) as Cmd) },
  );
}

/** A command list; `&` belongs to the list (it would take in a compound's whole body). */
function stmts(depth: number): fc.Arbitrary<Cmd | null> {
  const item = fc.oneof({ weight: 4, arbitrary: stmt(depth) }, { weight: 1, arbitrary: unary(depth).map((cmd) => ({ t: 'async', cmd }) as Cmd) });
  return fc.array(item, { maxLength: 3 }).map((cs) => (cs.length === 0 ? null : cs.length === 1 ? cs[0] : { t: 'seq', cmds: cs }));
}

/** Flatten carets and pipelines, and drop needless quotes. */
function norm(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(norm);
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  if (o.t === 'cat') {
    const parts: unknown[] = [];
    const walk = (w: Word): void => {
      if (w.t === "cat") {
        walk(w.l);
        walk(w.r);
      } else parts.push(norm(w));
    };
    walk(o as unknown as Word);
    return { t: 'cat*', parts };
  }
  if (o.t === 'pipe') {
    // a|b|c groups either way with the same meaning.
    const parts: unknown[] = [];
    const walk = (c: Cmd): void => {
      if (c.t === 'pipe') {
        walk(c.l);
        parts.push([c.lfd, c.rfd]);
        walk(c.r);
      } else parts.push(norm(c));
    };
    walk(o as unknown as Cmd);
    return { t: 'pipe*', parts };
  }
  if (o.t === 'lit') return { t: 'lit', s: o.s, q: (o.q as boolean) && quote(o.s as string) !== o.s };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = norm(v);
  return out;
}

describe('print then parse', () => {
  test('gives back the tree', () => {
    fc.assert(
      fc.property(stmts(3), (tree) => {
        const text = printCmd(tree);
        const back = parse(text, false);
        const again = back.length === 0 ? null : back.length === 1 ? back[0] : { t: 'seq', cmds: back };
        expect(norm(again)).toEqual(norm(tree));
      }),
      { numRuns: 400 },
    );
  });

  test('printing is stable', () => {
    fc.assert(
      fc.property(stmts(3), (tree) => {
        const once = printCmd(tree);
        const b = parse(once, false);
        const twice = printCmd(b.length === 1 ? b[0] : b.length === 0 ? null : { t: 'seq', cmds: b });
        expect(twice).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});
