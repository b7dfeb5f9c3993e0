// The line editor, key by key: each test types raw terminal input (as a terminal sends
// it) through the key decoder into the pure editor and looks at the line and cursor.
import { describe, expect, it } from 'vitest';
import { KeyDecoder, type Key } from '../../shell/ui/keys.js';
import { complete, initial, reduce, suggestion, type EditorState, type Effect } from '../../shell/ui/editor.js';

const C = (c: string) => String.fromCharCode(c.charCodeAt(0) - 96);
const M = (c: string) => '\x1b' + c;
const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DEL = '\x1b[3~';
const BS = '\x7f';

function keysOf(raw: string): Key[] {
  const d = new KeyDecoder();
  return [...d.push(raw), ...d.flush()];
}

/** Type raw input into st; the state after, and every effect asked for. */
function type(raw: string, st: EditorState = initial(), history: readonly string[] = []) {
  const effects: Effect[] = [];
  for (const k of keysOf(raw)) {
    const r = reduce(st, k, history);
    st = r.state;
    if (r.effect) effects.push(r.effect);
  }
  return { st, effects };
}

/** The line with | at the cursor. */
const show = (st: EditorState) => st.buf.slice(0, st.cur) + '|' + st.buf.slice(st.cur);
const line = (raw: string, history: readonly string[] = []) => show(type(raw, initial(), history).st);

describe('typing and moving', () => {
  it('inserts text at the cursor', () => {
    expect(line('echo hi')).toBe('echo hi|');
    expect(line('echo hi' + LEFT + LEFT + 'X')).toBe('echo X|hi');
  });
  it('Ctrl-A and Ctrl-E go to the start and end; Home and End too', () => {
    expect(line('echo hi' + C('a'))).toBe('|echo hi');
    expect(line('echo hi' + C('a') + C('e'))).toBe('echo hi|');
    expect(line('echo hi' + HOME)).toBe('|echo hi');
    expect(line('echo hi' + HOME + END)).toBe('echo hi|');
    expect(line('echo hi' + '\x1b[1~')).toBe('|echo hi');
    expect(line('echo hi' + '\x1bOH' + '\x1b[4~')).toBe('echo hi|');
  });
  it('Ctrl-B and Ctrl-F, Left and Right move a character', () => {
    expect(line('abc' + C('b') + C('b'))).toBe('a|bc');
    expect(line('abc' + C('b') + C('b') + C('f'))).toBe('ab|c');
    expect(line('abc' + LEFT + LEFT + LEFT + LEFT)).toBe('|abc');
    expect(line('abc' + RIGHT)).toBe('abc|');
  });
  it('Alt-B and Alt-F move by words', () => {
    expect(line('echo foo/bar baz' + M('b'))).toBe('echo foo/bar |baz');
    expect(line('echo foo/bar baz' + M('b') + M('b'))).toBe('echo foo/|bar baz');
    expect(line('echo foo bar' + C('a') + M('f'))).toBe('echo| foo bar');
    expect(line('echo foo bar' + C('a') + M('f') + M('f'))).toBe('echo foo| bar');
    // Ctrl-Left and Ctrl-Right, as xterm sends them, do the same.
    expect(line('echo foo' + '\x1b[1;5D')).toBe('echo |foo');
    expect(line('echo foo' + C('a') + '\x1b[1;5C')).toBe('echo| foo');
  });
  it('moves over a surrogate pair as one character', () => {
    expect(line('a😀b' + LEFT + LEFT)).toBe('a|😀b');
    expect(line('a😀' + BS)).toBe('a|');
  });
});

describe('deleting', () => {
  it('Backspace deletes before the cursor, Delete at it', () => {
    expect(line('abc' + BS)).toBe('ab|');
    expect(line('abc' + LEFT + BS)).toBe('a|c');
    expect(line('abc' + LEFT + DEL)).toBe('ab|');
    expect(line('abc' + HOME + DEL)).toBe('|bc');
    // Ctrl-H is Backspace too.
    expect(line('abc' + '\x08')).toBe('ab|');
  });
  it('Ctrl-D deletes at the cursor, and on an empty line ends input', () => {
    expect(line('abc' + HOME + C('d'))).toBe('|bc');
    expect(type(C('d')).effects).toEqual(['eof']);
    expect(type('x' + C('d')).effects).toEqual([]);
  });
});

