/*
 * The rc syntax tree, declared once. grammar/rc.peggy builds it, shell/print.ts prints it
 * back as source (whatis, -x traces), shell/compile.ts turns it into closures.
 *
 * Words are expressions that yield lists of strings. A literal remembers whether it was
 * quoted, because only unquoted literal text may glob. Carets (explicit, or the free carets
 * rc inserts between adjacent word parts) are `cat` nodes.
 */

export type Word =
  | { t: 'lit'; s: string; q: boolean }
  /** $name, $name(subscripts) — name is itself a word ($$x is indirection). */
  | { t: 'var'; name: Word; sub: Word[] | null }
  /** $#name */
  | { t: 'count'; name: Word }
  /** $"name */
  | { t: 'flat'; name: Word }
  | { t: 'cat'; l: Word; r: Word }
  | { t: 'list'; items: Word[] }
  /** `{cmd} or `sep{cmd} */
  | { t: 'bq'; sep: Word | null; body: Cmd }
  /** <{cmd} or >{cmd}: a /dev/fd name for a pipe to cmd */
  | { t: 'pipefd'; dir: '<' | '>'; body: Cmd };

export type Redir =
  | { t: 'file'; op: '<' | '>' | '>>' | '<>'; fd: number; word: Word }
  /** >[a=b] makes fd a a copy of b; >[a=] closes a. */
  | { t: 'dup'; fd: number; to: number | null }
  | { t: 'here'; fd: number; tag: string; quoted: boolean; body: string };

export type Cmd =
  | { t: 'simple'; words: Word[]; redirs: Redir[] }
  | { t: 'block'; body: Cmd | null; redirs: Redir[] }
  | { t: 'seq'; cmds: Cmd[] }
  | { t: 'async'; cmd: Cmd }
  | { t: 'and'; l: Cmd; r: Cmd }
  | { t: 'or'; l: Cmd; r: Cmd }
  /** l |[lfd=rfd] r: l's lfd is written, r reads it on rfd. */
  | { t: 'pipe'; l: Cmd; r: Cmd; lfd: number; rfd: number }
  | { t: 'not'; cmd: Cmd }
  | { t: 'subshell'; cmd: Cmd }
  | { t: 'redir'; redir: Redir; cmd: Cmd }
  /** name=value cmd; a plain assignment has cmd null. */
  | { t: 'assign'; name: Word; value: Word; cmd: Cmd | null }
  | { t: 'if'; cond: Cmd; body: Cmd }
  | { t: 'ifnot'; body: Cmd }
  /** for(v in list) body; list null is for(v), over $* */
  | { t: 'for'; v: Word; list: Word[] | null; body: Cmd }
  | { t: 'while'; cond: Cmd; body: Cmd }
  /** switch(subject){ case … } — cases are simple commands named `case` in body */
  | { t: 'switch'; subject: Word; body: Cmd | null }
  | { t: 'match'; subject: Word; pats: Word[] }
  /** fn names {body}; body undefined deletes the functions */
  | { t: 'fn'; names: Word[]; body?: Cmd | null };

/** A syntax error, with its place. */
export interface SyntaxErrorInfo {
  line: number;
  col: number;
  token: string;
  /** rc's words for an error found after parsing (`if not' without if); token is then unused. */
  message?: string;
  /** The input ended inside a construct: an interactive reader should ask for more. */
  incomplete: boolean;
}
