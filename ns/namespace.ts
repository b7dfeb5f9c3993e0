/*
 * A process's view of its namespace group, and the Vfs the shell uses.
 *
 * NsGroup is what rfork shares or splits: the mount table, the root chan (`#/`, which a
 * clean namespace starts from) and the no-attach flag of rfork m. Namespace pairs a group
 * with the process using it, so servers that answer per process (#c/pid, #e, #p) are
 * called "as" that process. Every path operation is namec's: parse the start (`/` or a
 * `#x` device, whose paths do not see mounts), walk (walk.ts), then for open/stat/bind-new
 * step through a mount on the last name. bind/mount/unmount edit the table (mount.ts);
 * nsText renders it as /proc/N/ns and applyNsLine performs one such line (ANTS's writable
 * ns). Every failure is an NsError with Plan 9's words.
 */
import { type DevId, devIdOf, KChan } from './chan.js';
import { unpackDirs } from './dirfmt.js';
import {
  Ebadarg, Ebadsharp, Eexist, Efilename, Emountrpc, Enoattach, Enocreate, guard, nserror,
} from './errors.js';
import type { Kernel } from './kernel.js';
import { MCACHE, MCREATE, MORDER, MountTable } from './mount.js';
import { type NsOp, parseNsOp, rcquote, renderMount, tokenize } from './nstext.js';
import { FileChan, type RunAs } from './openchan.js';
import type { KProc } from './proc.js';
import { type Dir, type FileServer, type Fid, NsError, OEXCL, OREAD, OTRUNC, type Qid, type WalkOpened, type Where } from './types.js';
import { createTarget, UnionDirChan } from './union.js';
import { cleanname, type Chan, OAPPEND, type Vfs } from './vfs.js';
import { domount, elemName, qname, type WalkReply, type WalkStep, type Walked, walkNames } from './walk.js';

/** Fids a walk opened as it went (drive's open), with the outcome of the open. */
const preopened = new WeakMap<Fid, WalkOpened>();

export class NsGroup {
  readonly table: MountTable;
  /** rfork m: no more mounts, and no `#` paths but `#|`, `#d`, `#e`, `#c`, `#p`. */
  noattach = false;
  /** Processes using the group (KProc.ns): when the last of them lets go, its mounts go. */
  private users = 0;

  constructor(
    readonly slash: KChan,
    table?: MountTable,
  ) {
    this.table = table ?? new MountTable();
  }

  hold(): void {
    this.users++;
  }

  /**
   * A process lets go (it exited, or moved to another group). The last one unmounts
   * everything, as Plan 9's closepgrp does: each chan the table held is released, and a
   * 9P connection whose last fid that was hangs up. A group no process ever held (an
   * export's snapshot) is kept by whoever made it.
   */
  drop(): void {
    if (--this.users === 0) this.table.clear();
  }
}

interface Start {
  w: Walked;
  names: string[];
  base: string;
  nomount: boolean;
}

interface Parsed {
  dev?: { letter: string; spec: string };
  names: string[];
  base: string;
}

/** Split a path into its start (`/` or `#xspec`) and cleaned names. */
export function parsePath(path: string): Parsed {
  if (path === '') throw new NsError(Efilename);
  if (path.startsWith('#')) {
    const letter = String.fromCodePoint(path.codePointAt(1) ?? 0);
    if (path.length < 2) throw new NsError(Ebadsharp);
    const rest = path.slice(1 + letter.length);
    const slash = rest.indexOf('/');
    const spec = slash < 0 ? rest : rest.slice(0, slash);
    const tail = slash < 0 ? '' : rest.slice(slash);
    return { dev: { letter, spec }, names: splitNames(tail), base: '#' + letter + spec };
  }
  return { names: splitNames(path), base: '/' };
}

function splitNames(p: string): string[] {
  const c = cleanname('/' + p);
  if (c.includes('\0')) throw new NsError(Efilename);
  return c === '/' ? [] : c.slice(1).split('/');
}

function lastName(p: Parsed): string {
  return p.names.length > 0 ? p.names[p.names.length - 1]! : p.base;
}

const DEV_M = 'M'.codePointAt(0)!;

export class Namespace implements Vfs {
  private readonly as: RunAs;

  constructor(
    readonly kernel: Kernel,
    readonly group: NsGroup,
    readonly proc?: KProc,
  ) {
    this.as = (fn) => kernel.as(proc, fn);
  }