describe('killing and yanking', () => {
  it('Ctrl-K kills to the end, Ctrl-Y yanks it back', () => {
    const { st } = type('echo hello world' + M('b') + C('k'));
    expect(show(st)).toBe('echo hello |');
    expect(st.ring).toEqual(['world']);
    expect(show(type(C('a') + C('y'), st).st)).toBe('world|echo hello ');
  });
  it('Ctrl-U kills to the start of the line', () => {
    const { st } = type('echo hello' + LEFT + LEFT + C('u'));
    expect(show(st)).toBe('|lo');
    expect(st.ring).toEqual(['echo hel']);
  });
  it('Ctrl-W kills the blank-separated word before the cursor', () => {
    expect(line('ls /usr/lib/x ' + C('w'))).toBe('ls |');
    expect(type('ls /usr/lib/x' + C('w')).st.ring).toEqual(['/usr/lib/x']);
  });
  it('Alt-Backspace and Alt-D kill words', () => {
    expect(line('ls /usr/lib' + M('\x7f'))).toBe('ls /usr/|');
    expect(line('echo foo bar' + C('a') + M('d'))).toBe('| foo bar');
  });
  it('consecutive kills join into one ring entry', () => {
    const { st } = type('one two three' + C('w') + C('w'));
    expect(st.ring).toEqual(['two three']);
    const fwd = type('one two three' + C('a') + M('d') + M('d'));
    expect(fwd.st.ring).toEqual(['one two']);
  });
  it('Alt-Y after a yank rotates through the ring', () => {
    let { st } = type('aaa bbb' + C('w'));
    ({ st } = type(C('e') + C('u'), st));
    expect(st.ring).toEqual(['bbb', 'aaa ']);
    ({ st } = type(C('y'), st));
    expect(show(st)).toBe('aaa |');
    ({ st } = type(M('y'), st));
    expect(show(st)).toBe('bbb|');
    ({ st } = type(M('y'), st));
    expect(show(st)).toBe('aaa |');
  });
  it('Ctrl-T transposes characters', () => {
    expect(line('ab' + C('t'))).toBe('ba|');
    expect(line('abc' + LEFT + C('t'))).toBe('acb|');
  });
});

describe('ending a line', () => {
  it('Enter submits; Ctrl-C cancels', () => {
    expect(type('echo hi\r').effects).toEqual(['submit']);
    expect(type('echo hi' + C('c')).effects).toEqual(['cancel']);
  });
  it('a pasted chunk with a line end runs the line, and the rest waits', () => {
    const keys = keysOf('echo hi\recho two\r');
    expect(keys.map((k) => k.name)).toEqual(['insert', 'enter', 'insert', 'enter']);
    const r = type('echo hi\r');
    expect(r.st.buf).toBe('echo hi');
  });
  it('a bracketed paste of many lines goes into the line without running', () => {
    const { st, effects } = type('\x1b[200~echo a\r\necho b\necho c\n\x1b[201~');
    expect(effects).toEqual([]);
    expect(st.buf).toBe('echo a\necho b\necho c');
  });
  it('Up and Down move between the lines of a multi-line buffer', () => {
    const { st } = type('\x1b[200~ab\ncdef\x1b[201~');
    expect(show(type(UP, st).st)).toBe('ab|\ncdef');
    expect(show(type(UP + C('a') + DOWN, st).st)).toBe('ab\n|cdef');
  });
});

describe('history', () => {
  const hist = ['ls', 'echo one', 'cat x', 'echo two', 'echo one'];
  it('Up recalls older entries, skipping ones already shown', () => {
    expect(line(UP, hist)).toBe('echo one|');
    expect(line(UP + UP, hist)).toBe('echo two|');
    expect(line(UP + UP + UP, hist)).toBe('cat x|');
    expect(line(UP + UP + UP + UP + UP, hist)).toBe('ls|');
    expect(line(UP + UP + UP + UP + UP + UP, hist)).toBe('ls|');
  });
  it('Up searches by the prefix typed before it', () => {
    expect(line('echo' + UP, hist)).toBe('echo one|');
    expect(line('echo' + UP + UP, hist)).toBe('echo two|');
    expect(line('echo' + UP + UP + UP, hist)).toBe('echo two|');
    expect(line('c' + C('p'), hist)).toBe('cat x|');
  });
  it('Down goes back, and past the newest restores what was typed', () => {
    expect(line('echo' + UP + UP + DOWN, hist)).toBe('echo one|');
    expect(line('echo' + UP + UP + DOWN + DOWN, hist)).toBe('echo|');
    expect(line('echo' + UP + C('n'), hist)).toBe('echo|');
  });
  it('editing a recalled entry ends the walk', () => {
    const { st } = type(UP + 'X', initial(), hist);
    expect(st.walk).toBeNull();
    expect(show(st)).toBe('echo oneX|');
  });
});

