/*
 * cpns, addns, subns [-n] model target: make process target's namespace the model's, add
 * the model's mounts to it, or take them away (ANTS). Both are pids (or /proc/N paths);
 * the work is planned on their /proc/N/ns texts as whole unions (ns/nsdiff.ts) and done
 * by writing the planned lines to /proc/target/ns, so it acts on any process, as ANTS
 * does. -n prints the plan instead. A line that fails is reported and the rest go on.
 */
import type { Builtin } from '../types.js';
import { addnsOps, cpnsOps, subnsOps } from '../../ns/nsdiff.js';
import { OWRITE } from '../../ns/types.js';
import { cmd, getopts, open, Out, readAll, usage, errText } from './lib.js';

function procNs(arg: string): string {
  return /^\d+$/.test(arg) ? `/proc/${arg}/ns` : arg.replace(/\/?$/, '').replace(/(\/ns)?$/, '/ns');
}

function nscopy(name: string, plan: (model: string, target: string) => string[]): Builtin {
  return cmd(name, async (p, argv) => {
    const o = getopts(argv, 'n');
    if (!o || o.args.length !== 2) return usage(p, `usage: ${name} [-n] model target`);
    const [model, target] = o.args.map(procNs) as [string, string];
    const text = async (f: string) => {
      const c = await open(p, f);
      try {
        return (await readAll(c)).toString();
      } finally {
        c.close();
      }
    };
    const lines = plan(await text(model), await text(target));
    if (o.has.has('n')) {
      const out = new Out(p);
      for (const l of lines) out.put(l + '\n');
      await out.flush();
      return '';
    }
    const ns = await open(p, target, OWRITE);
    let status = '';
    try {
      for (const l of lines) {
        try {
          await ns.write(Buffer.from(l + '\n'));
        } catch (e) {
          status = errText(e);
          await p.err(`${name}: ${l}: ${status}`);
        }
      }
    } finally {
      ns.close();
    }
    return status;
  });
}

export const cpns = nscopy('cpns', cpnsOps);
export const addns = nscopy('addns', addnsOps);
export const subns = nscopy('subns', subnsOps);
