/*
 * kill and slay, as on Plan 9: `kill name …` prints the rc commands that would kill every
 * process called name (`echo kill>/proc/N/note # name`), for piping to rc; slay prints
 * ones that write `kill` to ctl, which no note handler can refuse. For Unix hands,
 * `kill [-SIG] pid …` with numbers acts at once: an ants process gets the note the signal
 * stands for (INT → interrupt, HUP → hangup, else kill) through /proc/N/note; a pid
 * /proc does not know is a host process and gets the signal itself.
 */
import { OWRITE } from '../../ns/types.js';
import { cmd, open, Out, readAll, usage, errText } from './lib.js';
import type { ProcLike } from '../types.js';

async function named(p: ProcLike, names: string[]): Promise<{ pid: string; name: string }[]> {
  const out: { pid: string; name: string }[] = [];
  for (const d of await p.vfs.readdir('/proc')) {
    if (!/^\d+$/.test(d.name)) continue;
    try {
      const c = await open(p, `/proc/${d.name}/status`);
      const st = (await readAll(c)).toString();
      c.close();
      const name = st.slice(0, 27).trim();
      if (names.includes(name)) out.push({ pid: d.name, name });
    } catch {
      /* gone meanwhile */
    }
  }
  return out.sort((a, b) => Number(a.pid) - Number(b.pid));
}

const SIGNUMS: Record<string, string> = { '1': 'HUP', '2': 'INT', '9': 'KILL', '15': 'TERM' };

/** A host process (one /proc does not list): the OS signal. */
function hostKill(pid: number, sig: string): boolean {
  try {
    process.kill(pid, ('SIG' + sig) as NodeJS.Signals);
    return true;
  } catch {
    return false;
  }
}

function killer(name: string, file: 'note' | 'ctl') {
  return cmd(name, async (p, argv) => {
    let words = argv.slice(1);
    let sig = 'TERM';
    const flag = /^-(?:s)?([A-Z]+|\d+)$/.exec(words[0] ?? '');
    if (flag && words.length > 1) {
      sig = SIGNUMS[flag[1]!] ?? flag[1]!.replace(/^SIG/, '');
      words = words.slice(1);
    }
    if (words.length === 0) return usage(p, `usage: ${name} [-SIG] pid … | ${name} name …`);
    if (words.every((w) => /^\d+$/.test(w))) {
      const note = sig === 'INT' ? 'interrupt' : sig === 'HUP' ? 'hangup' : 'kill';
      const f = sig === 'KILL' ? 'ctl' : file;
      let status = '';
      for (const pid of words) {
        try {
          const c = await open(p, `/proc/${pid}/${f}`, OWRITE);
          try {
            await c.write(Buffer.from(f === 'ctl' ? 'kill' : note));
          } finally {
            c.close();
          }
        } catch (e) {
          if (hostKill(Number(pid), sig)) continue;
          status = errText(e);
          await p.err(`${name}: ${pid}: ${status}`);
        }
      }
      return status;
    }
    const out = new Out(p);
    for (const q of await named(p, words)) out.put(`echo kill>/proc/${q.pid}/${file} # ${q.name}\n`);
    await out.flush();
    return '';
  });
}

export const kill = killer('kill', 'note');
export const slay = killer('slay', 'ctl');