  /** A namespace holding nothing but `#/` at `/` (rfork N's starting point). */
  static async fresh(kernel: Kernel, proc?: KProc): Promise<Namespace> {
    const root = await kernel.attach('/', '');
    // The group's root is named `/`, as /proc/N/ns shows it, not `#/`.
    const fid = (await root.c.fid.walk([])).fid;
    if (!fid) throw new NsError(Eexist);
    if (root.owned) root.c.release();
    return new Namespace(kernel, new NsGroup(new KChan(fid, root.c.dev, '/')), proc);
  }

  /** rfork n: a copy of the group, for this process. */
  copy(): Namespace {
    const g = new NsGroup(this.group.slash.incref(), this.group.table.copy());
    g.noattach = this.group.noattach;
    return new Namespace(this.kernel, g, this.proc);
  }

  /** rfork N: a clean group — only `#/` at `/`; the no-attach flag is inherited. */
  clean(): Namespace {
    const g = new NsGroup(this.group.slash.incref());
    g.noattach = this.group.noattach;
    return new Namespace(this.kernel, g, this.proc);
  }

  /** The same group seen by another process (a child that did not rfork n). */
  forProc(proc: KProc): Namespace {
    return new Namespace(this.kernel, this.group, proc);
  }

  /* ---- path evaluation ---- */

  private async start(path: string): Promise<Start> {
    const p = parsePath(path);
    if (!p.dev) return { w: { c: this.group.slash, owned: false }, names: p.names, base: p.base, nomount: false };
    this.checkAttach(p.dev.letter);
    const r = await this.as(() => this.kernel.attach(p.dev!.letter, p.dev!.spec));
    return { w: { c: r.c, owned: r.owned }, names: p.names, base: p.base, nomount: true };
  }

  private startSync(path: string): Start | undefined {
    const p = parsePath(path);
    if (!p.dev) return { w: { c: this.group.slash, owned: false }, names: p.names, base: p.base, nomount: false };
    this.checkAttach(p.dev.letter);
    const r = this.as(() => this.kernel.attachSync(p.dev!.letter, p.dev!.spec));
    return r && { w: { c: r.c, owned: r.owned }, names: p.names, base: p.base, nomount: true };
  }

  private checkAttach(letter: string): void {
    if (this.group.noattach && !'|decp'.includes(letter)) throw new NsError(Enoattach);
  }

  /**
   * Run a walk. With open (a mode), the batch ending the walk is walked and opened in one
   * go (Fid.walkOpen: one round trip to a 9P server, not two) when no mount point lies on
   * its device in this table, so none can lie on the names it walks; openWalked then
   * takes the open's outcome from `preopened` instead of opening.
   */
  private async drive<R>(g: Generator<WalkStep, R, WalkReply>, open?: { mode: number; table?: MountTable }): Promise<R> {
    let r = g.next();
    while (!r.done) {
      const { fid, names, dev, last } = r.value;
      let reply: WalkReply;
      try {
        if (fid.walkSync) reply = this.as(() => fid.walkSync!(names));
        else if (open && last && fid.walkOpen && !open.table?.hasOn(dev)) {
          const w = await this.as(() => fid.walkOpen!(names, open.mode));
          if (w.fid && (w.opened || w.openErr !== undefined)) preopened.set(w.fid, w);
          reply = w;
        } else reply = await this.as(() => fid.walk(names));
      } catch (e) {
        reply = { err: nserror(e) };
      }
      r = g.next(reply);
    }
    return r.value;
  }

  private driveSync<R>(g: Generator<WalkStep, R, WalkReply>): R | undefined {
    let r = g.next();
    while (!r.done) {
      const { fid, names } = r.value;
      if (!fid.walkSync) {
        g.return(undefined as R);
        return undefined;
      }
      let reply: WalkReply;
      try {
        reply = this.as(() => fid.walkSync!(names));
      } catch (e) {
        reply = { err: nserror(e) };
      }
      r = g.next(reply);
    }
    return r.value;
  }

  /**
   * namec: evaluate path. `final` steps through a mount on the last name (open, stat,
   * bind's new); without it the result is the mounted-on chan itself (bind's old).
   */
  private async namec(path: string, final: boolean, openMode?: number): Promise<Walked & { s: Start }> {
    const s = await this.start(path);
    const table = s.nomount ? undefined : this.group.table;
    let w = await this.drive(walkNames(table, s.w, s.base, s.names), openMode === undefined ? undefined : { mode: openMode & ~OEXCL, table });
    if (final) w = domount(table, w);
    return { ...w, s };
  }

  /** An owned fid for a walked chan: cloned when the chan belongs to the mount table. */
  private async own(w: Walked): Promise<Fid> {
    if (w.owned) return w.c.fid;
    const r = await this.as(() => w.c.fid.walk([]));
    if (!r.fid) throw new NsError(Eexist);
    return r.fid;
  }

