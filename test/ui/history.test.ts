// The history file: one entry a line, shared by sessions that append to it.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeEntry, encodeEntry, History, historyFile } from '../../shell/ui/history.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ants-hist-'));

describe('history', () => {
  it('lives at $home/lib/ants/history, its directories made on first use', () => {
    const home = tmp();
    const h = new History(historyFile(home));
    h.add('echo one');
    expect(fs.readFileSync(path.join(home, 'lib/ants/history'), 'utf8')).toBe('echo one\n');
    expect(historyFile(undefined)).toBeNull();
  });
  it('keeps multi-line entries and backslashes on one line each', () => {
    expect(encodeEntry('for(i in a) {\n\techo \\n $i\n}')).toBe('for(i in a) {\\n\techo \\\\n $i\\n}');
    expect(decodeEntry(encodeEntry('a\\nb\nc\\'))).toBe('a\\nb\nc\\');
    const home = tmp();
    new History(historyFile(home)).add('{\necho a\n}\n');
    expect(new History(historyFile(home)).entries).toEqual(['{\necho a\n}']);
  });
  it('skips blanks and an immediate repeat', () => {
    const h = new History(historyFile(tmp()));
    h.add('ls');
    h.add('ls');
    h.add('  ');
    h.add('pwd');
    h.add('ls');
    expect(h.entries).toEqual(['ls', 'pwd', 'ls']);
  });
  it('two sessions see each other’s entries, in the order written', () => {
    const home = tmp();
    const a = new History(historyFile(home));
    const b = new History(historyFile(home));
    a.add('from a');
    b.add('from b');
    a.add('a again');
    expect(a.entries).toEqual(['from a', 'from b', 'a again']);
    b.reload();
    expect(b.entries).toEqual(['from a', 'from b', 'a again']);
  });
  it('a later session starts with what earlier ones left', () => {
    const home = tmp();
    const a = new History(historyFile(home));
    for (let i = 0; i < 100; i++) a.add(`echo ${i}`);
    const b = new History(historyFile(home));
    expect(b.entries.length).toBe(100);
    expect(b.entries[99]).toBe('echo 99');
  });
  it('without a home, history is kept in memory', () => {
    const h = new History(null);
    h.add('x');
    expect(h.entries).toEqual(['x']);
  });
});
