/*
 * rc [-eplvx] [-c command] [file [arg …]]: a new rc, as a child process of the caller —
 * ants-rc itself, not whatever rc the host has, so `listen1 … rc -c '…'` and scripts that
 * run rc behave the same everywhere. The script comes from -c, a file (read through the
 * namespace) or standard input, read a command at a time (-i prompts); $* holds the
 * arguments and $0 the script's name.
 */
import { abs, cmd, open, readAll, usage } from './lib.js';

export const rc = cmd('rc', async (p, argv, sh) => {
  let i = 1;
  let command: string | undefined;
  let interactive = false;
  for (; i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-'; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (f === 'c') {
        command = a.slice(j + 1) || argv[++i];
        if (command === undefined) return usage(p, 'usage: rc [-eplvx] [-c command] [file [arg ...]]');
        break;
      }
      if (!'eplvxiIdsr'.includes(f)) return usage(p, 'usage: rc [-eplvx] [-c command] [file [arg ...]]');
      if ('evx'.includes(f)) p.flags.add(f);
      if (f === 'i') interactive = true;
    }
  }
  let name = argv[0]!;
  let text: string;
  if (command !== undefined) {
    text = command;
    p.set('*', argv.slice(i));
  } else if (i < argv.length && argv[i] !== '-') {
    name = argv[i]!;
    const c = await open(p, abs(p, name));
    try {
      text = (await readAll(c)).toString('utf8');
    } finally {
      c.close();
    }
    p.set('*', argv.slice(i + 1));
  } else {
    // Standard input: a command at a time as it arrives (with -i, prompting).
    p.set('*', argv.slice(i + 1));
    p.set('0', [name]);
    p.set('pid', [String(p.pid)]);
    return sh.runInput(p, (n) => p.read(0, n), interactive);
  }
  p.set('0', [name]);
  // A new rc is a new process: $pid is its own (p is the child runCommand made for it).
  p.set('pid', [String(p.pid)]);
  // `exit` unwinds past here to the end of this command's process, with its status.
  await sh.runSource(p, text, name);
  return p.status;
});
