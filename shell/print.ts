/*
 * Syntax trees back to rc source, in the layout plan9port's rc uses for whatis:
 * `fn f {if(~ $x y)echo yes;echo a >[2=1]|cat}` — commands joined by ';', carets explicit. Printing then parsing gives the same tree (up to
 * how carets group, which does not change meaning). Here documents print as a <<tag
 * whose body follows the line, so the output still parses.
 */
import type { Cmd, Redir, Word } from './ast.js';
import { quote, printVar } from '../builtins/quote.js';

export { quote, printVar };

const KEYWORDS = new Set(['for', 'in', 'while', 'if', 'not', 'switch', 'fn', '~', '!', '@']);

/** What rc's lexer reads after $ as a name: a word character, then name characters. */
const NAME = /^[^\s#;&|^$=`'{}()<>\\"][^\x00-\x20!"#$%&'()+,\-./:;<=>?@[\\\]^`{|}~\x7f]*$/;

class Printer {
  /** Here-document bodies waiting for the end of the current line. */
  private here: string[] = [];

  word(w: Word): string {
    switch (w.t) {
      case 'lit':
        // A quoted keyword stays quoted: unquoted it would start a different command.
        return w.q ? (KEYWORDS.has(w.s) ? "'" + w.s + "'" : quote(w.s)) : w.s;
      case 'var':
        return '$' + this.name(w.name) + (w.sub ? '(' + w.sub.map((x) => this.word(x)).join(' ') + ')' : '');
      case 'count':
        return '$#' + this.name(w.name);
      case 'flat':
        return '$"' + this.name(w.name);
      case 'cat':
        return this.word(w.l) + '^' + this.word(w.r);
      case 'list':
        return '(' + w.items.map((x) => this.word(x)).join(' ') + ')';
      case 'bq':
        return '`' + (w.sep ? this.word(w.sep) : '') + '{' + this.cmd(w.body) + '}';
      case 'pipefd':
        return w.dir + '{' + this.cmd(w.body) + '}';
    }
  }

  /** A variable's name: text that $ reads as one name prints bare, other text quoted. */
  private name(w: Word): string {
    if (w.t !== 'lit') return this.word(w);
    return NAME.test(w.s) && (!w.q || quote(w.s) === w.s) ? w.s : "'" + w.s.replace(/'/g, "''") + "'";
  }

  redir(r: Redir): string {
    switch (r.t) {
      case 'dup':
        return `>[${r.fd}=${r.to ?? ''}]`;
      case 'here':
        this.here.push(r.body + r.tag + '\n');
        return '<<' + (r.fd !== 0 ? `[${r.fd}]` : '') + (r.quoted ? quote(r.tag) || "''" : r.tag) + ' ';
      case 'file': {
        const dflt = r.op === '>' || r.op === '>>' ? 1 : 0;
        return r.op + (r.fd !== dflt ? `[${r.fd}]` : '') + this.word(r.word) + ' ';
      }
    }
  }

  /** Commands joined by ';', or by a newline after a line that holds here documents. */
  private join(cmds: string[], sep: string[]): string {
    let out = '';
    cmds.forEach((c, i) => {
      out += c;
      if (i < cmds.length - 1) out += sep[i];
    });
    return out;
  }

  private flushHere(s: string): string {
    if (this.here.length === 0) return s;
    const bodies = this.here.join('');
    this.here = [];
    return s + '\n' + bodies.replace(/\n$/, '');
  }

  cmd(c: Cmd | null): string {
    if (c === null) return '';
    switch (c.t) {
      // A command's own redirections print after it: written before, they would take in
      // the whole pipeline when read back (plan9port's whatis has that flaw).
      case 'simple':
        return c.words.map((w) => this.word(w)).join(' ') + c.redirs.map((r) => ' ' + this.redir(r).trimEnd()).join('');
      case 'block':
        return '{' + this.body(c.body) + '}' + c.redirs.map((r) => ' ' + this.redir(r).trimEnd()).join('');
      case 'seq':
        return this.body(c);
      case 'async':
        return this.cmd(c.cmd) + '&';
      case 'and':
        return this.cmd(c.l) + ' && ' + this.cmd(c.r);
      case 'or':
        return this.cmd(c.l) + ' || ' + this.cmd(c.r);
      case 'pipe': {
        const op = c.lfd === 1 && c.rfd === 0 ? '|' : c.rfd === 0 ? `|[${c.lfd}]` : `|[${c.rfd}=${c.lfd}]`;
        return this.cmd(c.l) + op + this.cmd(c.r);
      }
      case 'not':
        return '! ' + this.cmd(c.cmd);
      case 'subshell':
        return '@ ' + this.cmd(c.cmd);
      case 'redir':
        return this.redir(c.redir) + this.cmd(c.cmd);
      case 'assign':
        return this.word(c.name) + '=' + this.word(c.value) + (c.cmd ? ' ' + this.cmd(c.cmd) : '');
      case 'if':
        return 'if(' + this.body(c.cond) + ')' + this.cmd(c.body);
      case 'ifnot':
        return 'if not ' + this.cmd(c.body);
      case 'for':
        return 'for(' + this.word(c.v) + (c.list ? ' in ' + c.list.map((w) => this.word(w)).join(' ') : '') + ')' + this.cmd(c.body);
      case 'while':
        return 'while (' + this.body(c.cond) + ')' + this.cmd(c.body);
      case 'switch':
        return 'switch ' + this.word(c.subject) + ' {' + this.body(c.body) + '}';
      case 'match':
        return '~ ' + [c.subject, ...c.pats].map((w) => this.word(w)).join(' ');
      case 'fn':
        return 'fn ' + c.names.map((w) => this.word(w)).join(' ') + (c.body === undefined ? '' : ' {' + this.body(c.body) + '}');
    }
  }

  /** A command list as one line (or several, where here documents force it). */
  body(c: Cmd | null): string {
    if (c === null) return '';
    const cmds = c.t === 'seq' ? c.cmds : [c];
    const parts: string[] = [];
    const seps: string[] = [];
    for (const x of cmds) {
      let s = this.cmd(x);
      const hadHere = this.here.length > 0;
      s = this.flushHere(s);
      parts.push(s);
      seps.push(hadHere ? '\n' : ';');
    }
    return this.join(parts, seps);
  }
}

export function printCmd(c: Cmd | null): string {
  return new Printer().body(c);
}

export function printWord(w: Word): string {
  return new Printer().word(w);
}

/** A function as whatis prints it. */
export function printFn(name: string, body: Cmd | null): string {
  return `fn ${quote(name)} {${printCmd(body)}}`;
}
