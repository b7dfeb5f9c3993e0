/*
 * cpns, addns and subns as operations, not lines (ANTS compares /proc/N/ns texts line
 * by line; that adds what is missing but cannot say what a union should end up as).
 *
 * A /proc/N/ns text lists mount entries in creation order, each one member of the union
 * at its mount point. Replaying them gives every mount point its ordered member list
 * (a replacing entry starts the list, -b puts a member first, -a last). To make a target
 * look like a model, each mount point is compared as a whole:
 *  - equal lists: nothing;
 *  - the model's list is the target's with some members dropped: unmount those members;
 *  - otherwise (or for a point only the target has): unmount the point, then replay the
 *    model's entries for it.
 * Removals run first, newest mount first, so nothing is unmounted from under a later
 * mount whose path runs through it; additions then run in the model's own creation order,
 * which is an order in which every `new` path already resolved once.
 */
import { type NsOp, parseNsOp, rcquote, tokenize } from './nstext.js';
import { MAFTER, MBEFORE, MORDER } from './mount.js';

interface Entry {
  /** Position in the text: creation order. */
  seq: number;
  line: string;
  old: string;
  /** What the member is: `bind NEW` or `mount SRV SPEC`, the same in any namespace. */
  key: string;
  /** The `new` argument of an unmount that removes just this member. */
  unmountNew: string;
  flag: number;
  self: boolean;
}

interface Point {
  old: string;
  /** Members in union order. */
  members: Entry[];
  /** Every entry ever made at this point, in creation order (what replays it). */
  entries: Entry[];
  first: number;
}

function entries(text: string): Entry[] {
  const out: Entry[] = [];
  text.split('\n').forEach((line, seq) => {
    let op: NsOp;
    try {
      op = parseNsOp(tokenize(line));
    } catch {
      return;
    }
    if (op.op === 'bind') {
      out.push({ seq, line, old: op.old, key: 'bind ' + op.new, unmountNew: op.new, flag: op.flag, self: op.new === op.old && op.flag === 0 });
    } else if (op.op === 'mount') {
      out.push({ seq, line, old: op.old, key: `mount ${op.srv} ${op.spec}`, unmountNew: op.srv, flag: op.flag, self: false });
    }
  });
  return out;
}

/** The mount points of a /proc/N/ns text with their unions, in order of first creation. */
export function mountPoints(text: string): Map<string, Point> {
  const points = new Map<string, Point>();
  for (const e of entries(text)) {
    let p = points.get(e.old);
    if (!p) points.set(e.old, (p = { old: e.old, members: [], entries: [], first: e.seq }));
    const order = e.flag & MORDER;
    if (order === MBEFORE) p.members.unshift(e);
    else if (order === MAFTER) p.members.push(e);
    else {
      p.members = [e];
      p.entries = [];
    }
    p.entries.push(e);
  }
  return points;
}

const keys = (p?: Point): string[] => p?.members.map((m) => m.key + ' ' + (m.flag & ~MORDER)) ?? [];

/** The members of `have` not in `want`, when dropping exactly them leaves `want`; else undefined. */
function extras(have: Point, want: Point): Entry[] | undefined {
  const w = keys(want);
  const h = keys(have);
  const drop: Entry[] = [];
  let j = 0;
  h.forEach((k, i) => {
    if (j < w.length && k === w[j]) j++;
    else drop.push(have.members[i]!);
  });
  if (j !== w.length || drop.some((d) => d.self)) return undefined;
  return drop;
}

const unmountAll = (p: Point) => 'unmount ' + rcquote(p.old);
const unmountOne = (e: Entry) => `unmount ${rcquote(e.unmountNew)} ${rcquote(e.old)}`;

/** The /proc/N/ns lines that turn the target's namespace into the model's (cd lines aside). */
export function cpnsOps(model: string, target: string): string[] {
  const m = mountPoints(model);
  const t = mountPoints(target);
  const removals: { seq: number; line: string }[] = [];
  const replay: Point[] = [];
  for (const tp of t.values()) {
    const mp = m.get(tp.old);
    if (!mp) {
      removals.push({ seq: tp.first, line: unmountAll(tp) });
      continue;
    }
    if (keys(mp).join('\n') === keys(tp).join('\n')) continue;
    const drop = extras(tp, mp);
    if (drop) for (const d of drop) removals.push({ seq: d.seq, line: unmountOne(d) });
    else {
      removals.push({ seq: tp.first, line: unmountAll(tp) });
      replay.push(mp);
    }
  }
  for (const mp of m.values()) if (!t.has(mp.old)) replay.push(mp);
  removals.sort((a, b) => b.seq - a.seq);
  const adds = replay.flatMap((p) => p.entries).sort((a, b) => a.seq - b.seq);
  return [...removals.map((r) => r.line), ...adds.map((e) => e.line)];
}

/** addns: the model's members the target lacks, added after what the target has. */
export function addnsOps(model: string, target: string): string[] {
  const m = mountPoints(model);
  const t = mountPoints(target);
  const adds: Entry[] = [];
  const extra: string[] = [];
  for (const mp of m.values()) {
    const tp = t.get(mp.old);
    if (!tp) {
      adds.push(...mp.entries);
      continue;
    }
    const have = new Set(keys(tp));
    mp.members.forEach((e, i) => {
      if (e.self || have.has(keys(mp)[i]!)) return;
      // The target keeps what it has: a member that replaced in the model joins after.
      if ((e.flag & MORDER) === 0) extra.push(e.line.replace(/^(bind|mount) /, '$1 -a ').replace(/ -a -/, ' -a'));
      else adds.push(e);
    });
  }
  return [...adds.sort((a, b) => a.seq - b.seq).map((e) => e.line), ...extra];
}

/** subns: unmount from the target every member it shares with the model. */
export function subnsOps(model: string, target: string): string[] {
  const m = mountPoints(model);
  const t = mountPoints(target);
  const out: { seq: number; line: string }[] = [];
  for (const tp of t.values()) {
    const mp = m.get(tp.old);
    if (!mp) continue;
    const shared = new Set(keys(mp));
    const tk = keys(tp);
    const drop = tp.members.filter((e, i) => !e.self && shared.has(tk[i]!));
    if (drop.length === tp.members.filter((e) => !e.self).length) out.push({ seq: tp.first, line: unmountAll(tp) });
    else for (const d of drop) out.push({ seq: d.seq, line: unmountOne(d) });
  }
  return out.sort((a, b) => b.seq - a.seq).map((o) => o.line);
}
