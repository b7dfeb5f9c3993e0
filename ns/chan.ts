/*
 * The kernel's chan: a fid on some file server, plus the identity of the tree it belongs
 * to and the name it was reached by (Plan 9's Chan). Identity is (device instance, qid
 * path) — Plan 9's (type, dev, qid.path) — and is what the mount table is keyed by, so a
 * directory is the same mount point whichever name reaches it, and looking one up costs a
 * hash probe, not a scan. A device instance is one (server, attach name) pair; kernel
 * devices carry their letter (`#c`), mounted servers `M`, as stat's type.
 *
 * Chans held by mount tables are shared between copies of a namespace and reference
 * counted; the fid is clunked when the last table lets go.
 */
import type { FileServer, Fid, Qid } from './types.js';
import { QTDIR } from './types.js';

export interface DevId {
  /** Unique per (server, attach name) for the life of the process. */
  readonly id: number;
  /** The device letter (`c`, `e`, `U` …) or `M` for a mounted server. */
  readonly letter: string;
}

let devCounter = 0;
const devIds = new WeakMap<FileServer, Map<string, DevId>>();

export function devIdOf(server: FileServer, aname: string, letter: string): DevId {
  let m = devIds.get(server);
  if (!m) devIds.set(server, (m = new Map()));
  let d = m.get(aname);
  if (!d) m.set(aname, (d = { id: ++devCounter, letter }));
  return d;
}

export function chanKey(dev: DevId, qid: Qid): string {
  return dev.id + ':' + qid.path;
}

export class KChan {
  private refs = 1;
  readonly key: string;

  constructor(
    readonly fid: Fid,
    readonly dev: DevId,
    /** The name this chan was reached by, e.g. `/tmp/a` or `#c`: what /proc/N/ns shows. */
    readonly path: string,
  ) {
    this.key = chanKey(dev, fid.qid);
  }

  get qid(): Qid {
    return this.fid.qid;
  }

  get isDir(): boolean {
    return (this.fid.qid.type & QTDIR) !== 0;
  }

  incref(): this {
    this.refs++;
    return this;
  }

  /** Drop a reference; the last one clunks the fid (in the background: clunk cannot fail usefully). */
  release(): void {
    if (--this.refs === 0) this.fid.clunk().catch(() => {});
  }
}
