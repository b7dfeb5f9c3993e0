/*
 * What the #I and #l file servers share (Plan 9's devgen/devwalk/devdirread, for devices
 * whose files are computed rather than stored): a file is named by a location value; a
 * device says what a location's children are and what a location is (name, qid, perm);
 * walking, directory reads and stat follow from that. Opening, reading and writing stay
 * with each device, since that is where they differ.
 */
import { dirRead, type DirSnapshot } from '../dirfmt.js';
import { Enonexist, Enotdir } from '../errors.js';
import { DMDIR, type Dir, NsError, type Qid, QTDIR } from '../types.js';

export interface Gen<L> {
  /** Name, qid and permission bits (DMDIR for directories) of a location. */
  info(l: L): { name: string; qid: Qid; perm: number; length?: number };
  children(l: L): L[];
  child(l: L, name: string): L | undefined;
  parent(l: L): L;
}

export const isDir = (q: Qid): boolean => (q.type & QTDIR) !== 0;

export const qid = (path: number, dir = false): Qid => ({ type: dir ? QTDIR : 0, vers: 0, path });

export function dirOf<L>(g: Gen<L>, l: L, owner: string, type: number): Dir {
  const i = g.info(l);
  const now = Math.floor(Date.now() / 1000);
  return {
    type, dev: 0, qid: { ...i.qid }, mode: i.perm >>> 0, atime: now, mtime: now,
    length: i.length ?? 0, name: i.name, uid: owner, gid: owner, muid: owner,
  };
}

/** Walk names from l; the locations reached (stopping at the first miss, as Twalk). */
export function genWalk<L>(g: Gen<L>, l: L, names: string[]): { locs: L[]; qids: Qid[] } {
  const locs: L[] = [];
  const qids: Qid[] = [];
  let cur = l;
  for (const name of names) {
    if (!isDir(g.info(cur).qid)) {
      if (qids.length === 0) throw new NsError(Enotdir);
      break;
    }
    const next = name === '..' ? g.parent(cur) : name === '.' ? cur : g.child(cur, name);
    if (next === undefined) {
      if (qids.length === 0) throw new NsError(Enonexist);
      break;
    }
    cur = next;
    locs.push(cur);
    qids.push(g.info(cur).qid);
  }
  return { locs, qids };
}

export function genDirRead<L>(g: Gen<L>, l: L, state: { snap?: DirSnapshot }, offset: number, count: number, owner: string, type: number): Promise<Buffer> {
  return dirRead(state, offset, count, () => g.children(l).map((c) => dirOf(g, c, owner, type)));
}

/** A read at offset of a whole text. */
export function readText(s: string, offset: number, count: number): Buffer {
  const b = Buffer.from(s);
  if (offset >= b.length) return Buffer.alloc(0);
  return b.subarray(offset, Math.min(b.length, offset + count));
}

export const DIRPERM = DMDIR | 0o555;
