/* pwd: the working directory, as a path in the caller's namespace. */
import { cmd } from './lib.js';

export const pwd = cmd('pwd', async (p) => {
  await p.write(1, p.cwd + '\n');
  return '';
});
