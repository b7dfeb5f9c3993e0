// Tab completion asks the proc's Vfs. These tests give the proc a small in-memory Vfs
// (a namespace of their own making, with a directory no host file system has), so what
// completes is provably what the namespace shows.
import { describe, expect, it } from 'vitest';
import type { Chan, Vfs } from '../../ns/vfs.js';
import { DMDIR, type Dir } from '../../ns/types.js';
import { FdTable, Proc, type Machine } from '../../shell/proc.js';
import { completions } from '../../shell/ui/complete.js';

function dir(name: string, isDir: boolean): Dir {
  return {
    type: 0,
    dev: 0,
    qid: { type: isDir ? 0x80 : 0, vers: 0, path: 0 },
    mode: isDir ? DMDIR | 0o755 : 0o755,
    atime: 0,
    mtime: 0,
    length: 0,
    name,
    uid: 'u',
    gid: 'u',
    muid: 'u',
  };
}

/** Paths -> entries; a name ending in / is a directory. */
function memVfs(tree: Record<string, string[]>): Vfs {
  return {
    open: async (): Promise<Chan> => {
      throw new Error('no');
    },
    create: async (): Promise<Chan> => {
      throw new Error('no');
    },
    remove: async () => {
      throw new Error('no');
    },
    wstat: async () => {
      throw new Error('no');
    },
    stat: async (p) => {
      if (tree[p]) return dir(p.split('/').pop() ?? '/', true);
      throw new Error(`'${p}' does not exist`);
    },
    readdir: async (p) => {
      const ents = tree[p];
      if (!ents) throw new Error(`'${p}' does not exist`);
      return ents.map((e) => dir(e.replace(/\/$/, ''), e.endsWith('/')));
    },
    hostPath: () => undefined,
  };
}

function proc(tree: Record<string, string[]>, cwd = '/usr/glenda'): Proc {
  const m = { nextPid: () => 2, interactive: true, kids: new Set(), interrupted: false, pendingHandler: null } as unknown as Machine;
  const p = new Proc(m, { pid: 1, ppid: 0, vfs: memVfs(tree), cwd, fds: new FdTable() });
  p.set('path', ['/bin', '.']);
  p.set('home', ['/usr/glenda']);
  p.set('history', ['x']);
  return p;
}

const tree = {
  '/': ['bin/', 'usr/', 'n/'],
  '/bin': ['ls', 'lc', 'cat', 'sub/'],
  '/usr/glenda': ['lib/', 'notes', 'my file', '.hidden'],
  '/usr/glenda/lib': ['profile', 'plumbing'],
  '/n/bound': ['alpha', 'beta/'],
};

const run = async (line: string, builtins: string[] = ['cd', 'eval', 'exit']) => {
  const p = proc(tree);
  p.fns.set('lcfn', { name: 'lcfn', body: null, code: () => {} });
  const c = await completions(p, builtins, line, line.length);
  return { ...c, texts: c.items.map((i) => i.text + i.suffix), replaced: line.slice(c.start, c.end) };
};

describe('completion', () => {
  it('completes command names from $path, builtins and functions', async () => {
    expect((await run('l')).texts).toEqual(['lc ', 'lcfn ', 'ls ']);
    expect((await run('echo x; c')).texts).toEqual(['cat ', 'cd ']);
    expect((await run('e')).texts).toEqual(['eval ', 'exit ']);
  });
  it('completes paths relative to the cwd, directories with a slash', async () => {
    const r = await run('cat li');
    expect(r.texts).toEqual(['lib/']);
    expect(r.replaced).toBe('li');
    expect((await run('cat lib/p')).texts).toEqual(['plumbing ', 'profile ']);
    expect((await run('cat lib/p')).replaced).toBe('p');
  });
  it('completes inside a directory that exists only in the namespace', async () => {
    expect((await run('ls /n/bound/')).texts).toEqual(['alpha ', 'beta/']);
    expect((await run('ls /n/bound/b')).texts).toEqual(['beta/']);
  });
  it('quotes names rc would split, and hides dot files unless asked', async () => {
    expect((await run('cat my')).texts).toEqual(["'my file' "]);
    expect((await run('cat ')).texts).toEqual(['lib/', "'my file' ", 'notes ']);
    expect((await run('cat .h')).texts).toEqual(['.hidden ']);
  });
  it('completes a word already quoted, and a directory part holding $home', async () => {
    expect((await run("cat 'my")).texts).toEqual(["'my file' "]);
    expect((await run('cat $home/li')).texts).toEqual(['lib/']);
  });
  it('completes variables after $', async () => {
    const r = await run('echo $h');
    expect(r.texts).toEqual(['$history', '$home']);
    expect(r.replaced).toBe('$h');
    expect((await run('echo $#ho')).texts).toEqual(['$#home']);
  });
});
