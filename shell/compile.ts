/*
 * The interpreter: each parsed command is compiled once into a closure (as rc compiles
 * its tree into a code vector), and running a command is calling its closure.
 *
 * Closures return undefined when they finished synchronously and a Promise only when
 * something had to wait (a pipe, a host program, a file). Control flow, assignment, ~ and
 * builtins that print nothing therefore cost no Promise at all; the run* helpers below
 * continue a loop or sequence synchronously until a step returns a Promise, then go on
 * from that step asynchronously.
 *
 * Statuses are rc's strings ('' is success); a pipeline's is its members' joined by '|'.
 */
import type { Cmd, Redir, Word } from './ast.js';
import { checkInterrupt, type Code, type FnDef, type MaybePromise, Proc, RcError, RcExit, truthy } from './proc.js';
import { compileArgs, compileList, compilePatterns, compileWord, constPatterns, type Ex, isPromise, isSyncWord, mayGlob, type Runner } from './expand.js';
import { applyRedirs, compileRedir, type RedirStep } from './redir.js';
import { match, matcher } from './glob.js';
import { lookCommand, runHost } from './exec.js';
import { rcScript } from './rcscript.js';

const DEV_BIN = 'b'.charCodeAt(0);
import { quote } from './print.js';
import { NoteGroup } from './notes.js';
import { isTtyChan, nullChan } from '../ns/hostvfs.js';
import { PipeBuf } from '../ns/pipebuf.js';
import { NsError } from '../ns/types.js';
import { builtins } from '../builtins/index.js';
import { type Builtin, RcUsage, type Shell } from '../builtins/types.js';
import { commands } from '../builtins/commands.js';
import { makeFifo } from './fifo.js';

type Then = () => MaybePromise<void>;

function after(r: MaybePromise<void>, k: Then): MaybePromise<void> {
  return isPromise(r) ? r.then(k) : k();
}

/** Run codes in order, each seeing the if/if-not state its predecessor left. */
function runSeq(codes: Code[], p: Proc, i: number): MaybePromise<void> {
  for (; i < codes.length; i++) {
    const r = codes[i](p);
    if (isPromise(r)) {
      const next = i + 1;
      return r.then(() => runSeq(codes, p, next));
    }
  }
}

export class Compiler implements Runner {
  constructor(readonly shell: Shell) {}

  compile(c: Cmd | null): Code {
    if (c === null) return () => {};
    const code = this.compileCmd(c);
    // <{…} names made while a command ran go when it ends. Only a <{…} makes one, and the
    // innermost command holding it cleans up: a command without one needs no wrapper.
    if (!hasPipefd(c)) return code;
    return (p) => {
      const mark = p.cleanups.length;
      let r: MaybePromise<void>;
      try {
        r = code(p);
      } catch (e) {
        runCleanups(p, mark);
        throw e;
      }
      if (isPromise(r)) {
        return r.then(
          () => runCleanups(p, mark),
          (e) => {
            runCleanups(p, mark);
            throw e;
          },
        );
      }
      if (p.cleanups.length > mark) runCleanups(p, mark);
    };
  }

  private cond(c: Cmd): Code {
    const code = this.compile(c);
    return (p) => {
      p.inCond++;
      let r: MaybePromise<void>;
      try {
        r = code(p);
      } catch (e) {
        p.inCond--;
        throw e;
      }
      if (isPromise(r)) return r.finally(() => void p.inCond--);
      p.inCond--;
    };
  }

