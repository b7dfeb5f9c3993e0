// Laying out the frame: prompt, line, suggestion, menu and status line in rows no wider
// than the terminal, and the cell the cursor goes to.
import { describe, expect, it } from 'vitest';
import { layout, type View } from '../../shell/ui/app.js';
import { statusText } from '../../shell/ui/status.js';

const view = (v: Partial<View>): View => ({
  prompt: '% ',
  prompt2: '\t',
  spans: [],
  cursor: 0,
  suggestion: '',
  search: null,
  menu: null,
  status: null,
  width: 20,
  active: true,
  ...v,
});
const text = (v: Partial<View>) => layout(view(v)).rows.map((r) => r.map((c) => c.text).join(''));

describe('layout', () => {
  it('puts the cursor after the prompt at the right offset', () => {
    const f = layout(view({ spans: [{ text: 'echo hi', style: 'plain' }], cursor: 5 }));
    expect(f.cursor).toEqual({ x: 7, y: 0 });
    expect(text({ spans: [{ text: 'echo hi', style: 'plain' }] })).toEqual(['% echo hi']);
  });
  it('wraps a long line by character and follows the cursor onto the next row', () => {
    const s = 'x'.repeat(25);
    expect(text({ spans: [{ text: s, style: 'plain' }] })).toEqual(['% ' + 'x'.repeat(18), 'x'.repeat(7)]);
    expect(layout(view({ spans: [{ text: s, style: 'plain' }], cursor: 25 })).cursor).toEqual({ x: 7, y: 1 });
    // A line that ends exactly at the edge puts the cursor at the start of the next row.
    const f = layout(view({ spans: [{ text: 'x'.repeat(18), style: 'plain' }], cursor: 18 }));
    expect(f.cursor).toEqual({ x: 0, y: 1 });
  });
  it('gives continuation lines $prompt(2), a tab expanded', () => {
    const f = layout(view({ spans: [{ text: '{\necho', style: 'plain' }], cursor: 6 }));
    expect(f.rows.map((r) => r.map((c) => c.text).join(''))).toEqual(['% {', '        echo']);
    expect(f.cursor).toEqual({ x: 12, y: 1 });
  });
  it('shows the suggestion after the cursor, and wide characters take two cells', () => {
    expect(text({ spans: [{ text: 'ec', style: 'plain' }], cursor: 2, suggestion: 'ho hi' })).toEqual(['% echo hi']);
    expect(layout(view({ spans: [{ text: '日本', style: 'plain' }], cursor: 2 })).cursor).toEqual({ x: 6, y: 0 });
  });
  it('lays a menu out in columns, then the status line; the final frame has no cursor', () => {
    const rows = text({ menu: { labels: ['alpha', 'beta', 'gamma'], selected: 1 }, status: 'vm · /' });
    expect(rows).toEqual(['% ', 'alpha  gamma  ', 'beta   ', 'vm · /']);
    expect(layout(view({ active: false, spans: [{ text: 'ls', style: 'plain' }], cursor: 2 })).cursor).toBeUndefined();
  });
  it('shows an incremental search in place of the prompt', () => {
    expect(text({ search: { query: 'mak', found: true }, spans: [{ text: 'make', style: 'plain' }] })[0]).toBe("search `mak': make");
  });
});

describe('status line', () => {
  const s = { sysname: 'vm', cwd: '/usr/glenda/src/ants', root: '', jobs: [] as number[], status: '' };
  it('shows sysname and cwd, jobs and a failed status', () => {
    expect(statusText(s, 80)).toBe('vm · /usr/glenda/src/ants');
    expect(statusText({ ...s, jobs: [123], status: 'false' }, 80)).toBe('vm · /usr/glenda/src/ants · job 123 · status false');
    expect(statusText({ ...s, jobs: [1, 2], root: 'tcp!srv!564' }, 80)).toBe('vm · /usr/glenda/src/ants · root tcp!srv!564 · 2 jobs');
  });
  it('says when the root the session booted from has hung up', () => {
    expect(statusText({ ...s, root: 'fsR' }, 80)).toBe('vm · /usr/glenda/src/ants · root fsR');
    expect(statusText({ ...s, root: 'fsR', hungup: true }, 80)).toBe('vm · /usr/glenda/src/ants · root fsR (hung up)');
  });
  it('names the nested session the terminal is in, and a root only once', () => {
    expect(statusText({ ...s, label: 'admin' }, 80)).toBe('vm · /usr/glenda/src/ants · admin');
    expect(statusText({ ...s, label: 'newns', root: 'boot', status: 'false' }, 80)).toBe('vm · /usr/glenda/src/ants · newns · root boot · status false');
    expect(statusText({ ...s, label: 'root tcp!srv!564', root: 'tcp!srv!564' }, 80)).toBe('vm · /usr/glenda/src/ants · root tcp!srv!564');
  });
  it('shortens the cwd from the left to fit', () => {
    expect(statusText(s, 20)).toBe('vm · …/src/ants');
  });
});
