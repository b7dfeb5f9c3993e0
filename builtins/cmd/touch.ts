/*
 * touch [-c] [-t time] file ...: set each file's modification time to now (or time,
 * seconds since the epoch), creating it empty unless -c.
 */
import { OREAD } from '../../ns/types.js';
import { abs, cmd, fserr, getopts, tryStat, usage } from './lib.js';

const USAGE = 'usage: touch [-c] [-t time] files';

/** strtoul(s, 0, 0): 0x hex, 0 octal, else decimal; what does not parse is 0. */
export function strtoul(s: string): number {
  const m = /^\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return 0;
  const t = m[1]!;
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (t.length > 1 && t[0] === '0') return parseInt(t.slice(1), 8);
  return parseInt(t, 10);
}

export const touch = cmd('touch', async (p, argv) => {
  const o = getopts(argv, 'ct:');
  if (!o || o.args.length === 0) return usage(p, USAGE);
  const t = o.val.get('t');
  const now = t ? strtoul(t[t.length - 1]!) : Math.floor(Date.now() / 1000);
  let failed = 0;
  for (const name of o.args) {
    const path = abs(p, name);
    try {
      await p.vfs.wstat(path, { mtime: now });
      continue;
    } catch (e) {
      if (o.has.has('c') || (await tryStat(p, name))) {
        await p.err(`touch: ${name}: cannot wstat: ${fserr(p, e, name)}`);
        failed++;
        continue;
      }
    }
    try {
      const ch = await p.vfs.create(path, OREAD, 0o666);
      ch.close();
      if (t) await p.vfs.wstat(path, { mtime: now });
    } catch (e) {
      await p.err(`touch: ${name}: cannot create: ${fserr(p, e, name)}`);
      failed++;
    }
  }
  return failed ? 'touch' : '';
});
