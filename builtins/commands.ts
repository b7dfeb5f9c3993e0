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

export const commands = new Map<string, Builtin>([]);
