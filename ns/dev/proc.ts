/*
 * `#p`: the processes (proc(3)). The root lists live pids; each /proc/N holds args, ctl,
 * fd, note, notepg, ns, ppid, status and wait. ns reads as the process's namespace in /proc/N/ns
 * text (a snapshot taken at open) and — ANTS's extension — is writable: each line written
 * is performed in N's namespace group. ctl takes kill, interrupt, close N and closefiles;
 * a write to note posts a note to the process and a read takes the oldest one; a write to
 * notepg posts it to the process's note group (an interrupt there is Ctrl-C's); wait blocks for the next
 * child's exit record (`pid 0 0 rtime 'status'`). A file of a process that has exited
 * fails with `process exited`.
 */
import { Ebadctl, Eprocdied } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { KProc } from '../proc.js';
import { NsError } from '../types.js';
import { type Device, treeDevice } from './index.js';
import { dirNode, type Handle, mkqid, type Node, readStr } from './tree.js';

/** Plan 9's %q: quoted only when empty or holding a blank or a quote. */
export function p9quote(s: string): string {
  return s === '' || /[\s']/.test(s) ? "'" + s.replace(/'/g, "''") + "'" : s;
}

const num = (n: number): string => String(n).padStart(11) + ' ';

function alive(p: KProc): KProc {
  if (p.state === 'Moribund') throw new NsError(Eprocdied);
  return p;
}

/** A handle that reads a snapshot of text taken at open. */
function snapshot(text: () => string, extra: Handle = {}): Handle {
  const b = Buffer.from(text());
  return { read: (off, n) => readStr(b, off, n), ...extra };
}

function statusText(p: KProc): string {
  const name = (p.args[0] ?? 'rc').split('/').pop() ?? 'rc';
  const pad = (s: string, n: number): string => s.padEnd(n).slice(0, Math.max(n, s.length));
  const ms = Date.now() - p.started;
  const state = p.state === 'Moribund' ? 'Moribund' : 'Running';
  return `${pad(name, 27)} ${pad(p.user, 27)} ${pad(state, 11)} ` +
    [0, 0, ms, 0, 0, 0, 0, 10, 10].map(num).join('');
}

/** Lines written to ns are applied one at a time, in order, each as its own operation. */
function nsWriter(p: KProc): Handle['write'] {
  return async (_off, data) => {
    for (const line of data.toString().split('\n')) {
      if (line.trim() !== '') await alive(p).ns.applyNsLine(line);
    }
    return data.length;
  };
}

async function ctl(p: KProc, msg: string): Promise<void> {
  const [cmd, arg] = msg.trim().split(/\s+/);
  switch (cmd) {
    case 'kill':
      p.kill();
      return;
    case 'interrupt':
      p.postNote('interrupt');
      return;
    case 'close':
      if (arg === undefined || !/^\d+$/.test(arg)) throw new NsError(Ebadctl);
      p.fds?.close(Number(arg));
      return;
    case 'closefiles':
      p.fds?.closeAll();
      return;
    case 'hang': case 'nohang': case 'noswap': case 'private': case 'pri': case 'wired':
    case 'nointerrupt':
      return;
    default:
      throw new NsError(Ebadctl);
  }
}

const FILES = ['args', 'ctl', 'fd', 'note', 'notepg', 'ns', 'ppid', 'status', 'wait'] as const;

export function procDevice(k: Kernel): Device {
  const root: Node = dirNode('#p', mkqid(0, true), () => [...k.procs.values()].map(procDir));

  const procDir = (p: KProc): Node => {
    const base = p.pid * 32;
    const dir: Node = dirNode(String(p.pid), mkqid(base, true), () => files, root);
    const file = (i: number, perm: number, rest: Partial<Node>): Node => ({
      name: FILES[i]!, qid: mkqid(base + 1 + i, false), perm, uid: p.user, parent: dir, ...rest,
    });
    const files: Node[] = [
      file(0, 0o644, {
        open: () => snapshot(() => alive(p).args.map(p9quote).join(' '), {
          write: (_o, d) => ((p.args = [d.toString()]), d.length),
        }),
      }),
      file(1, 0o200, { open: () => ({ write: async (_o, d) => (await ctl(alive(p), d.toString()), d.length) }) }),
      file(2, 0o444, { open: () => snapshot(() => [alive(p).cwd, ...(p.fds?.describe() ?? [])].join('\n') + '\n') }),
      file(3, 0o600, {
        open: () => ({
          read: (_o, n) => readStr(alive(p).takeNote() ?? '', 0, n),
          write: (_o, d) => (alive(p).postNote(d.toString()), d.length),
        }),
      }),
      file(4, 0o200, { open: () => ({ write: (_o, d) => (alive(p).postGroupNote(d.toString()), d.length) }) }),
      file(5, 0o644, { open: () => snapshot(() => alive(p).ns.nsText(p.cwd), { write: nsWriter(p) }) }),
      file(6, 0o444, { open: () => snapshot(() => num(alive(p).ppid)) }),
      file(7, 0o444, { open: () => snapshot(() => statusText(alive(p))) }),
      file(8, 0o400, {
        open: () => ({
          read: async (_o, n) => {
            const w = await alive(p).wait();
            return readStr(`${w.pid} 0 0 ${w.rtime} ${p9quote(w.status)}`, 0, n);
          },
        }),
      }),
    ];
    return dir;
  };

  root.lookup = (name) => {
    if (!/^[1-9]\d*$/.test(name)) return undefined;
    const p = k.procs.get(Number(name));
    return p ? procDir(p) : undefined;
  };
  return treeDevice('p', 'proc', () => k.hostowner, () => root);
}
