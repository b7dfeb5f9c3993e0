/*
 * Redirections are data: each compiles to a step that edits an fd table — open a file
 * through the Vfs, copy or close a descriptor, or feed a here document through a pipe.
 * A command with redirections runs on a copy of its proc's table, so they last exactly as
 * long as the command (exec with no command applies them to the proc itself).
 */
import type { Redir } from './ast.js';
import { type Ex, compileArgs, type Runner, isPromise } from './expand.js';
import { errstr } from '../builtins/errstr.js';
import { type FdTable, type MaybePromise, type Proc, RcError } from './proc.js';
import { OAPPEND, resolvePath } from '../ns/vfs.js';
import { OREAD, ORDWR, OTRUNC, OWRITE, NsError } from '../ns/types.js';
import { PipeBuf } from '../ns/pipebuf.js';

export type RedirStep = (p: Proc, t: FdTable) => MaybePromise<void>;

const IDCHAR = /[^\x00-\x20!"#$%&'()+,\-./:;<=>?@[\\\]^`{|}~\x7f]/;

/**
 * Here-document substitution: $name becomes its value joined by blanks (a ^ right after
 * the name is dropped, to join text to it); $$ is a literal $; a $ before anything else
 * is dropped (plan9port rc).
 */
export function hereSubst(p: Proc, body: string): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const j = body.indexOf('$', i);
    if (j < 0) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, j);
    let k = j + 1;
    while (k < body.length && IDCHAR.test(body[k])) k++;
    if (k === j + 1) {
      if (body[k] === '$') {
        out += '$';
        k++;
      }
      i = k;
      continue;
    }
    out += p.get(body.slice(j + 1, k)).join(' ');
    if (body[k] === '^') k++;
    i = k;
  }
  return out;
}

export function compileRedir(r: Redir, run: Runner): RedirStep {
  switch (r.t) {
    case 'dup':
      return (p, t) => {
        // A dup from a descriptor that is not open fails and leaves the target as it was.
        if (r.to === null) t.close(r.fd);
        else t.dup(r.fd, r.to);
      };
    case 'here':
      return (p, t) => {
        const text = r.quoted ? r.body : hereSubst(p, r.body);
        const pipe = new PipeBuf(Infinity);
        const { r: rd, w } = pipe.ends('/fd/here');
        void w.write(Buffer.from(text)).finally(() => w.close());
        t.set(r.fd, rd);
      };
    case 'file': {
      // The target globs, as an argument would; it must come to one name.
      const word: Ex = compileArgs([r.word], run);
      const op = r.op;
      return (p, t) => {
        const v = word(p);
        const open = (names: string[]) => {
          if (names.length !== 1) throw new RcError(names.length === 0 ? `${op} requires file` : `${op} requires singleton`);
          const name = names[0];
          const path = resolvePath(p.cwd, name);
          const chan =
            op === '<'
              ? p.vfs.open(path, OREAD)
              : op === '<>'
                ? p.vfs.open(path, ORDWR)
                : op === '>>'
                  ? p.vfs.open(path, OWRITE | OAPPEND).catch((e) => {
                      if (e instanceof NsError && /does not exist/.test(e.message)) return p.vfs.create(path, OWRITE, 0o666);
                      throw e;
                    })
                  : p.vfs.create(path, OWRITE | OTRUNC, 0o666);
          return chan.then(
            (c) => t.set(r.fd, c),
            (e) => {
              throw new RcError(`can't open: ${errstr(e, p.cwd, name)}`, name);
            },
          );
        };
        return isPromise(v) ? v.then(open) : open(v);
      };
    }
  }
}

/** Apply steps in order to table t. */
export function applyRedirs(steps: RedirStep[], p: Proc, t: FdTable, i = 0): MaybePromise<void> {
  for (; i < steps.length; i++) {
    const r = steps[i](p, t);
    if (isPromise(r)) return r.then(() => applyRedirs(steps, p, t, i + 1));
  }
}
