/*
 * `#c`: the console device (cons(3)). cons and consctl talk to the Console the shell
 * installs (the terminal); without one, cons writes go to standard output and reads see
 * end of file. The Console hears `rawon` when the first open consctl asks for raw mode
 * and `rawoff` when the last one that did lets go. pid and ppid answer for the calling process (the kernel's `up`); numbers are
 * formatted as Plan 9's readnum does (11 columns and a space), time as four such numbers
 * (seconds, nanoseconds, ticks, ticks per second).
 */
import type { Kernel } from '../kernel.js';
import { type Device, treeDevice } from './index.js';
import { dirNode, type Handle, mkqid, type Node, readStr } from './tree.js';

export interface Console {
  read(count: number): Promise<Buffer>;
  write(data: Buffer): Promise<number> | number;
  /** consctl messages: rawon, rawoff, holdon, holdoff. */
  ctl?(msg: string): void;
}

const num = (n: number | bigint, width = 11): string => String(n).padStart(width) + ' ';

export function consDevice(k: Kernel): Device {
  let q = 0;
  const root: Node = dirNode('#c', mkqid(q++, true), () => files);
  const file = (name: string, perm: number, rest: Partial<Node>): Node => ({ name, qid: mkqid(q++, false), perm, parent: root, ...rest });
  const text = (name: string, f: () => string): Node =>
    file(name, 0o444, { read: (off, n) => readStr(f(), off, n), length: () => Buffer.byteLength(f()) });

  // Raw mode lasts while a consctl that asked for it is open (cons(3)): rawoff or its
  // close ends it, so a command that dies in raw mode gives the terminal back cooked.
  let raws = 0;
  const consctl = (): Handle => {
    let raw = false;
    const set = (on: boolean): void => {
      if (on === raw) return;
      raw = on;
      raws += on ? 1 : -1;
      if (raws === (on ? 1 : 0)) k.console?.ctl?.(on ? 'rawon' : 'rawoff');
    };
    return {
      write: (_off, data) => {
        for (const line of data.toString().split('\n')) {
          const msg = line.trim();
          if (msg === 'rawon' || msg === 'rawoff') set(msg === 'rawon');
          else if (msg) k.console?.ctl?.(msg);
        }
        return data.length;
      },
      close: () => set(false),
    };
  };

  const files: Node[] = [
    file('cons', 0o660, {
      read: (_off, n) => k.console?.read(n) ?? Buffer.alloc(0),
      write: (_off, data) => (k.console ? k.console.write(data) : (process.stdout.write(data), data.length)),
    }),
    file('consctl', 0o220, { open: () => consctl() }),
    file('null', 0o666, { read: () => Buffer.alloc(0), write: (_off, data) => data.length }),
    file('zero', 0o444, { read: (_off, n) => Buffer.alloc(n) }),
    text('pid', () => num(k.up?.pid ?? 0)),
    text('ppid', () => num(k.up?.ppid ?? 0)),
    text('user', () => k.up?.user ?? k.user),
    text('sysname', () => k.sysname),
    text('hostowner', () => k.hostowner),
    text('time', () => {
      const ns = BigInt(Date.now()) * 1_000_000n;
      return num(ns / 1_000_000_000n) + num(ns, 21) + num(process.hrtime.bigint(), 21) + num(1_000_000_000, 21);
    }),
    // node:crypto costs several milliseconds to load: only when /dev/random is read.
    file('random', 0o444, { read: async (_off, n) => (await import('node:crypto')).randomBytes(Math.min(n, 65536)) }),
    text('drivers', () => [...k.devtab.values()].map((d) => `#${d.letter} ${d.name}\n`).join('')),
  ];
  return treeDevice('c', 'cons', () => k.hostowner, () => root);
}
