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
 */
import { parse as peg, SyntaxError as PegSyntaxError } from '../grammar/rc.js';
import type { Cmd, SyntaxErrorInfo } from './ast.js';

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
    super(`line ${info.line}:${info.col}: token ${info.token}: syntax error`);
  }
}

function toInfo(e: unknown, cut: Cut, lineBase: number): SyntaxErrorInfo {
  if (e instanceof PegSyntaxError) {
    const off = e.location.start.offset;
    const token = tokenAt(cut.text, off);
    return {
      line: e.location.start.line + lineBase,
      col: e.location.start.column,
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

/** Parse a whole program, or throw RcSyntaxError. */
export function parse(src: string): Cmd[] {
  const cut = cutHeredocs(src);
  try {
    return (peg(cut.text, { heredocs: cut.heredocs }) as Line[]).flatMap((l) => (l.cmd ? [l.cmd] : []));
  } catch (e) {
    throw new RcSyntaxError(toInfo(e, cut, 0));
  }
}

export interface Parsed {
  /** The complete top-level lines that parse, in order. */
  lines: Line[];
  /** The syntax error after them, if any. */
  error: SyntaxErrorInfo | null;
  /** The input stops inside a command or a here document: an interactive reader asks for more. */
  more: boolean;
}

/** Parse as rc reads a script: every line before the first syntax error still runs. */
export function parseLines(src: string): Parsed {
  const cut = cutHeredocs(src);
  try {
    return { lines: peg(cut.text, { heredocs: cut.heredocs }) as Line[], error: null, more: cut.openHeredoc };
  } catch (e) {
    const error = toInfo(e, cut, 0);
    const lines = peg(cut.text, { heredocs: cut.heredocs, startRule: 'Lines' }) as Line[];
    return { lines, error, more: error.incomplete };
  }
}
