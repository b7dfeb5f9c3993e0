/*
 * The kernel and its first process, as every ants-rc starts them (a terminal session in
 * shell/main.ts, a headless daemon in shell/daemon.ts): the kernel's pids start at the
 * host pid, its #b lists the ants commands, and the first process is booted into the
 * ordinary namespace (ns/boot.ts). Only the console differs; it is given the kernel
 * (for the caller's interrupt) as a function, since it is made before the kernel is.
 */
import { Kernel } from '../ns/kernel.js';
import { boot } from '../ns/boot.js';
import type { Console } from '../ns/dev/cons.js';
import type { KProc } from '../ns/proc.js';
import { commands } from '../builtins/commands.js';

export async function bootKernel(net: 'local' | 'daemon', console: (k: () => Kernel) => Console): Promise<{ kernel: Kernel; kproc: KProc }> {
  const names = [...commands.keys()].sort();
  const kernel: Kernel = new Kernel({ net, firstPid: process.pid, commands: () => names, console: console(() => kernel) });
  const kproc = await kernel.init(['rc']);
  await boot(kernel, kproc);
  return { kernel, kproc };
}
