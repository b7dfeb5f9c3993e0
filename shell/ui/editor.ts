/*
 * The line editor as a pure state machine: reduce(state, key, history) gives the next
 * state and at most one effect for the caller to carry out (run the line, drop it, end
 * the session, look for completions, clear the screen). Nothing here touches a terminal,
 * a file or the shell, so every key is unit-tested by feeding it in.
 *
 * The state: the buffer (it may hold newlines, from a paste or a recalled multi-line
 * entry) and the cursor, an offset into it; the kill ring, whose newest entry Ctrl-Y
 * yanks and Alt-Y then rotates, consecutive kills growing one entry as in Emacs; a
 * history walk (Up/Down find entries that start with what was typed when the walk began,
 * skipping ones already shown, and Down past the newest gives back that text); an
 * incremental search (Ctrl-R: the newest entry holding the query, Ctrl-R again for the
 * next older one); and an open completion menu, which a further Tab cycles through.
 *
 * The autosuggestion (fish's grey text) is derived, not stored: suggestion() finds the
 * newest history entry that extends the buffer, and Right, Ctrl-F or End at the end of
 * the line take it, Alt-F one word of it.
 */
import type { Key } from './keys.js';

export interface HistoryWalk {
  /** The text typed when the walk began: entries must start with it. */
  readonly prefix: string;
  /** Index of the entry shown, or history.length for the typed text itself. */
  readonly index: number;
  readonly seen: readonly string[];
}

export interface Search {
  readonly query: string;
  /** Index of the matching entry, or -1 when nothing matches. */
  readonly index: number;
  /** The buffer before the search, for Ctrl-G / Escape. */
  readonly saved: string;
  readonly savedCursor: number;
}

export interface CompletionItem {
  /** What goes into the line, quoted as rc needs. */
  readonly text: string;
  /** What the menu shows. */
  readonly label: string;
  /** Appended when this is the only choice: '/' after a directory, ' ' otherwise. */
  readonly suffix: string;
}

export interface Menu {
  readonly items: readonly CompletionItem[];
  /** The span of the line the selected item replaces. */
  readonly start: number;
  readonly end: number;
  /** The item in the line, or -1 before the first further Tab. */
  readonly selected: number;
}

export interface EditorState {
  readonly buf: string;
  readonly cur: number;
  readonly ring: readonly string[];
  /** The last key killed text (so the next kill joins it), or yanked (for Alt-Y). */
  readonly last: 'kill' | 'yank' | null;
  /** The span the last yank inserted and which ring entry it was. */
  readonly yanked: { readonly start: number; readonly end: number; readonly index: number } | null;
  readonly walk: HistoryWalk | null;
  readonly search: Search | null;
  readonly menu: Menu | null;
}

export type Effect = 'submit' | 'cancel' | 'eof' | 'complete' | 'clear';

export interface Result {
  state: EditorState;
  effect?: Effect;
}

/** A completion answer, for the line as it was when Tab asked. */
export interface Completion {
  readonly buf: string;
  readonly cur: number;
  readonly start: number;
  readonly end: number;
  readonly items: readonly CompletionItem[];
}

const RING_MAX = 30;

export function initial(buf = '', ring: readonly string[] = []): EditorState {
  return { buf, cur: buf.length, ring, last: null, yanked: null, walk: null, search: null, menu: null };
}

const isWordChar = (c: string) => /[\p{L}\p{N}_]/u.test(c);

/** Start of the word before i (Alt-B, Alt-Backspace): skip non-word, then word characters. */
export function wordLeft(s: string, i: number): number {
  while (i > 0 && !isWordChar(s[i - 1])) i--;
  while (i > 0 && isWordChar(s[i - 1])) i--;
  return i;
}

/** End of the word after i (Alt-F, Alt-D). */
export function wordRight(s: string, i: number): number {
  while (i < s.length && !isWordChar(s[i])) i++;
  while (i < s.length && isWordChar(s[i])) i++;
  return i;
}

/** Start of the blank-separated word before i (Ctrl-W, as a Unix tty's werase). */
function bigWordLeft(s: string, i: number): number {
  while (i > 0 && /\s/.test(s[i - 1])) i--;
  while (i > 0 && !/\s/.test(s[i - 1])) i--;
  return i;
}

