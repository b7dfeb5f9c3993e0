/*
 * The builtin table, rc-style: one name, one function: rc's own builtins and the
 * namespace commands (bind, mount, unmount, ns).
 */
import type { Builtin } from './types.js';
import { cd } from './cd.js';
import { dot } from './dot.js';
import { builtin } from './builtin.js';
import { evalB } from './eval.js';
import { exec } from './exec.js';
import { exit } from './exit.js';
import { flag } from './flag.js';
import { rfork } from './rfork.js';
import { shift } from './shift.js';
import { wait } from './wait.js';
import { bind } from './bind.js';
import { mount } from './mount.js';
import { unmount } from './unmount.js';
import { ns } from './ns.js';
import { newns } from './newns.js';
import { whatis } from './whatis.js';
import { admin } from './admin.js';

export const builtins = new Map<string, Builtin>([
  ['.', dot],
  ['builtin', builtin],
  ['cd', cd],
  ['eval', evalB],
  ['exec', exec],
  ['exit', exit],
  ['flag', flag],
  ['rfork', rfork],
  ['shift', shift],
  ['wait', wait],
  ['whatis', whatis],
  ['bind', bind],
  ['mount', mount],
  ['unmount', unmount],
  ['ns', ns],
  ['newns', newns],
  ['auth/newns', newns],
  ['admin', admin],
]);
