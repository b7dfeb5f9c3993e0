/*
 * A light rc tokenizer for the line being edited: enough of rc's lexical rules to colour
 * a line and to find the word under the cursor, and forgiving of anything half typed (the
 * real parser, grammar/rc.peggy, is what decides whether a line runs).
 *
 * Each token is a span of the text. Pieces that rc joins into one word by adjacency or ^
 * (a'b'$c) share a word number. A word is in command position at the start of a line,
 * after ; & && || | { `{ ! @, after an if/while/for/switch condition, and after an
 * assignment; a name there is what $path, builtins and functions are asked about. Quotes
 * left open, closers without an opener and openers never closed are flagged for display.
 */

export type TokKind = 'word' | 'keyword' | 'var' | 'quote' | 'comment' | 'op' | 'redir' | 'space' | 'newline';

export interface Tok {
  kind: TokKind;
  start: number;
  end: number;
  /** The word this piece belongs to (-1 for spaces, operators, comments). */
  word: number;
  /** The first piece of a word in command position. */
  cmd?: boolean;
  /** A word right after a redirection operator: a file name. */
  file?: boolean;
  /** An unterminated quote, or a { ( `{ never closed. */
  open?: boolean;
  /** A } or ) with no opener. */
  bad?: boolean;
}

const BREAK = ' \t\n#;&|^$=`\'{}()<>';

function isName(c: string): boolean {
  return /[A-Za-z0-9_*]/.test(c);
}

interface Opener {
  tok: number;
  ch: '{' | '(' | '`{';
  /** A ( that holds an if/while/for/switch condition: a command follows its ). */
  cond: boolean;
}

