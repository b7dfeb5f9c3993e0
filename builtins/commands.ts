/*
 * The ants commands: programs that live in /bin (the `#b` device serves their names) and
 * run inside ants-rc, in a child process of the caller, so they see its namespace, fd
 * table and environment exactly as a Plan 9 program would. A command has a builtin's
 * shape, (proc, argv, shell) -> status, but unlike a builtin it is found along $path,
 * runs forked (its `rfork n` or `cd` never touches the caller), and can be replaced by
 * binding something else over /bin/name.
 *
 * Families register here with one line each; the table is the only list of commands.
 * Each is loaded when it first runs, so start-up loads none of them.
 */
import type { Builtin } from './types.js';
// echo runs so often (and is so small) that it is loaded with the shell.
import { echo } from './cmd/echo.js';

/** A command whose module is imported at its first run. */
function lazy<M>(load: () => Promise<M>, name: keyof M): Builtin {
  let fn: Builtin | undefined;
  return async (p, argv, sh) => {
    fn ??= (await load())[name] as Builtin;
    return fn(p, argv, sh);
  };
}

export const commands = new Map<string, Builtin>([
  ['basename', lazy(() => import('./cmd/basename.js'), 'basename')],
  ['cat', lazy(() => import('./cmd/cat.js'), 'cat')],
  ['cmp', lazy(() => import('./cmd/cmp.js'), 'cmp')],
  ['cp', lazy(() => import('./cmd/cp.js'), 'cp')],
  ['date', lazy(() => import('./cmd/date.js'), 'date')],
  ['echo', echo],
  ['grep', lazy(() => import('./cmd/grep.js'), 'grep')],
  ['lc', lazy(() => import('./cmd/ls.js'), 'lc')],
  ['ls', lazy(() => import('./cmd/ls.js'), 'ls')],
  ['man', lazy(() => import('./cmd/man.js'), 'man')],
  ['mkdir', lazy(() => import('./cmd/mkdir.js'), 'mkdir')],
  ['mv', lazy(() => import('./cmd/mv.js'), 'mv')],
  ['pwd', lazy(() => import('./cmd/pwd.js'), 'pwd')],
  ['read', lazy(() => import('./cmd/read.js'), 'read')],
  ['rm', lazy(() => import('./cmd/rm.js'), 'rm')],
  ['seq', lazy(() => import('./cmd/seq.js'), 'seq')],
  ['sleep', lazy(() => import('./cmd/sleep.js'), 'sleep')],
  ['tee', lazy(() => import('./cmd/tee.js'), 'tee')],
  ['test', lazy(() => import('./cmd/test.js'), 'test')],
  ['touch', lazy(() => import('./cmd/touch.js'), 'touch')],
  ['wc', lazy(() => import('./cmd/wc.js'), 'wc')],
  // namespaces and processes
  ['addns', lazy(() => import('./cmd/nscopy.js'), 'addns')],
  ['cpns', lazy(() => import('./cmd/nscopy.js'), 'cpns')],
  ['subns', lazy(() => import('./cmd/nscopy.js'), 'subns')],
  ['kill', lazy(() => import('./cmd/kill.js'), 'kill')],
  ['slay', lazy(() => import('./cmd/kill.js'), 'slay')],
  ['ps', lazy(() => import('./cmd/ps.js'), 'ps')],
  ['rc', lazy(() => import('./cmd/rc.js'), 'rc')],
  ['ramfs', lazy(() => import('./cmd/ramfs.js'), 'ramfs')],
  ['mntgen', lazy(() => import('./cmd/ramfs.js'), 'mntgen')],
  // the network (ns/net): Plan 9's names and the plain ones
  ['ip/ipconfig', lazy(() => import('./net/ipconfig.js'), 'ipconfig')],
  ['ipconfig', lazy(() => import('./net/ipconfig.js'), 'ipconfig')],
  ['aux/listen1', lazy(() => import('./net/listen.js'), 'listen1')],
  ['listen1', lazy(() => import('./net/listen.js'), 'listen1')],
  ['aux/listen', lazy(() => import('./net/listen.js'), 'auxlisten')],
  ['listen', lazy(() => import('./net/listen.js'), 'auxlisten')],
  ['aux/dial', lazy(() => import('./net/connect.js'), 'auxdial')],
  ['dial', lazy(() => import('./net/connect.js'), 'auxdial')],
  ['telnet', lazy(() => import('./net/connect.js'), 'telnet')],
  ['con', lazy(() => import('./net/connect.js'), 'con')],
  ['ndb/csquery', lazy(() => import('./net/query.js'), 'csquery')],
  ['csquery', lazy(() => import('./net/query.js'), 'csquery')],
  ['netstat', lazy(() => import('./net/query.js'), 'netstat')],
  // 9P (ns/9p): posting, exporting and importing file servers
  ['srv', lazy(() => import('./srv.js'), 'srv')],
  ['srvfs', lazy(() => import('./srvfs.js'), 'srvfs')],
  ['exportfs', lazy(() => import('./exportfs.js'), 'exportfs')],
  ['import', lazy(() => import('./import.js'), 'importCmd')],
  // ANTS: a session moved onto a root served elsewhere, its terminal kept
  ['rerootwin', lazy(() => import('./rerootwin.js'), 'rerootwin')],
  ['savedevs', lazy(() => import('./rerootwin.js'), 'savedevs')],
  ['getdevs', lazy(() => import('./rerootwin.js'), 'getdevs')],
]);
