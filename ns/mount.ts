/*
 * The mount table of a namespace group (Plan 9's Pgrp mount hash and cmount/cunmount).
 *
 * A MountHead sits on a mounted-on chan (`from`, found by identity) and holds the ordered
 * members of what that name now is: one member after a replacing bind, several for a
 * union. The rules, as in 9front's chan.c:
 *  - file onto directory or the reverse, or -a/-b onto a file: `inconsistent mount`;
 *  - the first -a/-b on a directory nothing is mounted on makes the directory itself a
 *    member (a "self" entry, flag 0) before the new one, so it stays visible;
 *  - binding a union copies its members (after the first) behind the new entry, -a for a
 *    replacing bind, else with the bind's own order;
 *  - a replacing bind frees the old members; -b puts the new ones first, -a last;
 *  - MCREATE cannot be added when `new` is a union (`inconsistent mount`).
 * Mount ids come from one counter for the whole program, so /proc/N/ns can list entries
 * in the order they were made, and replaying that text rebuilds the table.
 */
import { type DevId, type KChan, chanKey } from './chan.js';
import { Emount, Eunion, Eunmount } from './errors.js';
import { type FileServer, NsError, type Qid } from './types.js';

export const MREPL = 0x0000;
export const MBEFORE = 0x0001;
export const MAFTER = 0x0002;
export const MORDER = 0x0003;
export const MCREATE = 0x0004;
export const MCACHE = 0x0010;

export interface Mount {
  readonly id: number;
  readonly to: KChan;
  readonly flag: number;
  /** The attach spec of a mount. */
  readonly spec: string;
  /** For a mount: the srv file as /proc/N/ns shows it (`#s/name`); absent for a bind. */
  readonly srv?: string;
  /** For a mount: the server attached, so `unmount /srv/x old` can find it. */
  readonly server?: FileServer;
}

export interface MountHead {
  readonly from: KChan;
  mounts: Mount[];
}

let mountIds = 0;

function newMount(to: KChan, flag: number, spec: string, srv?: string, server?: FileServer): Mount {
  to.incref();
  return { id: ++mountIds, to, flag, spec, srv, server };
}

export class MountTable {
  private readonly heads = new Map<string, MountHead>();
  /** How many mount points each device instance has (by DevId.id). */
  private readonly perDev = new Map<number, number>();

  find(c: KChan): MountHead | undefined {
    return this.heads.get(c.key);
  }

  findQid(dev: DevId, qid: Qid): MountHead | undefined {
    return this.heads.get(chanKey(dev, qid));
  }

  /** Whether any chan of device instance dev is mounted on: if not, no walk in it meets a mount point. */
  hasOn(dev: DevId): boolean {
    return this.perDev.has(dev.id);
  }

  private countDev(id: number, d: number): void {
    const n = (this.perDev.get(id) ?? 0) + d;
    if (n > 0) this.perDev.set(id, n);
    else this.perDev.delete(id);
  }

  get size(): number {
    return this.heads.size;
  }

  /**
   * cmount: put `to` (with the union `toHead` it was the first member of, if any) on `old`.
   * The table takes its own references; the caller keeps its own.
   */
  mount(
    to: KChan,
    toHead: MountHead | undefined,
    old: KChan,
    flag: number,
    spec = '',
    srv?: string,
    server?: FileServer,
  ): number {
    if (old.isDir !== to.isDir) throw new NsError(Emount);
    const order = flag & MORDER;
    if (!old.isDir && order !== MREPL) throw new NsError(Emount);
    const copying = toHead !== undefined && toHead.mounts.length > 0;
    if ((flag & MCREATE) !== 0 && copying && (toHead.mounts.length > 1 || (toHead.mounts[0]!.flag & MCREATE) === 0)) {
      throw new NsError(Emount);
    }
    let m = this.heads.get(old.key);
    if (!m) {
      m = { from: old.incref(), mounts: [] };
      this.heads.set(old.key, m);
      this.countDev(old.dev.id, 1);
      if (order !== MREPL) m.mounts.push(newMount(old, 0, ''));
    }
    const nm = [newMount(to, flag, spec, srv, server)];
    if (copying) {
      const flg = order === MREPL ? MAFTER : order;
      for (const um of toHead.mounts.slice(1)) nm.push(newMount(um.to, flg, um.spec, um.srv, um.server));
    }
    if (order === MREPL) {
      for (const f of m.mounts) f.to.release();
      m.mounts = [];
    }
    if (order === MAFTER && m.mounts.length > 0) m.mounts.push(...nm);
    else m.mounts = nm.concat(m.mounts);
    return nm[0]!.id;
  }

  /**
   * cunmount: everything on `old`, or the one member that is `mounted` (same chan, or a
   * mount of the same server) — `not mounted` / `not in union` otherwise.
   */
  unmount(old: KChan, mounted?: KChan): void {
    const m = this.heads.get(old.key);
    if (!m) throw new NsError(Eunmount);
    if (!mounted) {
      this.drop(m);
      return;
    }
    const server = mounted.fid.server;
    const i = m.mounts.findIndex((f) => f.to.key === mounted.key || (server !== undefined && f.server === server));
    if (i < 0) throw new NsError(Eunion);
    const [f] = m.mounts.splice(i, 1);
    f!.to.release();
    if (m.mounts.length === 0) this.drop(m);
  }

  private drop(m: MountHead): void {
    this.heads.delete(m.from.key);
    this.countDev(m.from.dev.id, -1);
    for (const f of m.mounts) f.to.release();
    m.mounts = [];
    m.from.release();
  }

  /** rfork n: the same mounts (same ids, shared chans) in a table of its own. */
  copy(): MountTable {
    const t = new MountTable();
    for (const [k, m] of this.heads) {
      m.from.incref();
      for (const f of m.mounts) f.to.incref();
      t.heads.set(k, { from: m.from, mounts: m.mounts.slice() });
    }
    for (const [id, n] of this.perDev) t.perDev.set(id, n);
    return t;
  }

  clear(): void {
    for (const m of [...this.heads.values()]) this.drop(m);
  }

  /** Every mount with its head, in mount-id order (the order /proc/N/ns lists them). */
  entries(): Array<{ head: MountHead; mount: Mount }> {
    const out: Array<{ head: MountHead; mount: Mount }> = [];
    for (const head of this.heads.values()) for (const mount of head.mounts) out.push({ head, mount });
    return out.sort((a, b) => a.mount.id - b.mount.id);
  }
}
