/*
 * What the UI draws, and the Ink component that draws it.
 *
 * layout() is pure: it lays the prompt, the coloured line, the grey suggestion, the
 * completion menu and the status line out in rows no wider than the terminal, wrapping
 * long lines by character (not by word, as Ink's own wrapping would, so the cursor's cell
 * is known exactly) and giving $prompt(2) to every line after the first. The component
 * only prints those rows and puts the terminal's cursor on the cell layout() found.
 */
import { createElement as h } from 'react';
import { render, Text, useCursor, type Instance } from 'ink';
import chalk from 'chalk';
import { cleanPrompt, type Span, type Style } from './highlight.js';

export interface View {
  prompt: string;
  prompt2: string;
  spans: Span[];
  cursor: number;
  suggestion: string;
  search: { query: string; found: boolean } | null;
  menu: { labels: readonly string[]; selected: number } | null;
  /** The status line, or null (the frame left behind when a line is run shows none). */
  status: string | null;
  width: number;
  /** Show the cursor (false for the frame left behind). */
  active: boolean;
}

interface Cell {
  text: string;
  style: Style;
}

export interface Frame {
  rows: Cell[][];
  cursor: { x: number; y: number } | undefined;
}

/** Terminal cells a code point takes: 0 for combining marks and controls, 2 for wide ones. */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp >= 0x300 && cp <= 0x36f) return 0;
  if (cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}


export function layout(v: View): Frame {
  const width = Math.max(2, v.width);
  const rows: Cell[][] = [[]];
  let x = 0;
  let cursor: { x: number; y: number } | undefined;
  const newRow = () => {
    rows.push([]);
    x = 0;
  };
  const put = (text: string, style: Style) => {
    const row = rows[rows.length - 1];
    const last = row[row.length - 1];
    if (last && last.style === style) last.text += text;
    else row.push({ text, style });
  };
  /** Lay out text; at buffer offsets (base >= 0) note where the cursor falls. */
  const emit = (text: string, style: Style, base: number) => {
    let i = 0;
    for (const ch of text) {
      if (base >= 0 && base + i === v.cursor && v.active) cursor = { x, y: rows.length - 1 };
      i += ch.length;
      if (ch === '\n') {
        newRow();
        if (base >= 0) emit(cleanPrompt(v.prompt2), 'prompt', -1);
        continue;
      }
      if (ch === '\t') {
        const n = 8 - (x % 8);
        for (let k = 0; k < n; k++) {
          if (x >= width) newRow();
          put(' ', style);
          x++;
        }
        continue;
      }
      const w = charWidth(ch.codePointAt(0)!);
      if (x + w > width) newRow();
      put(ch, style);
      x += w;
    }
  };

  if (v.search) {
    const label = v.search.found || v.search.query === '' ? 'search' : 'search failed';
    emit(`${label} \`${v.search.query}': `, 'prompt', -1);
  } else emit(cleanPrompt(v.prompt), 'prompt', -1);
  let off = 0;
  for (const s of v.spans) {
    emit(s.text, s.style, off);
    off += s.text.length;
  }
  if (v.active && v.cursor >= off && !cursor) {
    if (x >= width) newRow();
    cursor = { x, y: rows.length - 1 };
  }
  if (v.suggestion) emit(v.suggestion.replace(/\n[^]*/, ''), 'suggestion', -1);

  if (v.menu && v.menu.labels.length > 0) {
    const labels = v.menu.labels;
    const colw = Math.min(width - 1, Math.max(...labels.map((l) => l.length)) + 2);
    const ncol = Math.max(1, Math.floor((width - 1) / colw));
    const nrow = Math.ceil(labels.length / ncol);
    const shown = Math.min(nrow, 8);
    for (let r = 0; r < shown; r++) {
      rows.push([]);
      for (let c = 0; c < ncol; c++) {
        const i = c * nrow + r;
        if (i >= labels.length) break;
        let l = labels[i];
        if (l.length > colw - 1) l = l.slice(0, colw - 2) + '…';
        rows[rows.length - 1].push({ text: l, style: i === v.menu.selected ? 'match' : 'plain' });
        rows[rows.length - 1].push({ text: ' '.repeat(colw - l.length), style: 'plain' });
      }
    }
    if (shown < nrow) rows.push([{ text: `… ${labels.length - shown * ncol} more`, style: 'comment' }]);
  }
  if (v.status !== null) rows.push([{ text: v.status, style: 'status' }]);
  return { rows, cursor };
}

const STYLES: Record<Style, (s: string) => string> = {
  plain: (s) => s,
  prompt: (s) => s,
  keyword: chalk.magenta.bold,
  builtin: chalk.cyan.bold,
  function: chalk.blue.bold,
  command: chalk.green,
  unknown: chalk.red,
  quote: chalk.yellow,
  var: chalk.cyan,
  comment: chalk.gray,
  op: chalk.bold,
  error: chalk.bgRed.white,
  suggestion: chalk.gray,
  match: chalk.inverse,
  status: chalk.dim,
};

/** The cells each row takes. */
export function widths(rows: Cell[][]): number[] {
  return rows.map((r) => {
    let w = 0;
    for (const c of r) for (const ch of c.text) w += charWidth(ch.codePointAt(0)!);
    return w;
  });
}

/**
 * How far the top of a frame is above its cursor once the terminal has re-wrapped it to
 * cols columns (xterm.js, VTE, tmux, kitty and iTerm re-wrap each line on a resize; each
 * row Ink wrote is a line of its own).
 */
export function rowsAboveCursor(rowWidths: number[], cursor: { x: number; y: number }, cols: number): number {
  let n = 0;
  for (let r = 0; r < cursor.y && r < rowWidths.length; r++) n += Math.max(1, Math.ceil(rowWidths[r] / cols));
  return n + Math.floor(cursor.x / cols);
}

export function paint(rows: Cell[][]): string {
  return rows.map((r) => (r.length === 0 ? ' ' : r.map((c) => STYLES[c.style](c.text)).join(''))).join('\n');
}

export function App(props: { text: string; cursor: Cursor }) {
  const { setCursorPosition } = useCursor();
  setCursorPosition(props.cursor);
  return h(Text, null, props.text);
}

export type Cursor = { x: number; y: number } | undefined;

/** Draw text below the cursor with Ink; the handle redraws it or takes it down. */
export function mount(text: string, cursor: Cursor): { rerender(text: string, cursor: Cursor): void; unmount(): void; forget(): void } {
  const ink: Instance = render(h(App, { text, cursor }), {
    exitOnCtrlC: false,
    patchConsole: false,
    // Ink throttles frames (30 a second by default); a keystroke should show at once.
    maxFps: 1000,
  });
  return {
    rerender: (t, c) => ink.rerender(h(App, { text: t, cursor: c })),
    unmount: () => ink.unmount(),
    // Take Ink down writing nothing: the caller has erased the frame itself.
    forget: () => {
      const out = process.stdout;
      const write = out.write;
      out.write = (() => true) as typeof out.write;
      try {
        ink.unmount();
      } finally {
        out.write = write;
      }
    },
  };
}
