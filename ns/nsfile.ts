/*
 * Namespace files (namespace(6)) and newns/addns (auth(2)). A file is read line by line:
 * blank lines and lines whose first non-blank character is `#` are skipped; a line is
 * split as tokenize does (so '…' quotes), then `$name` in each argument is replaced from
 * the environment (a name ends at `/`, `$` or the end). The operations are bind, mount,
 * unmount (options as bind(1): -a -b -c -C, and -q), cd, clear (start over from a clean
 * namespace, as rfork N) and `. file` (a file read from the namespace being built).
 * Failures are silent — the next line runs — unless a debug reporter is given. Since
 * `clear` replaces the namespace, running a file returns the namespace it ended with.
 */
import { Ebadarg, nserror } from './errors.js';
import type { Namespace } from './namespace.js';
import { parseNsOp, tokenize } from './nstext.js';
import { NsError, OREAD } from './types.js';
import { resolvePath, type Vfs } from './vfs.js';

export interface NsFileOptions {
  /** Value of $name (undefined: empty). */
  env?: (name: string) => string | undefined;
  /** Reporter for failing lines (newns -d); without it failures are silent. */
  debug?: (msg: string) => void;
  /** The working directory to start from (default `/`). */
  cwd?: string;
}

export interface NsResult {
  ns: Namespace;
  /** The directory the file's last `cd` chose, if any. */
  cwd?: string;
}

const MAXDEPTH = 16;

export function expandVars(arg: string, env: (name: string) => string | undefined): string {
  return arg.replace(/\$([^/$]+)/g, (_m, name: string) => env(name) ?? '');
}

/** Read a whole file through a namespace. */
export async function readWhole(ns: Pick<Vfs, 'open'>, path: string): Promise<string> {
  const ch = await ns.open(path, OREAD);
  try {
    const parts: Buffer[] = [];
    for (;;) {
      const b = await ch.read(65536);
      if (b.length === 0) break;
      parts.push(b);
    }
    return Buffer.concat(parts).toString('utf8');
  } finally {
    ch.close();
  }
}

/** Run namespace-file text on ns (addns); returns the namespace after any `clear`. */
export async function runNsFile(ns: Namespace, text: string, opts: NsFileOptions = {}, depth = 0): Promise<NsResult> {
  const env = opts.env ?? (() => undefined);
  let cwd: string | undefined;
  let cur = ns;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const op = parseNsOp(tokenize(line).map((t) => expandVars(t, env)), 'abcCq');
      // Relative names are relative to the directory the file is working in.
      const at = (path: string) => resolvePath(cwd ?? opts.cwd ?? '/', path);
      switch (op.op) {
        case 'bind':
          await cur.bind(at(op.new), at(op.old), op.flag);
          break;
        case 'mount':
          await cur.mount(at(op.srv), at(op.old), op.flag, op.spec);
          break;
        case 'unmount':
          await cur.unmount(op.new === undefined ? undefined : at(op.new), at(op.old));
          break;
        case 'cd': {
          const dir = resolvePath(cwd ?? opts.cwd ?? '/', op.dir);
          await cur.stat(dir);
          cwd = dir;
          break;
        }
        case 'clear':
          cur = cur.clean();
          break;
        case 'include': {
          if (depth >= MAXDEPTH) throw new NsError(Ebadarg);
          const sub = await runNsFile(cur, await readWhole(cur, op.file), { ...opts, cwd: cwd ?? opts.cwd }, depth + 1);
          cur = sub.ns;
          cwd = sub.cwd ?? cwd;
          break;
        }
        case 'unknown':
          throw new NsError(`unknown op ${op.verb}`);
        default:
          break;
      }
    } catch (e) {
      opts.debug?.(`${line}: ${nserror(e).message}`);
    }
  }
  return { ns: cur, cwd };
}

/** newns: a clean namespace built by the text (read the file with readWhole first). */
export async function newns(ns: Namespace, text: string, opts: NsFileOptions = {}): Promise<NsResult> {
  return runNsFile(ns.clean(), text, opts);
}

/** addns: the text's operations added to ns itself. */
export async function addns(ns: Namespace, text: string, opts: NsFileOptions = {}): Promise<NsResult> {
  return runNsFile(ns, text, opts);
}
