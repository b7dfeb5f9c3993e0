/*
 * The ants commands: programs that live in /bin (the `#b` device serves their names) and
 * run inside ants-rc, in a child process of the caller, so they see its namespace, fd
 * table and environment exactly as a Plan 9 program would. A command has a builtin's
 * shape, (proc, argv, shell) -> status, but unlike a builtin it is found along $path,
 * runs forked (its `rfork n` or `cd` never touches the caller), and can be replaced by
 * binding something else over /bin/name.
 *
 * Families register here with one line each; the table is the only list of commands.
 */
import type { Builtin } from './types.js';
import { basename } from './cmd/basename.js';
import { cat } from './cmd/cat.js';
import { cmp } from './cmd/cmp.js';
import { cp } from './cmd/cp.js';
import { date } from './cmd/date.js';
import { echo } from './cmd/echo.js';
import { grep } from './cmd/grep.js';
import { lc, ls } from './cmd/ls.js';
import { mkdir } from './cmd/mkdir.js';
import { mv } from './cmd/mv.js';
import { pwd } from './cmd/pwd.js';
import { read } from './cmd/read.js';
import { rm } from './cmd/rm.js';
import { seq } from './cmd/seq.js';
import { sleep } from './cmd/sleep.js';
import { tee } from './cmd/tee.js';
import { test } from './cmd/test.js';
import { touch } from './cmd/touch.js';
import { wc } from './cmd/wc.js';
import { addns, cpns, subns } from './cmd/nscopy.js';
import { kill, slay } from './cmd/kill.js';
import { ps } from './cmd/ps.js';
import { rc } from './cmd/rc.js';
import { mntgen, ramfs } from './cmd/ramfs.js';
import { auxdial, con, telnet } from './net/connect.js';
import { ipconfig } from './net/ipconfig.js';
import { auxlisten, listen1 } from './net/listen.js';
import { csquery, netstat } from './net/query.js';
import { srv } from './srv.js';
import { srvfs } from './srvfs.js';
import { exportfs } from './exportfs.js';
import { importCmd } from './import.js';

export const commands = new Map<string, Builtin>([
  ['basename', basename],
  ['cat', cat],
  ['cmp', cmp],
  ['cp', cp],
  ['date', date],
  ['echo', echo],
  ['grep', grep],
  ['lc', lc],
  ['ls', ls],
  ['mkdir', mkdir],
  ['mv', mv],
  ['pwd', pwd],
  ['read', read],
  ['rm', rm],
  ['seq', seq],
  ['sleep', sleep],
  ['tee', tee],
  ['test', test],
  ['touch', touch],
  ['wc', wc],
  // namespaces and processes
  ['addns', addns],
  ['cpns', cpns],
  ['subns', subns],
  ['kill', kill],
  ['slay', slay],
  ['ps', ps],
  ['rc', rc],
  ['ramfs', ramfs],
  ['mntgen', mntgen],
  // the network (ns/net): Plan 9's names and the plain ones
  ['ip/ipconfig', ipconfig],
  ['ipconfig', ipconfig],
  ['aux/listen1', listen1],
  ['listen1', listen1],
  ['aux/listen', auxlisten],
  ['listen', auxlisten],
  ['aux/dial', auxdial],
  ['dial', auxdial],
  ['telnet', telnet],
  ['con', con],
  ['ndb/csquery', csquery],
  ['csquery', csquery],
  ['netstat', netstat],
  // 9P (ns/9p): posting, exporting and importing file servers
  ['srv', srv],
  ['srvfs', srvfs],
  ['exportfs', exportfs],
  ['import', importCmd],
]);
