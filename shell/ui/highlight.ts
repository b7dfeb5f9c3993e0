/*
 * Syntax colouring of the line being edited: the tokens of lex.ts, with command words
 * told apart by what the shell would run — a function, a builtin, a program found along
 * $path, or nothing (unknown). Finding a program takes a walk of the namespace, so the
 * caller answers from a cache and returns 'pending' until it knows; the line is coloured
 * again when the answer comes. The result is spans of style names; app.ts maps them to
 * chalk, so this file and its tests need no terminal.
 */
import { tokenize } from './lex.js';

export type Style =
  | 'plain'
  | 'keyword'
  | 'builtin'
  | 'function'
  | 'command'
  | 'unknown'
  | 'quote'
  | 'var'
  | 'comment'
  | 'op'
  | 'error'
  | 'suggestion'
  | 'prompt'
  | 'match'
  | 'status';

export interface Span {
  text: string;
  style: Style;
}

export type CommandKind = 'builtin' | 'function' | 'command' | 'unknown' | 'pending';

export type Classify = (name: string) => CommandKind;

export function highlight(src: string, classify: Classify): Span[] {
  const out: Span[] = [];
  const push = (text: string, style: Style) => {
    if (text === '') return;
    const last = out[out.length - 1];
    if (last && last.style === style) last.text += text;
    else out.push({ text, style });
  };
  for (const t of tokenize(src)) {
    const text = src.slice(t.start, t.end);
    if (t.open || t.bad) {
      push(text, 'error');
      continue;
    }
    switch (t.kind) {
      case 'keyword':
        push(text, 'keyword');
        break;
      case 'quote':
        push(text, 'quote');
        break;
      case 'var':
        push(text, 'var');
        break;
      case 'comment':
        push(text, 'comment');
        break;
      case 'op':
      case 'redir':
        push(text, 'op');
        break;
      case 'word': {
        if (!t.cmd) {
          push(text, 'plain');
          break;
        }
        // The command name is the whole word; only a plain one can be looked up.
        const k = classify(text);
        push(text, k === 'pending' ? 'plain' : k === 'builtin' ? 'builtin' : k === 'function' ? 'function' : k === 'command' ? 'command' : 'unknown');
        break;
      }
      default:
        push(text, 'plain');
    }
  }
  return out;
}

/** The command names in src that classify() will be asked about. */
export function commandWords(src: string): string[] {
  const names: string[] = [];
  for (const t of tokenize(src)) if (t.kind === 'word' && t.cmd) names.push(src.slice(t.start, t.end));
  return names;
}

/** A prompt as drawn: escape sequences and other controls dropped (a tab stays). */
export function cleanPrompt(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b./g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}