  private compileCmd(c: Cmd): Code {
    switch (c.t) {
      case 'simple':
        return this.simple(c.words, c.redirs);
      case 'block': {
        const body = this.compile(c.body);
        return c.redirs.length ? this.withRedirs(c.redirs.map((r) => compileRedir(r, this)), body) : body;
      }
      case 'seq': {
        const codes = c.cmds.map((x) => this.compile(x));
        return (p) => runSeq(codes, p, 0);
      }
      case 'async': {
        const body = this.compile(c.cmd);
        return (p) => {
          const child = p.fork();
          child.background = true;
          // As rc's Xasync: a note group of its own (Ctrl-C is not for it) and, when the
          // shell reads the terminal, /dev/null for input: only the foreground reads keys.
          child.ng = new NoteGroup();
          if (isTtyChan(child.fds.get(0))) child.fds.set(0, nullChan());
          const done = this.runChild(child, body);
          p.jobs.set(child.pid, done);
          p.set('apid', [String(child.pid)]);
        };
      }
      case 'and':
      case 'or': {
        const l = this.cond(c.l);
        const r = this.compile(c.r);
        const want = c.t === 'and';
        const rest = (p: Proc) => (truthy(p.status) === want ? r(p) : undefined);
        return (p) => {
          const x = l(p);
          return isPromise(x) ? x.then(() => rest(p)) : rest(p);
        };
      }
      case 'not': {
        const body = this.cond(c.cmd);
        const flip = (p: Proc) => p.setStatus(truthy(p.status) ? 'false' : '');
        return (p) => {
          const x = body(p);
          return isPromise(x) ? x.then(() => flip(p)) : flip(p);
        };
      }
      case 'pipe':
        return this.pipe(c);
      case 'subshell': {
        const body = this.compile(c.cmd);
        return (p) => this.runChild(p.fork(), body).then((s) => checkE(p, s));
      }
      case 'redir': {
        const steps: RedirStep[] = [];
        let inner: Cmd = c;
        while (inner.t === 'redir') {
          steps.push(compileRedir(inner.redir, this));
          inner = inner.cmd;
        }
        return this.withRedirs(steps, this.compile(inner));
      }
      case 'assign':
        return this.assign(c);
      // rc's if-not flag: an if sets it once its condition has run and clears it only when
      // its body runs; if not runs its body when the flag is set and leaves the flag alone,
      // so `if not if(…) a; if not b' chains. Which if an if not belongs to is checked when
      // it is parsed (parse.ts).
      case 'if': {
        const cond = this.cond(c.cond);
        const body = this.compile(c.body);
        const rest = (p: Proc): MaybePromise<void> => {
          p.ifState = 1;
          if (!truthy(p.status)) return;
          const b = body(p);
          if (isPromise(b)) return b.then(() => void (p.ifState = 0));
          p.ifState = 0;
        };
        // rest's steps written out again for the synchronous case: every if shares this
        // closure's code, and a call to rest inlined there is one if's rest only.
        return (p) => {
          const x = cond(p);
          if (isPromise(x)) return x.then(() => rest(p));
          p.ifState = 1;
          if (!truthy(p.status)) return;
          const b = body(p);
          if (isPromise(b)) return b.then(() => void (p.ifState = 0));
          p.ifState = 0;
        };
      }
      case 'ifnot': {
        const body = this.compile(c.body);
        return (p) => (p.ifState ? body(p) : undefined);
      }
      case 'for':
        return this.forLoop(c.v, c.list, this.compile(c.body));
      case 'while': {
        const cond = this.cond(c.cond);
        const body = this.compile(c.body);
        const loop = (p: Proc): MaybePromise<void> => {
          for (let n = 1; ; n++) {
            if ((n & 1023) === 0) return yieldNow(p).then(() => loop(p));
            const r = cond(p);
            if (isPromise(r)) return r.then(() => (truthy(p.status) ? after(body(p), () => loop(p)) : undefined));
            if (!truthy(p.status)) return;
            const b = body(p);
            if (isPromise(b)) return b.then(() => loop(p));
          }
        };
        return (p) => {
          p.setStatus('');
          const r = loop(p);
          return r;
        };
      }
      case 'switch':
        return this.switchCmd(c.subject, c.body);
      case 'match': {
        const subj = compileWord(c.subject, this);
        // The subject is one string: a list is joined with blanks, () is ''.
        const fixed = constPatterns(c.pats)?.map(matcher);
        if (fixed) {
          const n = fixed.length;
          const test = (p: Proc, s: string[]) => {
            const x = s.length === 1 ? s[0] : s.join(' ');
            for (let i = 0; i < n; i++) if (fixed[i](x)) return checkE(p, '');
            checkE(p, 'no match');
          };
          return (p) => {
            const s = subj(p);
            return isPromise(s) ? s.then((s) => test(p, s)) : test(p, s);
          };
        }
        const pats = compilePatterns(c.pats, this);
        return (p) => {
          const test = (s: string[], ps: string[]) => {
            const x = s.length === 1 ? s[0] : s.join(' ');
            for (const pt of ps) if (match(x, pt)) return checkE(p, '');
            checkE(p, 'no match');
          };
          const s = subj(p);
          if (isPromise(s)) return s.then(async (s) => test(s, await pats(p)));
          const ps = pats(p);
          if (isPromise(ps)) return ps.then((ps) => test(s, ps));
          test(s, ps);
        };
      }
      case 'fn':
        return this.fnDef(c.names, c.body);
    }
  }

