/*
 * Path evaluation (Plan 9's walk in chan.c), written once as a generator so it can be
 * driven asynchronously (every server) or synchronously (servers offering walkSync, which
 * is how hostPath() answers without a Promise).
 *
 * From a starting chan, names are walked in batches of up to 16 (one Twalk each):
 *  1. if the current chan is mounted on (a hash probe by identity), step to the first
 *     member of its mount head;
 *  2. walk the batch there; if the first name is missing and the head is a union, try the
 *     other members in order — the first member holding the name wins; if none does, a
 *     member's failure to answer (a hung-up server) is reported rather than another's
 *     "does not exist", and an interrupt stops the search;
 *  3. look up each qid walked (except the batch's last) in the mount table: at the first
 *     mount point, continue from its first member; the names walked past it are discarded.
 * So the cost is one probe per name walked, however many mounts the table holds. `..`
 * never reaches this code: paths are cleaned lexically first, so `..` out of a mounted
 * tree lands on the mount point's parent. The last name is not stepped through: callers
 * that open or stat do that (domount), bind's `old` and create's parent do not.
 */
import { type DevId, KChan } from './chan.js';
import { Edoesnotexist, Eintr, Enonexist, Enotdir } from './errors.js';
import type { MountHead, MountTable } from './mount.js';
import { type Fid, NsError, type Qid, QTDIR } from './types.js';

export const MAXWELEM = 16;

export interface WalkStep {
  fid: Fid;
  names: string[];
  /** The device instance fid belongs to. */
  dev: DevId;
  /** This batch ends the walk: the last name is in it. */
  last: boolean;
}

export type WalkReply = { fid?: Fid; qids: Qid[]; err?: undefined } | { err: NsError };

/** Where a walk stands: a chan, whether the walker owns it, and the mount head it came from. */
export interface Walked {
  c: KChan;
  owned: boolean;
  head?: MountHead;
}

/** Does a walk's error say only that the name is not there? */
function absent(e: NsError): boolean {
  return e.message === Enonexist || e.message === Enotdir || /does not exist|not found/.test(e.message);
}

/** The name of the first k of names below base (`/` or a device root such as `#U`). */
export function elemName(base: string, names: string[], k: number): string {
  if (k === 0) return base;
  const tail = names.slice(0, k).join('/');
  return base.endsWith('/') ? base + tail : base + '/' + tail;
}

/** Plan 9's `%#q`: always quoted, quotes doubled. */
export function qname(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

function nameErr(base: string, names: string[], k: number, msg: string): NsError {
  return new NsError(qname(elemName(base, names, k)) + ' ' + msg);
}

/** The final step of open/stat/bind-new: a mounted-on chan becomes its first member. */
export function domount(table: MountTable | undefined, w: Walked): Walked {
  const m = table?.find(w.c);
  if (!m) return w;
  if (w.owned) w.c.release();
  return { c: m.mounts[0]!.to, owned: false, head: m };
}

/** table undefined means "no mounts" (paths beginning with #). */
export function* walkNames(
  table: MountTable | undefined,
  start: Walked,
  base: string,
  names: string[],
): Generator<WalkStep, Walked, WalkReply> {
  let { c, owned, head } = start;
  let didmount = head !== undefined;
  let nhave = 0;
  try {
    while (nhave < names.length) {
      if (!c.isDir) throw nameErr(base, names, nhave, Enotdir);
      const ntry = Math.min(names.length - nhave, MAXWELEM);
      if (table && !didmount) {
        const m = table.find(c);
        if (m) {
          if (owned) c.release();
          c = m.mounts[0]!.to;
          owned = false;
        }
        head = m;
      }
      const batch = names.slice(nhave, nhave + ntry);
      let dev = c.dev;
      const last = nhave + ntry === names.length;
      let r: WalkReply = yield { fid: c.fid, names: batch, dev, last };
      if (r.err && head && r.err.message !== Eintr) {
        for (const f of head.mounts.slice(1)) {
          const r2: WalkReply = yield { fid: f.to.fid, names: batch, dev: f.to.dev, last };
          if (!r2.err) {
            r = r2;
            dev = f.to.dev;
            break;
          }
          // A member that could not answer (hung up) is what went wrong, not another's "does not exist".
          if (r2.err.message === Eintr) {
            r = r2;
            break;
          }
          if (absent(r.err) && !absent(r2.err)) r = r2;
        }
      }
      if (r.err) {
        const msg = r.err.message === Enonexist ? Edoesnotexist : r.err.message;
        throw nameErr(base, names, nhave + 1, msg);
      }
      didmount = false;
      let nc: KChan | undefined;
      let ncOwned = false;
      let nhead: MountHead | undefined;
      let n = 0;
      if (table) {
        for (let i = 0; i < r.qids.length && i < ntry - 1; i++) {
          const m = table.findQid(dev, r.qids[i]!);
          if (m) {
            nc = m.mounts[0]!.to;
            nhead = m;
            didmount = true;
            n = i + 1;
            break;
          }
        }
      }
      if (!nc) {
        if (!r.fid) {
          const q = r.qids;
          if (q.length === 0 || (q[q.length - 1]!.type & QTDIR) !== 0) {
            throw nameErr(base, names, nhave + q.length + 1, Edoesnotexist);
          }
          throw nameErr(base, names, nhave + q.length, Enotdir);
        }
        n = r.qids.length;
        nc = new KChan(r.fid, dev, elemName(base, names, nhave + n));
        ncOwned = true;
      } else if (r.fid) {
        r.fid.clunk().catch(() => {});
      }
      if (owned) c.release();
      c = nc;
      owned = ncOwned;
      head = nhead;
      nhave += n;
    }
  } catch (e) {
    if (owned) c.release();
    throw e;
  }
  return { c, owned, head: didmount ? head : undefined };
}