export function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  const stack: Opener[] = [];
  let i = 0;
  let word = -1;
  let inWord = false;
  let cmdPos = true;
  /** The keyword whose ( comes next: if, while, for or switch. */
  let expectCond = '';
  let fileNext = false;
  /** The next word is a function name or a case pattern: not a command. */
  let plainNext = false;
  /** After name=, the value word; when it ends, a command may follow. */
  let assignValue = false;
  let assignDepth = 0;
  /** After case: patterns up to the end of the line. */
  let caseWords = false;

  const piece = (kind: TokKind, end: number, extra: Partial<Tok> = {}) => {
    if (!inWord) {
      word++;
      inWord = true;
    }
    toks.push({ kind, start: i, end, word, ...extra });
    i = end;
  };
  const endWord = () => {
    if (!inWord) return;
    inWord = false;
    if (assignValue && stack.length === assignDepth) {
      assignValue = false;
      cmdPos = true;
    }
  };
  const op = (kind: TokKind, len: number, extra: Partial<Tok> = {}) => {
    toks.push({ kind, start: i, end: i + len, word: -1, ...extra });
    i += len;
  };

  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t') {
      endWord();
      let j = i + 1;
      while (s[j] === ' ' || s[j] === '\t') j++;
      op('space', j - i);
      continue;
    }
    if (c === '\n') {
      endWord();
      op('newline', 1);
      cmdPos = true;
      fileNext = plainNext = caseWords = false;
      continue;
    }
    if (c === '#' && !inWord) {
      let j = s.indexOf('\n', i);
      if (j < 0) j = s.length;
      op('comment', j - i);
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let closed = false;
      while (j < s.length) {
        if (s[j] === "'") {
          if (s[j + 1] === "'") {
            j += 2;
            continue;
          }
          closed = true;
          j++;
          break;
        }
        j++;
      }
      const first = !inWord;
      piece('quote', j, closed ? {} : { open: true });
      if (first) markWord();
      continue;
    }
    if (c === '$') {
      let j = i + 1;
      if (s[j] === '#' || s[j] === '"') j++;
      while (j < s.length && isName(s[j])) j++;
      const first = !inWord;
      piece('var', j);
      if (first) markWord();
      continue;
    }
    if (c === '^') {
      // Explicit concatenation: the word goes on.
      toks.push({ kind: 'op', start: i, end: i + 1, word: -1 });
      i++;
      continue;
    }
    if (c === '&' || c === ';' || c === '|') {
      endWord();
      let len = 1;
      if ((c === '&' || c === '|') && s[i + 1] === c) len = 2;
      else if (c === '|' && s[i + 1] === '[') {
        const k = s.indexOf(']', i);
        len = k < 0 ? s.length - i : k - i + 1;
      }
      op('op', len);
      cmdPos = true;
      fileNext = plainNext = caseWords = false;
      continue;
    }
    if (c === '<' || c === '>') {
      endWord();
      let len = 1;
      if (s[i + 1] === c || (c === '<' && s[i + 1] === '>')) len = 2;
      if (s[i + len] === '[') {
        const k = s.indexOf(']', i);
        len = k < 0 ? s.length - i : k - i + 1;
      }
      op('redir', len);
      const dup = s.slice(i - len, i).includes('=');
      fileNext = !dup;
      continue;
    }
    if (c === '=' && !inWord) {
      op('op', 1);
      continue;
    }
    if (c === '=') {
      // name=value at command position is an assignment; elsewhere = is part of a word.
      const w = toks.filter((t) => t.word === word);
      if (w.length === 1 && w[0].cmd) {
        w[0].cmd = false;
        inWord = false;
        op('op', 1);
        assignValue = true;
        assignDepth = stack.length;
        cmdPos = false;
        continue;
      }
      piece('word', i + 1);
      continue;
    }
    if (c === '(') {
      endWord();
      stack.push({ tok: toks.length, ch: '(', cond: expectCond !== '' });
      op('op', 1);
      // if(…) and while(…) hold a command; for(…) and switch(…) words.
      cmdPos = expectCond === 'if' || expectCond === 'while';
      expectCond = '';
      continue;
    }
    if (c === ')') {
      endWord();
      const o = stack[stack.length - 1];
      if (o && o.ch === '(') {
        stack.pop();
        op('op', 1);
        cmdPos = o.cond;
        if (assignValue && stack.length === assignDepth) {
          assignValue = false;
          cmdPos = true;
        }
      } else op('op', 1, { bad: true });
      continue;
    }
    if (c === '{' || (c === '`' && s[i + 1] === '{')) {
      endWord();
      const ch = c === '{' ? '{' : '`{';
      stack.push({ tok: toks.length, ch, cond: false });
      op('op', ch.length);
      cmdPos = true;
      plainNext = false;
      continue;
    }
    if (c === '}') {
      const o = stack[stack.length - 1];
      if (o && (o.ch === '{' || o.ch === '`{')) {
        stack.pop();
        if (o.ch === '{') endWord();
        // A `{…} is part of a word; the word goes on after it.
        toks.push({ kind: 'op', start: i, end: i + 1, word: o.ch === '`{' ? word : -1 });
        i++;
        cmdPos = false;
      } else {
        endWord();
        op('op', 1, { bad: true });
      }
      continue;
    }
    if (c === '`') {
      op('op', 1);
      continue;
    }
    if ((c === '!' || c === '@') && cmdPos && !inWord) {
      op('op', 1);
      continue;
    }
    if (c === '~' && cmdPos && !inWord && (i + 1 >= s.length || ' \t'.includes(s[i + 1]))) {
      op('keyword', 1);
      cmdPos = false;
      continue;
    }
    // A run of ordinary word characters.
    let j = i + 1;
    while (j < s.length && !BREAK.includes(s[j])) j++;
    const first = !inWord;
    const text = s.slice(i, j);
    if (first && !fileNext && !plainNext && !caseWords && !assignValue) {
      const kw = keyword(text);
      if (kw) {
        piece('keyword', j);
        inWord = false;
        continue;
      }
    }
    piece('word', j);
    if (first) markWord();
  }
  for (const o of stack) toks[o.tok].open = true;
  return toks;

  /** Is text a keyword here? If so, set the state it leads to. */
  function keyword(text: string): boolean {
    if (cmdPos && (text === 'for' || text === 'while' || text === 'if' || text === 'switch')) {
      expectCond = text;
      cmdPos = false;
      return true;
    }
    if (cmdPos && text === 'fn') {
      plainNext = true;
      cmdPos = false;
      return true;
    }
    if (cmdPos && text === 'case') {
      caseWords = true;
      cmdPos = false;
      return true;
    }
    if (text === 'not' && prevKeyword(toks) === 'if') {
      expectCond = '';
      cmdPos = true;
      return true;
    }
    return text === 'in' && insideFor(stack, toks, s);
  }

  function markWord() {
    const t = toks[toks.length - 1];
    if (fileNext) {
      t.file = true;
      fileNext = false;
    } else if (plainNext) {
      plainNext = false;
    } else if (cmdPos && !assignValue && !caseWords) {
      t.cmd = true;
      cmdPos = false;
    }
  }

  function prevKeyword(ts: Tok[]): string | null {
    for (let k = ts.length - 1; k >= 0; k--) {
      if (ts[k].kind === 'space') continue;
      return ts[k].kind === 'keyword' ? s.slice(ts[k].start, ts[k].end) : null;
    }
    return null;
  }
}

function insideFor(stack: Opener[], toks: Tok[], s: string): boolean {
  const o = stack[stack.length - 1];
  if (!o || o.ch !== '(' || !o.cond) return false;
  for (let k = o.tok - 1; k >= 0; k--) {
    if (toks[k].kind === 'space') continue;
    return toks[k].kind === 'keyword' && s.slice(toks[k].start, toks[k].end) === 'for';
  }
  return false;
}

/** The first and last offsets of word w's pieces. */
export function wordSpan(toks: Tok[], w: number): { start: number; end: number } {
  let start = Infinity;
  let end = -1;
  for (const t of toks) {
    if (t.word !== w) continue;
    if (t.start < start) start = t.start;
    if (t.end > end) end = t.end;
  }
  return { start, end };
}