/** Characters are UTF-16 units except surrogate pairs, which move as one. */
function prevChar(s: string, i: number): number {
  if (i <= 0) return 0;
  const c = s.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

function nextChar(s: string, i: number): number {
  if (i >= s.length) return s.length;
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1;
}

function lineStart(s: string, i: number): number {
  return s.lastIndexOf('\n', i - 1) + 1;
}

function lineEnd(s: string, i: number): number {
  const j = s.indexOf('\n', i);
  return j < 0 ? s.length : j;
}

/** The newest history entry that extends buf, as the text to show after it. */
export function suggestion(st: EditorState, history: readonly string[]): string {
  if (st.buf === '' || st.search || st.cur !== st.buf.length || st.buf.includes('\n')) return '';
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h.length > st.buf.length && h.startsWith(st.buf) && !h.includes('\n')) return h.slice(st.buf.length);
  }
  return '';
}

/** The newest entry at or before index `from` holding query, or -1. */
export function searchBack(history: readonly string[], query: string, from: number): number {
  for (let i = Math.min(from, history.length - 1); i >= 0; i--) if (history[i].includes(query)) return i;
  return -1;
}

function edit(st: EditorState, buf: string, cur: number): EditorState {
  return { ...st, buf, cur, last: null, yanked: null, walk: null, menu: null };
}

function move(st: EditorState, cur: number): EditorState {
  return { ...st, cur, last: null, yanked: null, walk: null, menu: null };
}

function insert(st: EditorState, text: string): EditorState {
  return edit(st, st.buf.slice(0, st.cur) + text + st.buf.slice(st.cur), st.cur + text.length);
}

/** Kill buf[from, to): onto the ring, joining the previous kill when this one follows it. */
function kill(st: EditorState, from: number, to: number): EditorState {
  if (from === to) return { ...st, last: 'kill', menu: null, walk: null };
  const text = st.buf.slice(from, to);
  let ring: string[];
  if (st.last === 'kill' && st.ring.length > 0) {
    ring = st.ring.slice();
    const top = ring[ring.length - 1];
    // Killing backwards puts the text before what was killed; forwards, after.
    ring[ring.length - 1] = from < st.cur ? text + top : top + text;
  } else ring = [...st.ring.slice(-(RING_MAX - 1)), text];
  const next = edit(st, st.buf.slice(0, from) + st.buf.slice(to), from);
  return { ...next, ring, last: 'kill' };
}

function yank(st: EditorState): EditorState {
  if (st.ring.length === 0) return st;
  const index = st.ring.length - 1;
  const text = st.ring[index];
  const next = insert(st, text);
  return { ...next, last: 'yank', yanked: { start: st.cur, end: st.cur + text.length, index } };
}

/** Alt-Y after a yank: replace what was yanked with the next older ring entry. */
function yankPop(st: EditorState): EditorState {
  if (st.last !== 'yank' || !st.yanked || st.ring.length < 2) return st;
  const index = (st.yanked.index - 1 + st.ring.length) % st.ring.length;
  const text = st.ring[index];
  const { start, end } = st.yanked;
  const buf = st.buf.slice(0, start) + text + st.buf.slice(end);
  return { ...edit(st, buf, start + text.length), last: 'yank', yanked: { start, end: start + text.length, index } };
}

/** Up (older = true) or Down along the entries that start with the walk's prefix. */
function walk(st: EditorState, history: readonly string[], older: boolean): EditorState {
  const w: HistoryWalk = st.walk ?? { prefix: st.buf, index: history.length, seen: [st.buf] };
  let i = Math.min(w.index, history.length);
  for (;;) {
    i += older ? -1 : 1;
    if (i < 0) return st.walk ? st : { ...st, walk: w };
    if (i >= history.length) {
      // Past the newest: back to what was typed.
      const back = { ...edit(st, w.prefix, w.prefix.length), walk: null };
      return st.walk ? back : st;
    }
    const h = history[i];
    if (!h.startsWith(w.prefix)) continue;
    if (older && w.seen.includes(h)) continue;
    if (!older && (!w.seen.includes(h) || h === st.buf)) continue;
    const seen = older ? [...w.seen, h] : w.seen;
    return { ...edit(st, h, h.length), walk: { prefix: w.prefix, index: i, seen } };
  }
}