  private release(w: Walked): void {
    if (w.owned) w.c.release();
  }

  private tableFor(s: Start): MountTable | undefined {
    return s.nomount ? undefined : this.group.table;
  }

  /* ---- Vfs ---- */

  async open(path: string, mode: number): Promise<Chan> {
    return guard(async () => {
      const w = await this.namec(path, true, mode);
      return this.openWalked(w, path, mode);
    });
  }

  private async openWalked(w: Walked, path: string, mode: number): Promise<Chan> {
    if (w.c.isDir && w.head && w.head.mounts.length > 1 && (mode & 3) === OREAD) {
      const ch = new UnionDirChan(w.head, path, this.as);
      this.release(w);
      return ch;
    }
    const pre = w.owned ? preopened.get(w.c.fid) : undefined;
    if (pre) preopened.delete(w.c.fid);
    const fid = await this.own(w);
    try {
      if (pre?.openErr !== undefined) throw pre.openErr;
      const r = pre?.opened ?? (await this.as(() => fid.open(mode & ~OEXCL)));
      const end = (mode & OAPPEND) !== 0 ? (await this.as(() => fid.stat())).length : 0;
      const ch = new FileChan(fid, path, r.iounit, this.as, end);
      if (w.c.isDir && w.c.dev.letter === 'M') ch.mountDev = w.c.dev.id;
      return ch;
    } catch (e) {
      fid.clunk().catch(() => {});
      throw e;
    }
  }

  async create(path: string, mode: number, perm: number): Promise<Chan> {
    return guard(async () => {
      const s = await this.start(path);
      if (s.names.length === 0) throw new NsError(qname(path) + ' ' + Eexist);
      const table = this.tableFor(s);
      const parentNames = s.names.slice(0, -1);
      const name = s.names[s.names.length - 1]!;
      const parent = await this.drive(walkNames(table, s.w, s.base, parentNames));
      try {
        const pbase = elemName(s.base, s.names, parentNames.length);
        let found: Walked | undefined;
        try {
          found = await this.drive(walkNames(table, { c: parent.c, owned: false }, pbase, [name]));
        } catch {
          found = undefined;
        }
        if (found) {
          if ((mode & OEXCL) !== 0) {
            this.release(found);
            throw new NsError(qname(path) + ' ' + Eexist);
          }
          return this.openWalked(domount(table, found), path, mode | OTRUNC);
        }
        let dir = parent.c;
        const head = table?.find(parent.c);
        if (head) {
          const t = createTarget(head);
          if (!t) throw new NsError(qname(path) + ' ' + Enocreate);
          dir = t;
        }
        const fid = await this.own({ c: dir, owned: false });
        try {
          const r = await this.as(() => fid.create(name, perm, mode & ~OEXCL));
          return new FileChan(fid, path, r.iounit, this.as);
        } catch (e) {
          fid.clunk().catch(() => {});
          throw e;
        }
      } finally {
        this.release(parent);
      }
    });
  }

  async stat(path: string): Promise<Dir> {
    return guard(async () => {
      const w = await this.namec(path, true);
      try {
        const d = await this.as(() => w.c.fid.stat());
        return { ...d, name: lastName(parsePath(path)), type: w.c.dev.letter.codePointAt(0) ?? 0, dev: w.c.dev.id };
      } finally {
        this.release(w);
      }
    });
  }

  async readdir(path: string): Promise<Dir[]> {
    return guard(async () => {
      const ch = await this.open(path, OREAD);
      try {
        const out: Dir[] = [];
        for (;;) {
          const b = await ch.read(65536);
          if (b.length === 0) return out;
          // Kernel devices fill in their letter; what a mounted server sends is `M`'s, as
          // Plan 9's mount driver marks every entry it passes on.
          for (const d of unpackDirs(b)) out.push(d.type === 0 ? { ...d, type: DEV_M } : d);
        }
      } finally {
        ch.close();
      }
    });
  }

  hostPath(path: string): string | undefined {
    return this.hostBehind(path, false);
  }

  /**
   * The host directory behind path when nothing is mounted on any file of its device, so
   * every name walked down from it is that host directory's file: what lets a host
   * program's relative arguments go unlooked-up (shell/hostpolicy.ts).
   */
  hostTree(path: string): string | undefined {
    return this.hostBehind(path, true);
  }

