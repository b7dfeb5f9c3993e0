/*
 * The builtin table, rc-style: one name, one function. rc's own builtins live here; the
 * namespace commands (bind, mount, ns, …) join the same table.
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
import { whatis } from './whatis.js';

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
]);