function upDown(st: EditorState, history: readonly string[], up: boolean): EditorState {
  // Inside a multi-line buffer, Up and Down move between its lines first.
  const s = st.buf;
  const ls = lineStart(s, st.cur);
  if (up && ls > 0) {
    const col = st.cur - ls;
    const pls = lineStart(s, ls - 1);
    return move(st, Math.min(pls + col, ls - 1));
  }
  const le = lineEnd(s, st.cur);
  if (!up && le < s.length) {
    const col = st.cur - ls;
    const nle = lineEnd(s, le + 1);
    return move(st, Math.min(le + 1 + col, nle));
  }
  return walk(st, history, up);
}

/** Keys while Ctrl-R's search is on: the query grows or shrinks; other keys end it. */
function searching(st: EditorState, key: Key, history: readonly string[]): Result | null {
  const s = st.search!;
  const show = (q: string, index: number): Result => {
    const h = index >= 0 ? history[index] : st.buf;
    const at = index >= 0 ? Math.max(0, h.indexOf(q)) : st.cur;
    return { state: { ...st, buf: h, cur: at, search: { ...s, query: q, index } } };
  };
  switch (key.name) {
    case 'insert':
    case 'paste': {
      const q = s.query + key.text;
      return show(q, searchBack(history, q, s.index >= 0 ? s.index : history.length - 1));
    }
    case 'backspace': {
      const q = s.query.slice(0, -1);
      return show(q, q === '' ? -1 : searchBack(history, q, history.length - 1));
    }
    case 'C-r': {
      if (s.query === '') return { state: st };
      const i = s.index > 0 ? searchBack(history, s.query, s.index - 1) : -1;
      return i >= 0 ? show(s.query, i) : { state: st };
    }
    case 'C-s': {
      for (let i = s.index + 1; i < history.length; i++) if (history[i].includes(s.query)) return show(s.query, i);
      return { state: st };
    }
    case 'C-g':
    case 'escape':
      return { state: { ...st, buf: s.saved, cur: s.savedCursor, search: null } };
    case 'C-c':
      return { state: { ...st, buf: s.saved, cur: s.savedCursor, search: null }, effect: 'cancel' };
    default:
      // Any other key takes the match into the line and then does what it does.
      return null;
  }
}

/** The menu open and Tab again: put the next item in the line. */
function cycle(st: EditorState, forward: boolean): EditorState {
  const m = st.menu!;
  const n = m.items.length;
  const selected = m.selected < 0 ? (forward ? 0 : n - 1) : (m.selected + (forward ? 1 : n - 1)) % n;
  const text = m.items[selected].text;
  const buf = st.buf.slice(0, m.start) + text + st.buf.slice(m.end);
  const cur = m.start + text.length;
  return { ...st, buf, cur, last: null, yanked: null, walk: null, menu: { ...m, end: cur, selected } };
}

