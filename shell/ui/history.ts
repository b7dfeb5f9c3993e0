/*
 * Command history, kept in $home/lib/ants/history: one entry a line, oldest first, a
 * backslash and a newline inside an entry written as \\ and \n.
 *
 * Every session appends its entries to the file as it goes (O_APPEND, one write a line, so
 * concurrent sessions interleave whole lines) and keeps its list as the file's contents:
 * after each append, and whenever a search begins, it reads what the file has grown by
 * since last time. So an entry typed in another window is found by the next Up, and the
 * list only ever grows at its end, which keeps the editor's positions into it valid.
 *
 * This file is the terminal's own state, like the tty itself, so it is kept on the host
 * file system and not through the namespace: a rerooted or dead namespace must never make
 * the prompt wait.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function encodeEntry(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function decodeEntry(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

export class History {
  readonly entries: string[] = [];
  /** How much of the file entries holds (up to its last complete line). */
  private offset = 0;
  private ino = -1;

  constructor(readonly file: string | null) {
    this.reload();
  }

  /** Take in what the file has grown by; start over if it was replaced or cut. */
  reload(): void {
    if (!this.file) return;
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.ino !== this.ino || st.size < this.offset) {
        this.entries.length = 0;
        this.offset = 0;
        this.ino = st.ino;
      }
      if (st.size === this.offset) return;
      const buf = Buffer.allocUnsafe(st.size - this.offset);
      let got = 0;
      while (got < buf.length) {
        const n = fs.readSync(fd, buf, got, buf.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      const end = buf.lastIndexOf(0x0a, got - 1);
      if (end < 0) return;
      const text = buf.toString('utf8', 0, end);
      for (const line of text.split('\n')) if (line !== '') this.entries.push(decodeEntry(line));
      this.offset += end + 1;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Record an entry (not a repeat of the newest, nor blank). */
  add(entry: string): void {
    const e = entry.replace(/\n+$/, '');
    if (e.trim() === '') return;
    if (this.file) {
      this.reload();
      if (this.entries[this.entries.length - 1] === e) return;
      try {
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        fs.appendFileSync(this.file, encodeEntry(e) + '\n', { mode: 0o600 });
        this.reload();
        return;
      } catch {
        /* an unwritable history is kept in memory only */
      }
    }
    if (this.entries[this.entries.length - 1] !== e) this.entries.push(e);
  }
}

/** $home/lib/ants/history, or null when there is no home. */
export function historyFile(home: string | undefined): string | null {
  return home ? path.join(home, 'lib', 'ants', 'history') : null;
}
