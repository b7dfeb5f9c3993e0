/*
 * Source text -> syntax trees.
 *
 * Here documents are the one part of rc's syntax that is not context-free: a body starts
 * after the newline that ends the line holding its <<tag. cutHeredocs() finds them with a
 * small scan that knows only what can hide a << (quotes and comments), lifts the bodies
 * out, and leaves their newlines behind so line and column numbers stay true; the grammar
 * finds each body again by the offset of its <<.
 *
 * rc runs a script line by line, so a syntax error stops a script only after the lines
 * before it have run. parseLines() returns the complete lines that parse and, separately,
 * the error in what follows.
 *
 * Two errors rc finds when it compiles a line, not in its grammar, are found here too, so
 * they have a place and stop a script before the line runs: a switch whose body does not
 * start with a case, and an `if not' that does not follow an if. The second is rc's
 * iflast rule (its code.c): every command but `if not' and a `;' list clears the flag as
 * it starts and, once compiled, sets it to whether it was an if; `if not' and a list set
 * it to whether their first part is an if. It carries from line to line (ParseState).
 */
import { parse as peg, SyntaxError as PegSyntaxError } from '../grammar/rc.js';
import type { Cmd, Redir, SyntaxErrorInfo, Word } from './ast.js';

interface HereDoc {
  body: string;
}

export interface Cut {
  text: string;
  heredocs: Map<number, HereDoc>;
  /** Some here document ran to the end of input without its terminator. */
  openHeredoc: boolean;
}

const WORDBREAK = '\n \t#;&|^$=`\'{}()<>';

export function cutHeredocs(src: string): Cut {
  if (!src.includes('<<')) return { text: src, heredocs: new Map(), openHeredoc: false };
  const heredocs = new Map<number, HereDoc>();
  let out = '';
  let pending: { at: number; tag: string }[] = [];
  let openHeredoc = false;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === "'") {
      const j = src.indexOf("'", i + 1);
      const end = j < 0 ? n : j + 1;
      out += src.slice(i, end);
      i = end;
    } else if (c === '#' && !(i > 0 && src[i - 1] === '$')) {
      let j = src.indexOf('\n', i);
      if (j < 0) j = n;
      out += src.slice(i, j);
      i = j;
    } else if (c === '<' && src[i + 1] === '<') {
      const at = out.length;
      let j = i + 2;
      if (src[j] === '[') {
        const k = src.indexOf(']', j);
        if (k > 0) j = k + 1;
      }
      while (src[j] === ' ' || src[j] === '\t') j++;
      let tag = '';
      if (src[j] === "'") {
        const k = src.indexOf("'", j + 1);
        const end = k < 0 ? n : k;
        tag = src.slice(j + 1, end);
        j = k < 0 ? n : k + 1;
      } else {
        while (j < n && !WORDBREAK.includes(src[j]) && src[j] !== '\\') tag += src[j++];
      }
      pending.push({ at, tag });
      out += src.slice(i, j);
      i = j;
    } else if (c === '\n') {
      out += '\n';
      i++;
      for (const h of pending) {
        let body = '';
        let found = false;
        while (i < n) {
          let j = src.indexOf('\n', i);
          const last = j < 0;
          if (last) j = n;
          const line = src.slice(i, j);
          i = last ? n : j + 1;
          out += last ? '' : '\n';
          if (line === h.tag) {
            found = true;
            break;
          }
          body += line + '\n';
        }
        if (!found) openHeredoc = true;
        heredocs.set(h.at, { body });
      }
      pending = [];
    } else {
      out += c;
      i++;
    }
  }
  if (pending.length > 0) {
    openHeredoc = true;
    for (const h of pending) heredocs.set(h.at, { body: '' });
  }
  return { text: out, heredocs, openHeredoc };
}

function tokenAt(text: string, offset: number): string {
  if (offset >= text.length) return 'EOF';
  const c = text[offset];
  if (c === '\n') return 'newline';
  const two = text.slice(offset, offset + 2);
  if (two === '&&' || two === '||' || two === '>>' || two === '<<' || two === '<>') return `'${two}'`;
  if ('(){};&|^=<>`$\''.includes(c)) return `'${c}'`;
  let j = offset;
  while (j < text.length && !WORDBREAK.includes(text[j])) j++;
  return j > offset ? text.slice(offset, j) : `'${c}'`;
}

export class RcSyntaxError extends Error {
  constructor(readonly info: SyntaxErrorInfo) {
    super(`line ${info.line}:${info.col}: ${info.message ?? `token ${info.token}: syntax error`}`);
  }
}

/** What one parse leaves for the next: whether the last line compiled as an if (rc's iflast). */
export interface ParseState {
  iflast: boolean;
}

class CheckError {
  constructor(
    readonly node: object,
    readonly message: string,
  ) {}
}

function isCase(c: Cmd): boolean {
  return c.t === 'simple' && c.redirs.length === 0 && c.words[0].t === 'lit' && !c.words[0].q && c.words[0].s === 'case';
}

