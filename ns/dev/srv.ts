/*
 * `#s`: the srv registry (srv(3)), where servers are posted by name for others to mount.
 * A SrvGroup holds in-process posts (a FileServer, the poster's pid — its posts go when it
 * exits) and mirrors the host srv directory of Unix-domain sockets, honouring $NAMESPACE
 * as plan9port does (default /tmp/ns.$USER.$DISPLAY), so sockets placed there by
 * plan9port servers appear as entries too. Mounting an in-process entry attaches its
 * server directly (the Fid's `server`); a socket entry carries its host path, for the 9P
 * mount driver (kernel.mountDriver) to dial. rfork V gives a process a private, empty
 * group with no host directory.
 *
 * Whatever is in the srv directory is trusted: a socket there shows in /srv, and the /net
 * daemon's socket there carries the user's network. So, as plan9port's getns does, a
 * directory that exists is used only if it is the user's own and no one else may enter
 * it (mode 0700 or less); otherwise every use of it fails with `bad name space dir`
 * (srvDirFault), and /srv shows no host sockets.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { Eexist, Enonexist, Eperm } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { DMDIR, type FileServer, NsError } from '../types.js';
import { hostSockets } from './host.js';
import { type Device, treeDevice } from './index.js';
import { mkqid, type Node } from './tree.js';

export interface SrvEntry {
  readonly name: string;
  readonly server: FileServer;
  /** The posting process; its entries are removed when it exits (0: the kernel's). */
  readonly owner: number;
  readonly uid: string;
  readonly qid: number;
  /** Run when the entry goes (removed, or its owner exits): a 9P post closes its socket. */
  readonly onRemove?: () => void;
}

/** plan9port's namespace directory: $NAMESPACE, else /tmp/ns.$USER.$DISPLAY (":0" by default, screen stripped). */
export function defaultSrvDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NAMESPACE) return env.NAMESPACE;
  let display = env.DISPLAY || ':0';
  if (display.endsWith('.0')) display = display.slice(0, -2);
  return `/tmp/ns.${env.USER ?? 'none'}.${display}`;
}

/**
 * Why dir must not be used as a srv directory, or undefined when it may be (it does not
 * exist yet, or is a directory of ours that only we can enter). A symbolic link is
 * followed only if it is ours too: one in /tmp that another user made could be turned
 * elsewhere after the check.
 */
export function srvDirFault(dir: string): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const bad = (why: string): string => `bad name space dir ${dir}: ${why}`;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
    if (st.isSymbolicLink()) {
      if (st.uid !== uid) return bad('not owned by you');
      st = fs.statSync(dir);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : bad(code === 'EACCES' ? 'permission denied' : 'cannot stat');
  }
  if (!st.isDirectory()) return bad('not a directory');
  if (st.uid !== uid) return bad('not owned by you');
  if ((st.mode & 0o077) !== 0) return bad(`mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, open to others`);
  return undefined;
}

/** Make dir (0700) if it is not there, and fail with srvDirFault's reason if it may not be used. */
export function ensureSrvDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    /* srvDirFault says what is wrong */
  }
  const f = srvDirFault(dir) ?? (fs.existsSync(dir) ? undefined : `bad name space dir ${dir}: cannot create`);
  if (f) throw new NsError(f);
}

let srvQids = 1;

export class SrvGroup {
  private readonly posts = new Map<string, SrvEntry>();
  /** The host socket directory mirrored, or null for a private group. */
  readonly dir: string | null;

  constructor(dir?: string | null) {
    this.dir = dir === undefined ? defaultSrvDir() : dir;
  }

  post(name: string, server: FileServer, owner = 0, uid = '', onRemove?: () => void): void {
    if (name === '' || name.includes('/') || name === '.' || name === '..') throw new NsError(Eperm);
    if (this.posts.has(name)) throw new NsError(Eexist);
    this.posts.set(name, { name, server, owner, uid, qid: srvQids++, onRemove });
  }

  remove(name: string): void {
    const e = this.posts.get(name);
    if (!e) throw new NsError(Enonexist);
    this.posts.delete(name);
    e.onRemove?.();
  }

  get(name: string): SrvEntry | undefined {
    return this.posts.get(name);
  }

  nameOf(server: FileServer): string | undefined {
    for (const e of this.posts.values()) if (e.server === server) return e.name;
    return undefined;
  }

  /** Posted names, then host sockets not shadowed by a post. */
  names(): string[] {
    const out = [...this.posts.keys()];
    if (this.dir && !srvDirFault(this.dir)) for (const s of hostSockets(this.dir)) if (!this.posts.has(s)) out.push(s);
    return out;
  }

  socketPath(name: string): string | undefined {
    if (!this.dir || this.posts.has(name) || srvDirFault(this.dir)) return undefined;
    return hostSockets(this.dir).includes(name) ? nodePath.join(this.dir, name) : undefined;
  }

  removeOwnedBy(pid: number): void {
    for (const [name, e] of this.posts) {
      if (e.owner === pid && pid !== 0) {
        this.posts.delete(name);
        e.onRemove?.();
      }
    }
  }

  /** rfork V: a private, empty srv. */
  private(): SrvGroup {
    return new SrvGroup(null);
  }
}

export function srvDevice(k: Kernel): Device {
  const sockQids = new Map<string, number>();
  const group = (): SrvGroup => k.up?.srv ?? k.srv;

  const entryNode = (g: SrvGroup, name: string): Node | undefined => {
    const e = g.get(name);
    if (e) {
      return {
        name, qid: mkqid(e.qid, false), perm: 0o666, uid: e.uid || k.user, parent: root, server: e.server,
        remove: () => g.remove(name),
      };
    }
    const sock = g.socketPath(name);
    if (!sock) return undefined;
    let q = sockQids.get(sock);
    if (q === undefined) sockQids.set(sock, (q = srvQids++));
    return { name, qid: mkqid(q, false), perm: 0o600, parent: root, hostPath: sock };
  };

  const root: Node = {
    name: '#s',
    qid: mkqid(0, true),
    perm: DMDIR | 0o777,
    list: () => {
      const g = group();
      return g.names().flatMap((n) => entryNode(g, n) ?? []);
    },
    lookup: (name) => entryNode(group(), name),
  };
  return treeDevice('s', 'srv', () => k.user, () => root);
}
