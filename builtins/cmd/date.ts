/* date [-nu] [seconds]: ctime's format (`Thu Jan  1 00:00:00 GMT 1970`), or -n seconds since the epoch. */
import { cmd, getopts, usage } from './lib.js';
import { ctime } from './dirfmt.js';

const USAGE = 'usage: date [-un] [seconds]';

export const date = cmd('date', async (p, argv) => {
  const o = getopts(argv, 'nu');
  if (!o || o.args.length > 1) return usage(p, USAGE);
  const t = o.args.length ? Math.trunc(Number.parseInt(o.args[0]!, 10) || 0) : Math.floor(Date.now() / 1000);
  await p.write(1, (o.has.has('n') ? String(t) : ctime(t, o.has.has('u'))) + '\n');
  return '';
});