  private fnDef(names: Word[], body: Cmd | null | undefined): Code {
    const ns = compileList(names, this);
    const code = body === undefined ? null : this.compile(body);
    const define = (p: Proc, list: string[]) => {
      // Defining or deleting a function leaves $status alone, as in rc.
      for (const n of list) {
        if (code === null) p.fns.delete(n);
        else p.fns.set(n, { name: n, body: body ?? null, code });
      }
    };
    return (p) => {
      const list = ns(p);
      return isPromise(list) ? list.then((l) => define(p, l)) : define(p, list);
    };
  }

  private forLoop(v: Word, list: Word[] | null, body: Code): Code {
    const name = compileWord(v, this);
    const items = list === null ? null : list.length === 1 ? this.value(list[0]) : compileArgs(list, this);
    // The loop runs to the list's length at the start: an in-place append to the
    // variable being iterated (x=($x …) in the body) adds past the end.
    const loop = (p: Proc, n: string, l: string[], i: number, end: number): MaybePromise<void> => {
      for (let k = 1; i < end; i++, k++) {
        if ((k & 1023) === 0) {
          const at = i;
          return yieldNow(p).then(() => loop(p, n, l, at, end));
        }
        p.set(n, [l[i]]);
        const r = body(p);
        if (isPromise(r)) {
          const next = i + 1;
          return r.then(() => loop(p, n, l, next, end));
        }
      }
    };
    // The loop variable is local to the loop, as in rc: its old value comes back after.
    return (p) =>
      then(name(p), (nv) => {
        if (nv.length !== 1) throw new RcError('variable name not singleton!');
        const n = nv[0];
        return then(items ? items(p) : p.get('*'), (l) => {
          const saved = p.vars.has(n) ? p.get(n) : null;
          const restore = () => (saved === null ? p.unset(n) : p.set(n, saved));
          let r: MaybePromise<void>;
          try {
            r = loop(p, n, l, 0, l.length);
          } catch (e) {
            restore();
            throw e;
          }
          if (isPromise(r)) return r.finally(restore);
          restore();
        });
      }) as MaybePromise<void>;
  }

  private switchCmd(subject: Word, body: Cmd | null): Code {
    const subj = compileWord(subject, this);
    const cmds = body === null ? [] : body.t === 'seq' ? body.cmds : [body];
    // A case whose patterns are all literal text has its matchers made once, here.
    type Arm = { pats: Ex | null; fixed: ((s: string) => boolean)[] | null; code: Code };
    const arms: Arm[] = cmds.map((c) => {
      if (c.t === 'simple' && c.redirs.length === 0 && c.words[0].t === 'lit' && !c.words[0].q && c.words[0].s === 'case') {
        const words = c.words.slice(1);
        return { pats: compilePatterns(words, this), fixed: constPatterns(words)?.map(matcher) ?? null, code: () => {} };
      }
      return { pats: null, fixed: null, code: this.compile(c) };
    });
    const run = (p: Proc, s: string, i: number, on: boolean): MaybePromise<void> => {
      for (; i < arms.length; i++) {
        const a = arms[i];
        if (a.fixed) {
          if (on) return;
          const f = a.fixed;
          for (let j = 0; j < f.length && !on; j++) on = f[j](s);
          continue;
        }
        if (a.pats) {
          if (on) return;
          const ps = a.pats(p);
          const next = i + 1;
          const hit = (ps: string[]) => ps.some((pt) => match(s, pt));
          if (isPromise(ps)) return ps.then((ps) => run(p, s, next, hit(ps)));
          on = hit(ps);
          continue;
        }
        if (!on) continue;
        const r = a.code(p);
        if (isPromise(r)) {
          const next = i + 1;
          return r.then(() => run(p, s, next, true));
        }
      }
    };
    return (p) => {
      const s = subj(p);
      if (isPromise(s)) return s.then((s) => run(p, s.length === 1 ? s[0] : s.join(' '), 0, false));
      return run(p, s.length === 1 ? s[0] : s.join(' '), 0, false);
    };
  }