  /** The host path of the file at path (with plain: only when nothing is mounted on its device). */
  private hostBehind(path: string, plain: boolean): string | undefined {
    try {
      const s = this.startSync(path);
      if (!s) return undefined;
      const table = this.tableFor(s);
      const w0 = this.driveSync(walkNames(table, s.w, s.base, s.names));
      if (!w0) return undefined;
      const w = domount(table, w0);
      const hp = w.c.fid.hostPath;
      const ok = !plain || (!table?.hasOn(w.c.dev) && !(w.head && w.head.mounts.length > 1));
      this.release(w);
      return ok ? hp : undefined;
    } catch {
      return undefined;
    }
  }


  /**
   * The host directories behind path: each `#U` member of a union in order, or the one
   * host path of a plain directory. What $path becomes in a host program's PATH, so a
   * /bin that unions the host's PATH directories hands them all on.
   */
  hostPaths(path: string): string[] {
    try {
      const s = this.startSync(path);
      if (!s) return [];
      const table = this.tableFor(s);
      const w = this.driveSync(walkNames(table, s.w, s.base, s.names));
      if (!w) return [];
      const head = table?.find(w.c);
      const out = head ? head.mounts.map((m) => m.to.fid.hostPath).filter((h): h is string => h !== undefined) : [];
      if (!head && w.c.fid.hostPath !== undefined) out.push(w.c.fid.hostPath);
      this.release(w);
      return out;
    } catch {
      return [];
    }
  }

  async where(path: string): Promise<Where> {
    return guard(async () => {
      const w = await this.namec(path, true);
      try {
        const members = w.head && w.c.isDir ? w.head.mounts.map((m) => m.to) : [w.c];
        const out: Where = { hosts: [] };
        for (const c of members) {
          const at = await this.placeOf(c);
          out.hosts.push(...at.hosts.filter((h) => !out.hosts.includes(h)));
          if (out.server === undefined && at.server !== undefined) [out.server, out.mtpt] = [at.server, at.mtpt];
          out.device ??= at.device;
        }
        return out;
      } finally {
        this.release(w);
      }
    });
  }

  /** Where one chan's file lives: forwarded by an in-process export, #U's host path, else its mount's source or device. */
  private async placeOf(c: KChan): Promise<Where> {
    if (c.fid.where) return this.as(() => c.fid.where!());
    if (c.fid.hostPath !== undefined) return { hosts: [c.fid.hostPath] };
    if (c.dev.letter !== 'M') return { hosts: [], device: '#' + c.dev.letter };
    const m = this.group.table.entries().find((e) => e.mount.to.dev.id === c.dev.id && e.mount.srv !== undefined);
    return { hosts: [], server: m?.mount.srv ?? '#M', mtpt: m?.head.from.path };
  }

  async remove(path: string): Promise<void> {
    return guard(async () => {
      const w = await this.namec(path, true);
      const fid = await this.own(w);
      await this.as(() => fid.remove());
    });
  }

  async wstat(path: string, dir: Partial<Dir>): Promise<void> {
    return guard(async () => {
      const w = await this.namec(path, true);
      try {
        await this.as(() => w.c.fid.wstat(dir));
      } finally {
        this.release(w);
      }
    });
  }

  /** pipe(2): the two ends (data, data1) of one new `#|` pipe, open for reading and writing. */
  async pipe(): Promise<[Chan, Chan]> {
    return guard(async () => {
      const { c } = await this.as(() => this.kernel.attach('|', ''));
      try {
        const end = async (name: string): Promise<Chan> => {
          const w = await this.as(() => c.fid.walk([name]));
          const fid = w.fid!;
          const r = await this.as(() => fid.open(2));
          return new FileChan(fid, '#|/' + name, r.iounit, this.as);
        };
        return [await end('data'), await end('data1')];
      } finally {
        c.release();
      }
    });
  }

  /* ---- bind, mount, unmount ---- */

  private checkFlag(flag: number, mount: boolean): void {
    const allowed = MORDER | MCREATE | (mount ? MCACHE : 0);
    if ((flag & ~allowed) !== 0 || (flag & MORDER) === MORDER) throw new NsError(Ebadarg);
  }

  /** bind(2): returns the mount id. */
  async bind(newPath: string, oldPath: string, flag: number): Promise<number> {
    return guard(async () => {
      this.checkFlag(flag, false);
      const nw = await this.namec(newPath, true);
      // Through a mount point the walk ends on the mounted root, named for its server;
      // the entry is named by the path given, as Plan 9's chan keeps the name walked.
      let to = nw.c;
      if (to.path !== newPath && !newPath.startsWith('#')) {
        const fid = nw.owned ? nw.c.fid : (await this.as(() => nw.c.fid.walk([]))).fid;
        if (!fid) throw new NsError(Eexist);
        to = new KChan(fid, nw.c.dev, newPath);
        nw.owned = false;
      } else if (nw.owned) {
        nw.owned = false;
      } else to.incref();
      try {
        const old = await this.namec(oldPath, false);
        try {
          return this.group.table.mount(to, nw.head, old.c, flag);
        } finally {
          this.release(old);
        }
      } finally {
        to.release();
      }
    });
  }

