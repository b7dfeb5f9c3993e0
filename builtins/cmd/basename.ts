/*
 * basename [-d] string [suffix]: the string after its last slash, less suffix when it ends
 * so; -d gives what is before the last slash instead (. when there is none).
 */
import { cmd, getopts, usage } from './lib.js';

const USAGE = 'usage: basename [-d] string [suffix]';

export const basename = cmd('basename', async (p, argv) => {
  const o = getopts(argv, 'd');
  if (!o || o.args.length < 1 || o.args.length > 2) return usage(p, USAGE);
  const s = o.args[0]!;
  const slash = s.lastIndexOf('/');
  let r: string;
  if (o.has.has('d')) r = slash < 0 ? '.' : s.slice(0, slash);
  else {
    r = s.slice(slash + 1);
    const suf = o.args[1];
    if (suf !== undefined && r.length >= suf.length && r.endsWith(suf)) r = r.slice(0, r.length - suf.length);
  }
  await p.write(1, r + '\n');
  return '';
});