  private assign(c: Extract<Cmd, { t: 'assign' }>): Code {
    // Collect a=b c=d cmd into one step list.
    const sets: { name: Ex | string; value: Ex; append: Ex | null }[] = [];
    let cur: Cmd | null = c;
    while (cur && cur.t === 'assign') {
      const nameLit = cur.name.t === 'lit' ? cur.name.s : null;
      const v = cur.value;
      let append: Ex | null = null;
      // x=($x …): grow x in place.
      if (nameLit && v.t === 'list' && v.items.length > 0) {
        const h = v.items[0];
        if (h.t === 'var' && h.sub === null && h.name.t === 'lit' && h.name.s === nameLit) {
          append = compileList(v.items.slice(1), this);
        }
      }
      // The value globs (x=*.c) as an argument would.
      sets.push({ name: nameLit ?? compileWord(cur.name, this), value: this.value(v), append });
      cur = cur.cmd;
    }
    const body = cur ? this.compile(cur) : null;
    if (!body && sets.length === 1 && typeof sets[0].name === 'string' && !sets[0].append) {
      const name = sets[0].name;
      const value = sets[0].value;
      // An assignment leaves $status alone (status=x sets it).
      return (p) => {
        const v = value(p);
        if (isPromise(v)) return v.then((v) => p.set(name, v));
        p.set(name, v);
      };
    }
    if (!body && sets.length === 1 && sets[0].append && typeof sets[0].name === 'string') {
      const { name, append } = sets[0] as { name: string; append: Ex };
      return (p) => {
        const tail = append(p);
        if (isPromise(tail)) return tail.then((t) => void p.append(name, t));
        p.append(name, tail);
      };
    }
    // Each name is assigned in turn, left to right, as rc's code does: a=1 b=$a gives b 1.
    // For a command, saved holds the values to put back after it.
    const assignOne = (p: Proc, i: number, saved: [string, string[] | null][] | null): MaybePromise<void> => {
      const s = sets[i];
      const set = (nv: string[] | string, v: string[]) => {
        const n = typeof nv === 'string' ? nv : singleName(nv);
        if (saved) saved.push([n, p.vars.has(n) ? p.get(n) : null]);
        p.set(n, v);
      };
      return then(typeof s.name === 'string' ? s.name : s.name(p), (nv) => then(s.value(p), (v) => set(nv, v)));
    };
    const assignFrom = (p: Proc, i: number, saved: [string, string[] | null][] | null): MaybePromise<void> => {
      for (; i < sets.length; i++) {
        const r = assignOne(p, i, saved);
        if (isPromise(r)) {
          const next = i + 1;
          return r.then(() => assignFrom(p, next, saved));
        }
      }
    };
    if (!body) return (p) => assignFrom(p, 0, null);
    // Local assignment: the values hold for the command only.
    return (p) => {
      const saved: [string, string[] | null][] = [];
      const restore = () => {
        for (let i = saved.length - 1; i >= 0; i--) {
          const [n, s] = saved[i];
          if (s === null) p.unset(n);
          else p.set(n, s);
        }
      };
      let r: MaybePromise<void>;
      try {
        r = after(assignFrom(p, 0, saved), () => body(p));
      } catch (e) {
        restore();
        throw e;
      }
      if (isPromise(r)) return r.finally(restore);
      restore();
    };
  }

  /**
   * An assignment's value, or a for loop's one-word list. $x (any variable word without
   * a backquote) is its list as it is, since values are never changed in place (proc.ts),
   * and `{…} the fresh list it made: neither is copied. Plain text is a list of its own.
   */
  private value(v: Word): Ex {
    if ((v.t === 'var' && isSyncWord(v)) || v.t === 'bq') return compileWord(v, this);
    if (v.t === 'lit' && !mayGlob(v)) {
      const s = v.s;
      return () => [s];
    }
    return compileArgs([v], this);
  }

  private withRedirs(steps: RedirStep[], body: Code): Code {
    return (p) => {
      const saved = p.fds;
      const t = saved.clone();
      const restore = () => {
        p.fds = saved;
        t.closeAll();
      };
      let r: MaybePromise<void>;
      try {
        r = after(applyRedirs(steps, p, t), () => {
          p.fds = t;
          return body(p);
        });
      } catch (e) {
        restore();
        throw e;
      }
      if (isPromise(r)) return r.finally(restore);
      restore();
    };
  }