export function reduce(st: EditorState, key: Key, history: readonly string[]): Result {
  if (st.search) {
    const r = searching(st, key, history);
    if (r) return r;
    st = { ...st, search: null };
    if (key.name === 'enter') return { state: st, effect: 'submit' };
  }
  if (st.menu) {
    if (key.name === 'tab' || key.name === 'backtab') return { state: cycle(st, key.name === 'tab') };
    if (key.name === 'escape' || key.name === 'C-g') return { state: { ...st, menu: null } };
    // Enter on a chosen item takes it and closes the menu; it does not run the line.
    if (key.name === 'enter' && st.menu.selected >= 0) return { state: { ...st, menu: null } };
    st = { ...st, menu: null };
  }
  const { buf, cur } = st;
  switch (key.name) {
    case 'insert':
      return { state: insert(st, key.text) };
    case 'paste':
      return { state: insert(st, key.text) };
    case 'enter':
      return { state: { ...st, walk: null }, effect: 'submit' };
    case 'M-enter':
      return { state: insert(st, '\n') };
    case 'tab':
      return { state: st, effect: 'complete' };
    case 'C-c':
      return { state: st, effect: 'cancel' };
    case 'C-d':
      if (buf === '') return { state: st, effect: 'eof' };
      return { state: edit(st, buf.slice(0, cur) + buf.slice(nextChar(buf, cur)), cur) };
    case 'delete':
      return { state: edit(st, buf.slice(0, cur) + buf.slice(nextChar(buf, cur)), cur) };
    case 'backspace':
    case 'C-h': {
      const p = prevChar(buf, cur);
      return { state: edit(st, buf.slice(0, p) + buf.slice(cur), p) };
    }
    case 'left':
    case 'C-b':
      return { state: move(st, prevChar(buf, cur)) };
    case 'right':
    case 'C-f':
    case 'end':
    case 'C-e': {
      const sug = suggestion(st, history);
      if (sug && cur === buf.length) return { state: insert(st, sug) };
      if (key.name === 'right' || key.name === 'C-f') return { state: move(st, nextChar(buf, cur)) };
      return { state: move(st, lineEnd(buf, cur)) };
    }
    case 'home':
    case 'C-a':
      return { state: move(st, lineStart(buf, cur)) };
    case 'M-b':
    case 'word-left':
      return { state: move(st, wordLeft(buf, cur)) };
    case 'M-f':
    case 'word-right': {
      const sug = suggestion(st, history);
      if (sug && cur === buf.length) {
        // Take one word of the suggestion.
        return { state: insert(st, sug.slice(0, wordRight(sug, 0))) };
      }
      return { state: move(st, wordRight(buf, cur)) };
    }
    case 'C-k': {
      const e = lineEnd(buf, cur);
      // At the end of a line inside a multi-line buffer, kill the newline.
      return { state: kill(st, cur, e === cur && e < buf.length ? e + 1 : e) };
    }
    case 'C-u':
      return { state: kill(st, lineStart(buf, cur), cur) };
    case 'C-w':
      return { state: kill(st, bigWordLeft(buf, cur), cur) };
    case 'M-backspace':
      return { state: kill(st, wordLeft(buf, cur), cur) };
    case 'M-d':
      return { state: kill(st, cur, wordRight(buf, cur)) };
    case 'C-y':
      return { state: yank(st) };
    case 'M-y':
      return { state: yankPop(st) };
    case 'C-t': {
      // Swap the characters before and at the cursor (the last two at the end).
      if (buf.length < 2 || cur === 0) return { state: st };
      const at = cur === buf.length ? cur - 1 : cur;
      const b = buf.slice(0, at - 1) + buf[at] + buf[at - 1] + buf.slice(at + 1);
      return { state: edit(st, b, Math.min(at + 1, b.length)) };
    }
    case 'up':
    case 'C-p':
      return { state: upDown(st, history, true) };
    case 'down':
    case 'C-n':
      return { state: upDown(st, history, false) };
    case 'C-r':
      return { state: { ...st, walk: null, last: null, search: { query: '', index: -1, saved: buf, savedCursor: cur } } };
    case 'C-l':
      return { state: st, effect: 'clear' };
    case 'escape':
      return { state: st };
    default:
      return { state: st };
  }
}

/** Put a completion answer into the line: the one choice, or the common part and a menu. */
export function complete(st: EditorState, c: Completion): EditorState {
  if (c.buf !== st.buf || c.cur !== st.cur || c.items.length === 0) return st;
  const replace = (text: string): EditorState => edit(st, st.buf.slice(0, c.start) + text + st.buf.slice(c.end), c.start + text.length);
  if (c.items.length === 1) return replace(c.items[0].text + c.items[0].suffix);
  const common = commonPrefix(c.items.map((i) => i.text));
  const word = st.buf.slice(c.start, c.end);
  const next = common.length > word.length ? replace(common) : st;
  return { ...next, menu: { items: c.items, start: c.start, end: next.cur, selected: -1 } };
}

export function commonPrefix(xs: readonly string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0];
  for (const x of xs) {
    let i = 0;
    while (i < p.length && i < x.length && p[i] === x[i]) i++;
    p = p.slice(0, i);
  }
  // Do not end inside a surrogate pair.
  const last = p.charCodeAt(p.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? p.slice(0, -1) : p;
}
