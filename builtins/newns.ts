import type { Builtin, ProcLike } from './types.js';
import { needNs } from './nsops.js';
import { OREAD } from '../ns/types.js';
import { resolvePath } from '../ns/vfs.js';
import type { Namespace } from '../ns/namespace.js';
import { errstr } from './errstr.js';

const USAGE = 'usage: newns [-ad] [-n namespace] [cmd [args ...]]';

/*
 * newns [-ad] [-n file] [cmd …] (also auth/newns): build a namespace from a namespace
 * file (namespace(6); the boot namespace when no -n), from scratch or with -a on top of a
 * copy of the current one, and run cmd in it. With no cmd, an interactive rc in it, as
 * 9front's newns does: a nested session on the terminal (its prompt, completion and
 * status line follow the new namespace; Ctrl-D or exit comes back), else commands read
 * from standard input (sh.interact). The caller's namespace never changes. -d reports
 * the lines that fail (they are silent otherwise). The namespace code loads on first use.
 */
export const newns: Builtin = async (p, argv, sh) => {
  let add = false;
  let debug = false;
  let file: string | undefined;
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-n') {
      file = argv[++i];
      if (file === undefined) {
        await p.err(USAGE);
        return 'usage';
      }
      continue;
    }
    for (const c of a.slice(1)) {
      if (c === 'a') add = true;
      else if (c === 'd') debug = true;
      else {
        await p.err(USAGE);
        return 'usage';
      }
    }
  }
  const ns = await needNs(p, 'newns');
  if (!ns) return 'no namespace';
  let text: string;
  if (file !== undefined) {
    try {
      const c = await p.vfs.open(resolvePath(p.cwd, file), OREAD);
      const chunks: Buffer[] = [];
      try {
        for (let b = await c.read(65536); b.length > 0; b = await c.read(65536)) chunks.push(b);
      } finally {
        c.close();
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (e) {
      const msg = errstr(e, p.cwd, file);
      await p.err(`newns: can't open ${file}: ${msg}`);
      return msg;
    }
  } else {
    const { defaultNamespace } = await import('../ns/boot.js');
    text = defaultNamespace((p.vfs as unknown as Namespace).kernel.hostPath);
  }
  const nsfile = await import('../ns/nsfile.js');
  const opts = {
    env: (name: string) => (p.get(name).length ? p.get(name).join(' ') : undefined),
    debug: debug ? (msg: string) => void p.err(`newns: ${msg}`) : undefined,
    cwd: p.cwd,
  };
  const cur = p.vfs as unknown as Namespace;
  const r = add ? await nsfile.addns(cur.copy(), text, opts) : await nsfile.newns(cur, text, opts);
  const cwd = r.cwd ?? (add ? p.cwd : '/');
  const run = i < argv.length ? argv.slice(i) : (c: ProcLike) => sh.interact(c, { label: 'newns' });
  return sh.runForked(p, run, (child) => {
    child.vfs = r.ns;
    child.cwd = cwd;
  });
};