  /**
   * l | r: the left side runs in a forked proc; the right side runs in this proc itself
   * (with its fd rfd reading the pipe), so `cmd | x=…` or `… | cd dir` stick, as in rc.
   */
  private pipe(c: Extract<Cmd, { t: 'pipe' }>): Code {
    const l = this.compile(c.l);
    const r = this.compile(c.r);
    return (p) => {
      const buf = new PipeBuf();
      const saved = p.fds;
      const t = saved.clone();
      t.set(c.rfd, buf.reader('#|/data'));
      const left = p.fork();
      left.fds.set(c.lfd, buf.writer('#|/data1'));
      const a = this.runChild(left, l);
      p.fds = t;
      const done = (e?: unknown): Promise<void> => {
        p.fds = saved;
        t.closeAll();
        return a.then((sa) => {
          if (e !== undefined) throw e;
          // -e looks at the last command only (it ran in this shell); the pipeline's
          // status is everyone's.
          p.setStatus(sa + '|' + p.status);
        });
      };
      let rr: MaybePromise<void>;
      try {
        rr = r(p);
      } catch (e) {
        return done(e);
      }
      return isPromise(rr) ? rr.then(() => done(), (e) => done(e ?? new RcError('pipe'))) : done();
    };
  }

  /**
   * Run code in a forked proc to its end: exit and errors stop only the child. The
   * child's descriptors are closed after, which is what ends a pipe for its reader.
   */
  runChild(child: Proc, code: Code): Promise<string> {
    const finish = () => {
      child.done();
      return child.status;
    };
    const fail = (e: unknown): string => {
      if (e instanceof RcExit) {
        child.setStatus(e.status);
        return finish();
      }
      if (e instanceof RcError) {
        void child.err(e.display());
        child.setStatus(e.message);
        return finish();
      }
      // Anything else is a fault of ours: report it in one line, never a stack.
      void child.err(`rc: internal error: ${e instanceof Error ? e.message : String(e)}`);
      child.setStatus('internal error');
      return finish();
    };
    try {
      const r = code(child);
      if (isPromise(r)) return r.then(finish, fail);
      return Promise.resolve(finish());
    } catch (e) {
      return Promise.resolve(fail(e));
    }
  }

  private simple(words: Word[], redirs: Redir[]): Code {
    const args = compileArgs(words, this);
    const steps = redirs.map((r) => compileRedir(r, this));
    const exec0 = words[0].t === 'lit' && !words[0].q && words[0].s === 'exec' && words.length === 1;
    const run = (p: Proc, argv: string[]): MaybePromise<void> => {
      if (argv.length === 0) throw new RcError('empty argument list');
      if (p.flags.has('x')) void p.err(argv.map(quote).join(' '));
      return runArgv(this.shell, p, argv, false);
    };
    if (exec0 && steps.length > 0) {
      // exec >file: the redirections stay with the shell.
      return (p) => after(applyRedirs(steps, p, p.fds), () => p.setStatus(''));
    }
    // run's steps written out again for the synchronous case, as in if (compileCmd).
    const go: Code = (p) => {
      const v = args(p);
      if (isPromise(v)) return v.then((a) => run(p, a));
      if (v.length === 0) throw new RcError('empty argument list');
      if (p.flags.has('x')) void p.err(v.map(quote).join(' '));
      return runArgv(this.shell, p, v, false);
    };
    return steps.length ? this.withRedirs(steps, go) : go;
  }

  backquote(p: Proc, code: Code): Promise<string> {
    const child = p.fork();
    const buf = new PipeBuf();
    child.fds.set(1, buf.writer('#|/data1'));
    const rd = buf.reader('#|/data');
    const done = this.runChild(child, code);
    const chunks: Buffer[] = [];
    const drain = async (): Promise<string> => {
      for (;;) {
        const b = await rd.read(65536);
        if (b.length === 0) break;
        chunks.push(b);
      }
      rd.close();
      p.setStatus(await done);
      return Buffer.concat(chunks).toString('utf8');
    };
    return drain();
  }

  /** <{cmd} >{cmd}: cmd on a fifo whose name is the word (see fifo.ts). */
  async pipefd(p: Proc, dir: '<' | '>', code: Code): Promise<string> {
    const f = await makeFifo(dir);
    const child = p.fork();
    const done = f.opened.then((chan) => {
      if (!chan) {
        child.done();
        return '';
      }
      child.fds.set(dir === '<' ? 1 : 0, chan);
      return this.runChild(child, code);
    });
    p.jobs.set(child.pid, done);
    p.cleanups.push(f.cleanup);
    return f.path;
  }
}

