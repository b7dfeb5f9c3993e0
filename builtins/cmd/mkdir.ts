/*
 * mkdir [-p] [-m mode] dir ...: make directories (mode 0777 less nothing, as Plan 9's
 * create with DMDIR gives the parent's permissions the final say); -p makes missing
 * parents and is quiet about ones that exist. A failure is reported and the rest go on.
 */
import { DMDIR, OREAD } from '../../ns/types.js';
import { abs, cmd, fserr, getopts, tryStat, usage } from './lib.js';

const USAGE = 'usage: mkdir [-p] [-m mode] dir...';

export const mkdir = cmd('mkdir', async (p, argv) => {
  const o = getopts(argv, 'pm:');
  if (!o) return usage(p, USAGE);
  let mode = 0o777;
  const m = o.val.get('m');
  if (m) {
    const s = m[m.length - 1]!;
    mode = /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
    if (!(mode <= 0o777)) return usage(p, USAGE);
  }
  let status = '';
  const make = async (name: string): Promise<boolean> => {
    try {
      const ch = await p.vfs.create(abs(p, name), OREAD, DMDIR | mode);
      ch.close();
      return true;
    } catch (e) {
      await p.err(`mkdir: can't create ${name}: ${fserr(p, e, name)}`);
      status = 'error';
      return false;
    }
  };
  for (const name of o.args) {
    if (!o.has.has('p')) {
      if (await tryStat(p, name)) {
        await p.err(`mkdir: ${name} already exists`);
        status = 'error';
        continue;
      }
      await make(name);
      continue;
    }
    // -p: each prefix ending at a slash, then the whole name.
    const parts: string[] = [];
    for (let i = name.indexOf('/', 1); i >= 0; i = name.indexOf('/', i + 1)) parts.push(name.slice(0, i));
    parts.push(name);
    for (const part of parts) {
      if (part === '' || part.endsWith('/') || (await tryStat(p, part))) continue;
      if (!(await make(part))) break;
    }
  }
  return status;
});
