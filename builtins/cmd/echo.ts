/* echo [-n] [arg ...]: the arguments, blank-separated; Plan 9's echo has no -e and only one -n, first. */
import { closedPipe, cmd, errText } from './lib.js';

export const echo = cmd('echo', async (p, argv) => {
  const n = argv[1] === '-n';
  const text = argv.slice(n ? 2 : 1).join(' ') + (n ? '' : '\n');
  if (text === '') return '';
  try {
    await p.write(1, text);
  } catch (e) {
    if (closedPipe(e)) throw e;
    // As Plan 9's echo reports a failed write (a pipe gone, a ctl file refusing the line).
    await p.err(`echo: write error: ${errText(e)}`);
    return 'write error';
  }
  return '';
});