  /** mount(2) of a srv file (`/srv/name`, `#s/name`): attaches the server it stands for. */
  async mount(srvPath: string, oldPath: string, flag: number, spec = ''): Promise<number> {
    return guard(async () => {
      this.checkFlag(flag, true);
      if (this.group.noattach) throw new NsError(Enoattach);
      const w = await this.namec(srvPath, true);
      let server: FileServer | undefined;
      try {
        server = w.c.fid.server;
        const driver = this.kernel.mountDriver;
        if (!server && driver) server = await this.as(() => driver(w.c.fid, srvPath));
      } finally {
        this.release(w);
      }
      if (!server) throw new NsError(Emountrpc);
      const srv = server;
      const name = this.as(() => this.kernel.srvName(srv)) ?? srvPath;
      return this.mountServer(server, oldPath, flag, spec, name);
    });
  }

  /** Mount an in-process server directly; `srvName` is what /proc/N/ns shows for it. */
  async mountServer(server: FileServer, oldPath: string, flag: number, spec = '', srvName = '#M'): Promise<number> {
    return guard(async () => {
      this.checkFlag(flag, true);
      if (this.group.noattach) throw new NsError(Enoattach);
      const fid = await this.as(() => server.attach(this.proc?.user ?? this.kernel.user, spec));
      const root = new KChan(fid, devIdOf(server, spec, 'M'), '#M');
      try {
        const old = await this.namec(oldPath, false);
        try {
          return this.group.table.mount(root, undefined, old.c, flag, spec, srvName, server);
        } finally {
          this.release(old);
        }
      } finally {
        root.release();
      }
    });
  }

  /** unmount(2): everything on old, or the one member new (a path, or a srv file). */
  async unmount(newPath: string | undefined, oldPath: string): Promise<void> {
    return guard(async () => {
      const old = await this.namec(oldPath, false);
      try {
        if (newPath === undefined) {
          this.group.table.unmount(old.c);
          return;
        }
        const nw = await this.namec(newPath, true);
        try {
          this.group.table.unmount(old.c, nw.c);
        } finally {
          this.release(nw);
        }
      } finally {
        this.release(old);
      }
    });
  }

  /* ---- the namespace as text ---- */

  /** /proc/N/ns: one line per mount in mount-id order, then `cd DIR`. */
  nsText(cwd = this.proc?.cwd ?? '/'): string {
    const lines = this.group.table.entries().map(({ head, mount }) => renderMount(head, mount));
    lines.push('cd ' + rcquote(cwd));
    return lines.join('\n') + '\n';
  }

  /**
   * Perform one /proc/N/ns line (ANTS's writable ns): bind, mount, unmount; `cd` and
   * malformed lines are `bad arg in system call`, `#|` paths `unknown device in #
   * filename`, other verbs are ignored.
   */
  async applyNsLine(line: string): Promise<void> {
    return guard(async () => {
      const op = parseNsOp(tokenize(line));
      for (const p of opPaths(op)) if (p.startsWith('#|')) throw new NsError(Ebadsharp);
      switch (op.op) {
        case 'bind':
          await this.bind(op.new, op.old, op.flag);
          return;
        case 'mount':
          await this.mount(op.srv, op.old, op.flag, op.spec);
          return;
        case 'unmount':
          await this.unmount(op.new, op.old);
          return;
        case 'cd':
        case 'clear':
        case 'include':
          throw new NsError(Ebadarg);
        default:
          return;
      }
    });
  }

  /** The identity of the chan a path names (for tests and tools comparing files). */
  async identity(path: string): Promise<{ dev: DevId; qid: Qid }> {
    return guard(async () => {
      const w = await this.namec(path, true);
      const r = { dev: w.c.dev, qid: { ...w.c.qid } };
      this.release(w);
      return r;
    });
  }
}

function opPaths(op: NsOp): string[] {
  switch (op.op) {
    case 'bind':
      return [op.new, op.old];
    case 'mount':
      return [op.srv, op.old];
    case 'unmount':
      return op.new === undefined ? [op.old] : [op.new, op.old];
    default:
      return [];
  }
}
