/*
 * Terminal input -> editor keys.
 *
 * The UI reads the raw bytes itself rather than through Ink's useInput: Ink's key object
 * reports Backspace (DEL, 0x7f) and the Delete key (ESC [3~) alike as `delete`, and hands a
 * typed-ahead or pasted chunk over as one string. Decoding here keeps each key what it is:
 * a run of printable text becomes one `insert` (so a large paste is one edit), a CR or LF
 * ends the line it is in (a pasted `echo hi` + Enter runs), escape sequences become named
 * keys, and text between bracketed-paste markers (ESC [200~ … ESC [201~) becomes one
 * `paste`, newlines and all, which the editor inserts without running anything.
 *
 * A chunk may end inside an escape sequence or a paste; the decoder keeps the tail and
 * finishes it with the next chunk. A lone ESC at the end of a chunk is ambiguous (the Escape
 * key, or the first byte of a sequence still in flight); the caller flushes it after a
 * moment with flush().
 */

export type KeyName =
  | 'enter'
  | 'tab'
  | 'backtab'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'word-left'
  | 'word-right'
  | 'escape'
  | `C-${string}`
  | `M-${string}`;

export type Key = { name: 'insert'; text: string } | { name: 'paste'; text: string } | { name: KeyName };

const PASTE_END = '\x1b[201~';

/** CSI final byte (with no or only modifier parameters) -> key. */
const CSI_FINAL: Record<string, KeyName> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  Z: 'backtab',
};

/** CSI n ~ -> key. */
const CSI_TILDE: Record<string, KeyName> = {
  '1': 'home',
  '7': 'home',
  '4': 'end',
  '8': 'end',
  '3': 'delete',
  '5': 'pageup',
  '6': 'pagedown',
};

/** A control character -> key; the letters not named here are C-<letter>. */
function control(c: number): Key | null {
  switch (c) {
    case 0x0d:
    case 0x0a:
      return { name: 'enter' };
    case 0x09:
      return { name: 'tab' };
    case 0x7f:
    case 0x08:
      return { name: 'backspace' };
    case 0x1f:
      return { name: 'C-_' };
    case 0x00:
      return { name: 'C-space' };
  }
  if (c >= 1 && c <= 26) return { name: `C-${String.fromCharCode(c + 96)}` };
  return null;
}

export class KeyDecoder {
  private pending = '';
  /** Inside a bracketed paste: the text so far. */
  private paste: string | null = null;

  /** Decode a chunk; incomplete sequences at its end wait for the next one. */
  push(chunk: string): Key[] {
    const keys: Key[] = [];
    const s = this.pending + chunk;
    this.pending = '';
    let i = 0;
    const n = s.length;
    while (i < n) {
      if (this.paste !== null) {
        const j = s.indexOf(PASTE_END, i);
        if (j < 0) {
          // Keep a tail that could be the start of the end marker.
          let keep = 0;
          for (let k = Math.min(PASTE_END.length - 1, n - i); k > 0; k--) {
            if (PASTE_END.startsWith(s.slice(n - k))) {
              keep = k;
              break;
            }
          }
          this.paste += s.slice(i, n - keep);
          this.pending = s.slice(n - keep);
          return keys;
        }
        keys.push({ name: 'paste', text: normalizePaste(this.paste + s.slice(i, j)) });
        this.paste = null;
        i = j + PASTE_END.length;
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === 0x1b) {
        const r = escape(s, i);
        if (r === 'pending') {
          this.pending = s.slice(i);
          return keys;
        }
        if (r.paste) this.paste = '';
        else if (r.key) keys.push(r.key);
        i = r.next;
        continue;
      }
      if (c < 0x20 || c === 0x7f) {
        const k = control(c);
        if (k) keys.push(k);
        // CR LF from a paste is one line end.
        i += c === 0x0d && s.charCodeAt(i + 1) === 0x0a ? 2 : 1;
        continue;
      }
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d < 0x20 || d === 0x7f) break;
        j++;
      }
      const text = s.slice(i, j);
      const last = keys[keys.length - 1];
      if (last && last.name === 'insert') keys[keys.length - 1] = { name: 'insert', text: last.text + text };
      else keys.push({ name: 'insert', text });
      i = j;
    }
    return keys;
  }

  /** True when a lone ESC (or an unfinished sequence) waits for more input. */
  get waiting(): boolean {
    return this.pending !== '' && this.paste === null;
  }

  /** Give up waiting: a lone ESC is the Escape key; an unfinished sequence is dropped. */
  flush(): Key[] {
    const p = this.pending;
    this.pending = '';
    if (this.paste !== null) return [];
    if (p === '\x1b') return [{ name: 'escape' }];
    if (p.length === 2 && p[0] === '\x1b' && p[1] !== '[' && p[1] !== 'O') return [{ name: `M-${p[1]}` }];
    return [];
  }
}

/** Pasted text: newlines as \n, and the line end a paste often carries dropped. */
function normalizePaste(t: string): string {
  return t.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
}

interface EscResult {
  key?: Key;
  paste?: boolean;
  next: number;
}

/** Decode the escape sequence at s[i] (an ESC). */
function escape(s: string, i: number): EscResult | 'pending' {
  const n = s.length;
  if (i + 1 >= n) return 'pending';
  const c = s[i + 1];
  if (c === '[' || c === 'O') {
    // CSI: parameters and intermediates, then a final byte in @..~ .
    let j = i + 2;
    while (j < n) {
      const b = s.charCodeAt(j);
      if (b >= 0x40 && b <= 0x7e && !(c === '[' && j === i + 2 && b === 0x5b)) break;
      if (c === 'O' && j > i + 2) break;
      j++;
    }
    if (j >= n) return 'pending';
    const params = s.slice(i + 2, j);
    const final = s[j];
    const next = j + 1;
    if (c === '[' && final === '~' && params === '200') return { paste: true, next };
    if (c === '[' && final === '~') {
      const [code] = params.split(';');
      const name = CSI_TILDE[code];
      return name ? { key: { name }, next } : { next };
    }
    const name = CSI_FINAL[final];
    if (!name) return { next };
    // Modifier: ;3 alt, ;5 ctrl (xterm). Ctrl/Alt with left/right move by word.
    const mod = params.includes(';') ? parseInt(params.split(';')[1], 10) : 1;
    if ((mod === 3 || mod === 5) && (name === 'left' || name === 'right')) return { key: { name: name === 'left' ? 'word-left' : 'word-right' }, next };
    return { key: { name }, next };
  }
  if (c === '\x1b') {
    // ESC ESC [ …: Alt with a function key (some terminals); treat as the key itself.
    if (i + 2 >= n) return 'pending';
    if (s[i + 2] === '[' || s[i + 2] === 'O') {
      const r = escape(s, i + 1);
      if (r === 'pending') return 'pending';
      const k = r.key;
      if (k && (k.name === 'left' || k.name === 'right')) return { key: { name: k.name === 'left' ? 'word-left' : 'word-right' }, next: r.next };
      return r;
    }
    return { key: { name: 'escape' }, next: i + 1 };
  }
  // Alt-<key> arrives as ESC <key>.
  const code = s.charCodeAt(i + 1);
  if (code === 0x7f || code === 0x08) return { key: { name: 'M-backspace' }, next: i + 2 };
  if (code === 0x0d) return { key: { name: 'M-enter' }, next: i + 2 };
  const cp = s.codePointAt(i + 1)!;
  const ch = String.fromCodePoint(cp);
  return { key: { name: `M-${ch.toLowerCase() === ch ? ch : ch.toLowerCase()}` }, next: i + 1 + ch.length };
}