/** Does the command (or anything inside it) hold a <{…} or >{…} word? */
function hasPipefd(c: Cmd | null | undefined): boolean {
  if (!c) return false;
  switch (c.t) {
    case 'simple':
      return c.words.some(wordHasPipefd) || c.redirs.some(redirHasPipefd);
    case 'block':
      return hasPipefd(c.body) || c.redirs.some(redirHasPipefd);
    case 'seq':
      return c.cmds.some(hasPipefd);
    case 'async':
    case 'not':
    case 'subshell':
      return hasPipefd(c.cmd);
    case 'and':
    case 'or':
    case 'pipe':
      return hasPipefd(c.l) || hasPipefd(c.r);
    case 'redir':
      return redirHasPipefd(c.redir) || hasPipefd(c.cmd);
    case 'assign':
      return wordHasPipefd(c.name) || wordHasPipefd(c.value) || hasPipefd(c.cmd);
    case 'if':
      return hasPipefd(c.cond) || hasPipefd(c.body);
    case 'ifnot':
      return hasPipefd(c.body);
    case 'for':
      return wordHasPipefd(c.v) || (c.list ?? []).some(wordHasPipefd) || hasPipefd(c.body);
    case 'while':
      return hasPipefd(c.cond) || hasPipefd(c.body);
    case 'switch':
      return wordHasPipefd(c.subject) || hasPipefd(c.body);
    case 'match':
      return wordHasPipefd(c.subject) || c.pats.some(wordHasPipefd);
    case 'fn':
      return c.names.some(wordHasPipefd) || hasPipefd(c.body);
  }
}

function redirHasPipefd(r: Redir): boolean {
  return r.t === 'file' && wordHasPipefd(r.word);
}

function wordHasPipefd(w: Word): boolean {
  switch (w.t) {
    case 'pipefd':
      return true;
    case 'var':
      return wordHasPipefd(w.name) || (w.sub ?? []).some(wordHasPipefd);
    case 'count':
    case 'flat':
      return wordHasPipefd(w.name);
    case 'cat':
      return wordHasPipefd(w.l) || wordHasPipefd(w.r);
    case 'list':
      return w.items.some(wordHasPipefd);
    case 'bq':
      return (w.sep !== null && wordHasPipefd(w.sep)) || hasPipefd(w.body);
    default:
      return false;
  }
}

function then<T, U>(x: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(x) ? x.then(f) : f(x);
}

function singleName(v: string[]): string {
  if (v.length !== 1) throw new RcError('variable name not singleton!');
  return v[0];
}

function runCleanups(p: Proc, mark: number): void {
  for (const f of p.cleanups.splice(mark)) f();
}

/** Let the event loop run (signals, I/O) in the middle of a long loop, then check for an interrupt. */
function yieldNow(p: Proc): Promise<void> {
  return new Promise<void>((res) => setImmediate(res)).then(() => checkInterrupt(p));
}

