/*
 * cp [-gurx] fromfile tofile, cp [-gurx] fromfile ... todir: copy files, keeping their
 * permissions; -x also keeps the modification time (-g and -u, which ask for group and
 * owner, are accepted and left to the file server). -r, beyond Plan 9's cp, copies
 * directories and what they hold. copyTree is mv's way across directories too.
 */
import type { ProcLike } from '../types.js';
import type { Dir } from '../../ns/types.js';
import { DMDIR, OREAD, OWRITE } from '../../ns/types.js';
import { abs, basename, cmd, Exit, fserr, getopts, isDir, stat, tryStat, usage } from './lib.js';

const USAGE = 'usage:\tcp [-gurx] fromfile tofile\n\tcp [-gurx] fromfile ... todir';

export const sameFile = (a: Dir, b: Dir): boolean => a.qid.path === b.qid.path && a.type === b.type && a.dev === b.dev && a.qid.type === b.qid.type;

/** Names joined as a path. */
export const join = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : dir + '/' + name);

/**
 * Copy from (already statted as d) to to; a directory, with its contents, when recurse.
 * Failures are reported as `who: …` and counted; the copy goes on with the next file.
 */
export async function copyTree(p: ProcLike, who: string, from: string, d: Dir, to: string, o: { recurse: boolean; times: boolean }): Promise<number> {
  if (isDir(d)) {
    if (!o.recurse) {
      await p.err(`${who}: ${from} is a directory`);
      return 1;
    }
    const t = await tryStat(p, to);
    if (t && sameFile(t, d)) {
      await p.err(`${who}: ${from} and ${to} are the same file`);
      return 1;
    }
    if (!t) {
      try {
        (await p.vfs.create(abs(p, to), OREAD, DMDIR | (d.mode & 0o777) | 0o700)).close();
      } catch (e) {
        await p.err(`${who}: can't create ${to}: ${fserr(p, e, to)}`);
        return 1;
      }
    } else if (!isDir(t)) {
      await p.err(`${who}: ${to}: not a directory`);
      return 1;
    }
    let ents: Dir[];
    try {
      ents = await p.vfs.readdir(abs(p, from));
    } catch (e) {
      await p.err(`${who}: can't open ${from}: ${fserr(p, e, from)}`);
      return 1;
    }
    let failed = 0;
    for (const e of ents) failed += await copyTree(p, who, join(from, e.name), e, join(to, e.name), o);
    if (o.times || (d.mode & 0o777) !== ((d.mode & 0o777) | 0o700)) await p.vfs.wstat(abs(p, to), { mode: DMDIR | (d.mode & 0o777), ...(o.times ? { mtime: d.mtime } : {}) }).catch(() => {});
    return failed;
  }
  const t = await tryStat(p, to);
  if (t && sameFile(t, d)) {
    await p.err(`${who}: ${from} and ${to} are the same file`);
    return 1;
  }
  let src;
  try {
    src = await p.vfs.open(abs(p, from), OREAD);
  } catch (e) {
    await p.err(`${who}: can't open ${from}: ${fserr(p, e, from)}`);
    return 1;
  }
  try {
    let dst;
    try {
      dst = await p.vfs.create(abs(p, to), OWRITE, d.mode & 0o777);
    } catch (e) {
      await p.err(`${who}: can't create ${to}: ${fserr(p, e, to)}`);
      return 1;
    }
    try {
      for (;;) {
        let b: Buffer;
        try {
          b = await src.read(65536);
        } catch (e) {
          await p.err(`${who}: error reading ${from}: ${fserr(p, e, from)}`);
          return 1;
        }
        if (b.length === 0) break;
        try {
          await dst.write(b);
        } catch (e) {
          await p.err(`${who}: error writing ${to}: ${fserr(p, e, to)}`);
          return 1;
        }
      }
    } finally {
      dst.close();
    }
    if (o.times) await p.vfs.wstat(abs(p, to), { mode: d.mode & 0o777, mtime: d.mtime }).catch(() => {});
    return 0;
  } finally {
    src.close();
  }
}

/** The targets of cp or mv: [from, to] pairs, or a usage or `not a directory` exit. */
export async function targets(p: ProcLike, who: string, args: string[], use: string): Promise<[string, string][]> {
  if (args.length < 2) return usage(p, use);
  const last = args[args.length - 1]!;
  const t = await tryStat(p, last);
  if (t && isDir(t)) return args.slice(0, -1).map((f) => [f, join(last, basename(f))]);
  if (args.length > 2) {
    await p.err(`${who}: ${last} not a directory`);
    throw new Exit('bad usage');
  }
  return [[args[0]!, last]];
}

export const cp = cmd('cp', async (p, argv) => {
  const o = getopts(argv, 'gurx');
  if (!o) return usage(p, USAGE);
  let failed = 0;
  for (const [from, to] of await targets(p, 'cp', o.args, USAGE)) {
    let d: Dir;
    try {
      d = await stat(p, from);
    } catch (e) {
      await p.err(`cp: can't stat ${from}: ${fserr(p, e, from)}`);
      failed++;
      continue;
    }
    failed += await copyTree(p, 'cp', from, d, to, { recurse: o.has.has('r'), times: o.has.has('x') });
  }
  return failed ? 'errors' : '';
});