describe('Ctrl-R search', () => {
  const hist = ['make test', 'git status', 'make bench', 'ls'];
  it('finds the newest entry holding the query, and older ones on Ctrl-R', () => {
    let { st } = type(C('r') + 'make', initial(), hist);
    expect(st.search?.query).toBe('make');
    expect(st.buf).toBe('make bench');
    ({ st } = type(C('r'), st, hist));
    expect(st.buf).toBe('make test');
    ({ st } = type(C('r'), st, hist));
    expect(st.buf).toBe('make test');
  });
  it('Backspace shortens the query; a miss is reported', () => {
    let { st } = type(C('r') + 'zz', initial(), hist);
    expect(st.search?.index).toBe(-1);
    ({ st } = type(BS + BS + 'st', st, hist));
    expect(st.buf).toBe('git status');
  });
  it('Enter runs the match; other keys take it into the line', () => {
    const r = type(C('r') + 'git\r', initial(), hist);
    expect(r.effects).toEqual(['submit']);
    expect(r.st.buf).toBe('git status');
    const e = type(C('r') + 'git' + C('e') + ' -s', initial(), hist);
    expect(e.st.search).toBeNull();
    expect(show(e.st)).toBe('git status -s|');
  });
  it('Ctrl-G or Escape gives back the line as it was', () => {
    expect(line('abc' + C('r') + 'make' + C('g'), hist)).toBe('abc|');
    const d = new KeyDecoder();
    let st = type('abc' + C('r') + 'make', initial(), hist).st;
    for (const k of [...d.push('\x1b'), ...d.flush()]) st = reduce(st, k, hist).state;
    expect(show(st)).toBe('abc|');
  });
});

describe('autosuggestion', () => {
  const hist = ['echo hello world', 'ls -l'];
  it('suggests the rest of the newest entry extending the line', () => {
    expect(suggestion(type('echo h').st, hist)).toBe('ello world');
    expect(suggestion(type('cat').st, hist)).toBe('');
    expect(suggestion(type('echo h' + LEFT).st, hist)).toBe('');
  });
  it('Right, Ctrl-F and End accept it; Alt-F accepts a word', () => {
    expect(line('echo h' + RIGHT, hist)).toBe('echo hello world|');
    expect(line('echo h' + C('f'), hist)).toBe('echo hello world|');
    expect(line('echo h' + END, hist)).toBe('echo hello world|');
    expect(line('echo h' + M('f'), hist)).toBe('echo hello|');
  });
});

describe('completion', () => {
  const items = (...names: string[]) => names.map((n) => ({ text: n, label: n, suffix: n.endsWith('/') ? '' : ' ' }));
  it('Tab asks for completions', () => {
    expect(type('ls sh\t').effects).toEqual(['complete']);
  });
  it('one choice goes in with its suffix', () => {
    const st = type('ls sh').st;
    const next = complete(st, { buf: 'ls sh', cur: 5, start: 3, end: 5, items: [{ text: 'shell', label: 'shell/', suffix: '/' }] });
    expect(show(next)).toBe('ls shell/|');
  });
  it('many choices: the common part goes in and a menu opens; Tab cycles', () => {
    const st = type('ls ma').st;
    let next = complete(st, { buf: 'ls ma', cur: 5, start: 3, end: 5, items: items('machine.ts', 'main.ts') });
    expect(show(next)).toBe('ls ma|');
    next = complete(type('ls m').st, { buf: 'ls m', cur: 4, start: 3, end: 4, items: items('machine.ts', 'main.ts') });
    expect(show(next)).toBe('ls ma|');
    expect(next.menu?.items.length).toBe(2);
    next = type('\t', next).st;
    expect(show(next)).toBe('ls machine.ts|');
    next = type('\t', next).st;
    expect(show(next)).toBe('ls main.ts|');
    next = type('\x1b[Z', next).st;
    expect(show(next)).toBe('ls machine.ts|');
    // Enter takes the choice without running the line; the menu closes.
    const r = type('\r', next);
    expect(r.effects).toEqual([]);
    expect(r.st.menu).toBeNull();
  });
  it('an answer for a line since changed is dropped', () => {
    const st = type('ls x').st;
    expect(complete(st, { buf: 'ls', cur: 2, start: 2, end: 2, items: items('a') })).toBe(st);
  });
});

describe('other keys', () => {
  it('Ctrl-L asks for a clear screen', () => {
    expect(type('ab' + C('l')).effects).toEqual(['clear']);
  });
  it('Alt-Enter inserts a newline', () => {
    expect(line('a' + M('\r') + 'b')).toBe('a\nb|');
  });
});