/** Check one top-level line as rc compiles it, in rc's order. */
function checkCmd(c: Cmd | null, st: ParseState): void {
  if (c === null) return;
  const transparent = c.t === 'ifnot' || c.t === 'seq';
  if (!transparent) st.iflast = false;
  const cmd = (x: Cmd | null) => checkCmd(x, st);
  const word = (w: Word | null) => w && checkWord(w, st);
  const redir = (r: Redir) => r.t === 'file' && word(r.word);
  switch (c.t) {
    case 'simple':
      c.words.forEach(word);
      c.redirs.forEach(redir);
      break;
    case 'block':
      cmd(c.body);
      c.redirs.forEach(redir);
      break;
    case 'seq':
      c.cmds.forEach(cmd);
      st.iflast = c.cmds[0].t === 'if';
      return;
    case 'async':
    case 'not':
    case 'subshell':
      cmd(c.cmd);
      break;
    case 'and':
    case 'or':
    case 'pipe':
      cmd(c.l);
      cmd(c.r);
      break;
    case 'redir':
      redir(c.redir);
      cmd(c.cmd);
      break;
    case 'assign':
      word(c.name);
      word(c.value);
      cmd(c.cmd);
      break;
    case 'if':
      cmd(c.cond);
      cmd(c.body);
      break;
    case 'ifnot':
      if (!st.iflast) throw new CheckError(c, "`if not' does not follow `if(...)'");
      cmd(c.body);
      st.iflast = c.body.t === 'if';
      return;
    case 'for':
      word(c.v);
      c.list?.forEach(word);
      cmd(c.body);
      break;
    case 'while':
      cmd(c.cond);
      cmd(c.body);
      break;
    case 'switch':
      word(c.subject);
      if (c.body === null || c.body.t !== 'seq' || !isCase(c.body.cmds[0])) throw new CheckError(c, 'case missing in switch');
      cmd(c.body);
      break;
    case 'match':
      word(c.subject);
      c.pats.forEach(word);
      break;
    case 'fn':
      c.names.forEach(word);
      if (c.body) cmd(c.body);
      break;
  }
  st.iflast = c.t === 'if';
}

/** Commands inside words (`{…}, <{…}) are checked too. */
function checkWord(w: Word, st: ParseState): void {
  switch (w.t) {
    case 'lit':
      return;
    case 'var':
      checkWord(w.name, st);
      w.sub?.forEach((x) => checkWord(x, st));
      return;
    case 'count':
    case 'flat':
      checkWord(w.name, st);
      return;
    case 'cat':
      checkWord(w.l, st);
      checkWord(w.r, st);
      return;
    case 'list':
      w.items.forEach((x) => checkWord(x, st));
      return;
    case 'bq':
      if (w.sep) checkWord(w.sep, st);
      checkCmd(w.body, st);
      return;
    case 'pipefd':
      checkCmd(w.body, st);
      return;
  }
}

/**
 * Check the parsed lines in order; on an error, keep the lines before it and give the
 * error's place. The state is left as the last good line left it.
 */
function checkLines(lines: Line[], places: Map<object, number>, cut: Cut, st: ParseState): { lines: Line[]; error: SyntaxErrorInfo | null } {
  for (let i = 0; i < lines.length; i++) {
    const saved = st.iflast;
    try {
      checkCmd(lines[i].cmd, st);
    } catch (e) {
      if (!(e instanceof CheckError)) throw e;
      st.iflast = saved;
      const at = places.get(e.node) ?? 0;
      const before = cut.text.slice(0, at);
      const line = before.split('\n').length;
      const col = at - (before.lastIndexOf('\n') + 1) + 1;
      return { lines: lines.slice(0, i), error: { line, col, token: '', message: e.message, incomplete: false } };
    }
  }
  return { lines, error: null };
}

function toInfo(e: unknown, cut: Cut, lineBase: number): SyntaxErrorInfo {
  if (e instanceof PegSyntaxError) {
    // A quoted word stuck to ( (rc's SUB out of place) fails at its closing quote; the
    // error is the ( after it.
    const sub = cut.text[e.location.start.offset] === "'" && cut.text[e.location.start.offset + 1] === '(' ? 1 : 0;
    const off = e.location.start.offset + sub;
    const token = tokenAt(cut.text, off);
    return {
      line: e.location.start.line + lineBase,
      col: e.location.start.column + sub,
      token,
      incomplete: token === 'EOF' || cut.openHeredoc,
    };
  }
  throw e;
}

export interface Line {
  /** null for a line with no command (blank, or only a comment). */
  cmd: Cmd | null;
  /** The line's source text (here-document bodies left out). */
  text: string;
}

/**
 * Parse a whole program, or throw RcSyntaxError. Without check, only the grammar is
 * applied (the printer's round trip is about the grammar).
 */
export function parse(src: string, check = true): Cmd[] {
  let lines: Line[];
  if (check) {
    const parsed = parseLines(src);
    if (parsed.error) throw new RcSyntaxError(parsed.error);
    lines = parsed.lines;
  } else {
    const cut = cutHeredocs(src);
    try {
      lines = peg(cut.text, { heredocs: cut.heredocs }) as Line[];
    } catch (e) {
      throw new RcSyntaxError(toInfo(e, cut, 0));
    }
  }
  return lines.flatMap((l) => (l.cmd ? [l.cmd] : []));
}

export interface Parsed {
  /** The complete top-level lines that parse, in order. */
  lines: Line[];
  /** The syntax error after them, if any. */
  error: SyntaxErrorInfo | null;
  /** The text ended inside a here document: a reader of a stream should read on. */
  openHeredoc?: boolean;
}

/**
 * Parse as rc reads a script: every line before the first syntax error still runs. A
 * reader that parses its input piecemeal passes the same state to every call.
 */
export function parseLines(src: string, st: ParseState = { iflast: false }): Parsed {
  const cut = cutHeredocs(src);
  const places = new Map<object, number>();
  try {
    return { ...checkLines(peg(cut.text, { heredocs: cut.heredocs, places }) as Line[], places, cut, st), openHeredoc: cut.openHeredoc };
  } catch (e) {
    const error = toInfo(e, cut, 0);
    places.clear();
    const lines = peg(cut.text, { heredocs: cut.heredocs, places, startRule: 'Lines' }) as Line[];
    const checked = checkLines(lines, places, cut, st);
    return checked.error ? checked : { lines, error };
  }
}