/** Run argv as a command in p: function, builtin, then $path (rc's order). */
export function runArgv(sh: Shell, p: Proc, argv: string[], noFn: boolean): MaybePromise<void> {
  const c = checkInterrupt(p);
  if (isPromise(c)) return c.then(() => runArgv(sh, p, argv, noFn));
  const name = argv[0];
  if (!noFn) {
    const fn = p.fns.get(name);
    if (fn) return callFn(p, fn, argv);
  }
  const b = builtins.get(name);
  if (b) {
    let r: MaybePromise<string>;
    try {
      r = b(p, argv, sh);
    } catch (e) {
      throw usage(e, name);
    }
    if (isPromise(r)) return r.catch((e) => builtinFailed(p, name, e)).then((s) => checkE(p, s));
    checkE(p, r);
    return;
  }
  // On the bare host file system the ants commands come before $path; on a namespace
  // they are files in /bin (#b), found along $path like any program.
  if (!p.m.kernel) {
    const cmd = commands.get(name);
    if (cmd) return runCommand(sh, p, name, cmd, argv);
  }
  return (async () => {
    const found = await lookCommand(p, name);
    if (found === undefined) {
      await p.err(`${name}: No such file or directory`);
      checkE(p, '1');
      return;
    }
    if (found.dev === DEV_BIN) {
      // /bin/ls, /bin/ip/ipconfig: the name below #b's root (its last one or two elements).
      const parts = found.path.split('/');
      const cmd = commands.get(parts.slice(-2).join('/')) ?? commands.get(parts[parts.length - 1]!);
      if (cmd) return runCommand(sh, p, name, cmd, argv);
    }
    const rcFlags = await rcScript(p, found.path);
    const rc = commands.get('rc');
    // $0 is the name the script was found by: as typed when it is a path, else along $path.
    const as = /^(\/|#|\.\.?\/)/.test(name) ? name : found.path;
    if (rcFlags && rc) return runCommand(sh, p, name, rc, ['rc', ...rcFlags, as, ...argv.slice(1)]);
    checkE(p, await runHost(p, found.path, argv));
  })();
}

/** An ants command runs in a child of p, as a program would; its status becomes p's. */
async function runCommand(sh: Shell, p: Proc, name: string, cmd: Builtin, argv: string[]): Promise<void> {
  const child = p.fork();
  if (child.k) child.k.args = argv;
  let s: string;
  try {
    s = await cmd(child, argv, sh);
  } catch (e) {
    if (e instanceof NsError) {
      await child.err(`${name}: ${e.message}`);
      s = e.message;
    } else if (e instanceof RcExit) s = e.status;
    else if (e instanceof RcError) throw e;
    else if (p.signal.aborted) s = 'interrupted';
    else if (e instanceof RcUsage) {
      await child.err(e.message);
      s = 'usage';
    } else {
      await child.err(`${name}: internal error: ${e instanceof Error ? e.message : String(e)}`);
      s = 'internal error';
    }
  } finally {
    child.done();
  }
  checkE(p, s);
}

/** A builtin's usage error is an rc error. */
function usage(e: unknown, _name: string): unknown {
  return e instanceof RcUsage ? new RcError(e.message, e.subject) : e;
}

/**
 * A builtin that fails on the file system (its output pipe closed, a device error) fails
 * as a command, with the error as its status; rc's own errors keep unwinding.
 */
async function builtinFailed(p: Proc, name: string, e: unknown): Promise<string> {
  if (e instanceof RcUsage) throw usage(e, name);
  if (e instanceof NsError) {
    await p.err(`${name}: ${e.message}`);
    return e.message;
  }
  throw e;
}

/** Set a command's status; under -e, a failure outside a condition ends the shell. */
function checkE(p: Proc, s: string): void {
  p.setStatus(s);
  if (p.inCond === 0 && p.flags.has('e') && !truthy(s)) throw new RcExit(s);
}

/**
 * Function calls nest in rc as deep as memory allows (9base manages 10000); here a call
 * that would run on an already deep JS stack continues in a microtask, on a fresh stack,
 * so recursion is bounded by MAX_DEPTH calls and never by the JS stack. syncDepth counts
 * the calls now on the JS stack (a call that returned a Promise has left it); depth
 * counts each proc's calls not yet finished.
 */
const MAX_DEPTH = 10000;
const FRESH_STACK_EVERY = 32;
let syncDepth = 0;

/** eval and . nest under the same limit as function calls: f runs one level deeper. */
export async function nested<T>(p: Proc, f: () => Promise<T>): Promise<T> {
  const d = p.callDepth;
  if (d >= MAX_DEPTH) throw new RcError(`function call depth exceeded (${MAX_DEPTH})`);
  p.callDepth = d + 1;
  try {
    return await f();
  } finally {
    p.callDepth = d;
  }
}

function callFn(p: Proc, fn: FnDef, argv: string[]): MaybePromise<void> {
  const d = p.callDepth;
  if (d >= MAX_DEPTH) throw new RcError(`function call depth exceeded (${MAX_DEPTH})`);
  if (syncDepth >= FRESH_STACK_EVERY) return Promise.resolve().then(() => callFn(p, fn, argv));
  const saved = p.vars.has('*') ? p.get('*') : null;
  p.set('*', argv.slice(1));
  p.callDepth = d + 1;
  let r: MaybePromise<void>;
  syncDepth++;
  try {
    r = fn.code(p);
  } catch (e) {
    endCall(p, d, saved);
    throw e;
  } finally {
    syncDepth--;
  }
  if (isPromise(r)) return r.finally(() => endCall(p, d, saved));
  endCall(p, d, saved);
}

function endCall(p: Proc, d: number, saved: string[] | null): void {
  p.callDepth = d;
  if (saved === null) p.unset('*');
  else p.set('*', saved);
}
