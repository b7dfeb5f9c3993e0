/* sleep [seconds]: fractions allowed; an interrupt ends it at once. */
import { cmd, sleep as pause } from './lib.js';

export const sleep = cmd('sleep', async (p, argv) => {
  if (argv.length < 2) return '';
  const secs = parseFloat(argv[1]!);
  if (secs > 0) await pause(Math.min(secs * 1000, 2 ** 31 - 1), p.signal);
  return '';
});
