/*
 * The manual's source format, a small subset of troff's -man macros, rendered as plain text
 * for a terminal (what Plan 9's man does with nroff). Requests: .TH name section, .SH, .SS,
 * .PP/.LP/.P (paragraph), .TP (tagged paragraph: the next line is the tag), .IP tag,
 * .RS/.RE (indent), .EX/.EE and .nf/.fi (lines as written), .br, .sp, and the font
 * macros .B .I .R .BR .BI .IB .IR .RB .RI (fonts are not shown, their words are joined as
 * troff joins them). Escapes: \fB \fI \fR \fP \f(CW, \- \e \& \| \^ \(em \(bu, and `.\"` comments.
 * Filled text is wrapped at the width given.
 */

const CHARS: Record<string, string> = { em: '—', en: '–', bu: '•', mu: '×', '>=': '≥', '<=': '≤', '->': '→', aq: "'", dq: '"' };

/** A line's text with troff escapes resolved and fonts dropped. */
export function unescape(s: string): string {
  return s.replace(/\\(\((..)|f\((..)|f.|[-e&|^0 ~]|\*\((..)|.)/g, (m, _all, ch: string | undefined, _f: string | undefined) => {
    if (ch !== undefined) return CHARS[ch] ?? '';
    const c = m[1];
    if (c === 'f' || m.startsWith('\\*')) return '';
    if (c === '-') return '-';
    if (c === 'e') return '\\';
    if (c === ' ' || c === '0' || c === '~') return '\u00a0';
    if (c === '&' || c === '|' || c === '^') return '';
    return c;
  });
}

/** Split a macro's arguments as troff does: blanks separate, "double quotes" group. */
function args(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"]|"")*)"|(\S+)/g;
  for (let m; (m = re.exec(s)); ) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
  return out;
}

/** Render -man source as text lines no wider than width (where words allow). */
export function render(src: string, width = 80): string {
  const out: string[] = [];
  let words: string[] = [];
  let indent = 7;
  let base = 7;
  const stack: number[] = [];
  let fill = true;
  let tag: string | null = null;
  let wantTag = false;
  let tagIndent = 0;
  let blank = false;
  let before = indent;

  const emit = (line: string) => {
    out.push(line.replace(/\s+$/, '').replace(/\u00a0/g, ' '));
    blank = line.trim() === '';
  };
  const space = () => {
    flush();
    if (!blank && out.length > 0) emit('');
  };
  const flush = () => {
    if (tag !== null) {
      const t = ' '.repeat(tagIndent) + tag;
      if (t.length < indent - 1 && words.length > 0) {
        const first = wrap(words, width - indent);
        emit(t.padEnd(indent) + (first[0] ?? ''));
        for (const l of first.slice(1)) emit(' '.repeat(indent) + l);
        words = [];
        tag = null;
        return;
      }
      emit(t);
      tag = null;
    }
    if (words.length === 0) return;
    for (const l of wrap(words, width - indent)) emit(' '.repeat(indent) + l);
    words = [];
  };
  const text = (t: string) => {
    if (wantTag) {
      tag = t;
      wantTag = false;
      return;
    }
    if (!fill) {
      flush();
      emit(' '.repeat(indent) + t);
      return;
    }
    words.push(...t.split(/[ \t]+/).filter((w) => w !== ''));
  };

  for (const raw of src.split('\n')) {
    if (raw.startsWith('.\\"') || raw.startsWith("'\\\"")) continue;
    if (!raw.startsWith('.') && !raw.startsWith("'")) {
      if (raw.trim() === '' && fill) {
        space();
        continue;
      }
      text(unescape(raw));
      continue;
    }
    const m = /^[.'](\S+)\s*(.*)$/.exec(raw);
    if (!m) continue;
    const [, req, rest] = m;
    const a = args(rest).map(unescape);
    switch (req) {
      case 'TH':
        emit(`${a[0] ?? ''}(${a[1] ?? ''})`);
        emit('');
        break;
      case 'SH':
      case 'SS':
        space();
        stack.length = 0;
        base = 7;
        indent = base;
        emit((req === 'SH' ? '' : '   ') + a.join(' ').toUpperCase());
        // A paragraph right under a heading needs no blank line before it.
        blank = true;
        break;
      case 'PP':
      case 'LP':
      case 'P':
        space();
        indent = base;
        break;
      case 'TP':
        space();
        indent = base + 7;
        tagIndent = base;
        wantTag = true;
        break;
      case 'IP':
        space();
        indent = base + (a[1] ? Number(a[1]) || 4 : 4);
        tagIndent = base;
        if (a[0]) tag = a[0];
        break;
      case 'RS':
        flush();
        stack.push(base);
        base = indent + 4;
        indent = base;
        break;
      case 'RE':
        flush();
        base = stack.pop() ?? 7;
        indent = base;
        break;
      case 'EX':
      case 'nf':
        flush();
        fill = false;
        before = indent;
        if (req === 'EX') indent += 4;
        break;
      case 'EE':
      case 'fi':
        fill = true;
        indent = before;
        break;
      case 'br':
        flush();
        break;
      case 'sp':
        space();
        break;
      case 'B':
      case 'I':
      case 'R':
        text(a.join(' '));
        break;
      case 'BR':
      case 'BI':
      case 'IB':
      case 'IR':
      case 'RB':
      case 'RI':
        text(a.join(''));
        break;
      default:
        // An unknown request is ignored, as nroff does.
        break;
    }
  }
  flush();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

/** Words filled into lines of at most width columns (a longer word gets a line of its own). */
function wrap(words: string[], width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur === '') cur = w;
    else if (cur.length + 1 + w.length <= width) cur += ' ' + w;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

/** The names and description a page's NAME section gives (`bind, mount \- change name space`). */
export function nameLine(src: string): { names: string[]; desc: string } {
  const lines = src.split('\n');
  const i = lines.findIndex((l) => /^\.SH\s+"?NAME"?\s*$/.test(l));
  if (i < 0) return { names: [], desc: '' };
  let text = '';
  for (const l of lines.slice(i + 1)) {
    if (l.startsWith('.SH')) break;
    if (l.startsWith('.\\"')) continue;
    text += ' ' + (l.startsWith('.') ? args(l.replace(/^\.\S+\s*/, '')).join(' ') : l);
  }
  const [names, ...desc] = text.split('\\-');
  return { names: unescape(names).split(/[\s,]+/).filter((n) => n !== ''), desc: unescape(desc.join('-')).trim().replace(/\s+/g, ' ') };
}
