/*
 * What the 9P commands (srv, srvfs, exportfs, import, and mount of a dial string) share:
 * the caller's namespace with its kernel and srv group, dial-string defaults, and the
 * p9hmac key, read through the namespace from the file named by -k or $p9key.
 */
import type { AuthKey } from '../ns/9p/auth.js';
import type { MountFs } from '../ns/9p/mnt.js';
import type { Namespace } from '../ns/namespace.js';
import type { ProcLike } from './types.js';
import { abs, Exit, readAll } from './cmd/lib.js';
import { NsError, OREAD } from '../ns/types.js';
import { Eintr } from '../ns/errors.js';

/** The process's namespace, or (after saying so) an Exit. */
export async function namespaceOf(p: ProcLike, name: string): Promise<Namespace> {
  const ns = p.vfs as Partial<Namespace>;
  if (typeof ns.mountServer !== 'function' || !ns.kernel) {
    await p.err(`${name}: no namespace: this shell runs on the bare host file system`);
    throw new Exit('no namespace');
  }
  return ns as Namespace;
}

/**
 * A 9P connection to addr, as the calling process's namespace reaches it: `unix!` names a
 * host socket; any other address is dialed through the namespace's /net (dial(2): cs,
 * clone, ctl, data), so the emulated network and its rules apply, and 127/8 reaches the
 * host. Without a /net (the bare host file system) it is dialed on the host. Dialing and
 * the version exchange stop at an interrupt and take at most the 9P deadline each.
 */
export async function mount9p(
  p: ProcLike,
  addr: string,
  opts: { authKey?: AuthKey; keep?: boolean } = {},
): Promise<MountFs> {
  const post = await import('../ns/9p/post.js');
  const signal = (p.vfs as Partial<Namespace>).kernel?.callerSignal;
  const interrupt = p.signal;
  let viaNet = false;
  if (!addr.startsWith('unix!')) {
    try {
      await p.vfs.stat('/net/cs');
      viaNet = true;
    } catch {
      /* no /net here */
    }
  }
  if (!viaNet) return post.mountDial(addr, { ...opts, signal, interrupt });
  const [{ dial }, { duplexOf }, { deadlineFromEnv }] = await Promise.all([
    import('./net/dial.js'), import('../ns/9p/transport.js'), import('../ns/9p/client.js'),
  ]);
  const conn = await bounded(dial(p.vfs, addr), interrupt, deadlineFromEnv(), (c) => {
    c.data.close();
    c.ctl.close();
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    conn.data.close();
    conn.ctl.close();
  };
  const stream = duplexOf(() => conn.data.read(65536 * 2), (b) => conn.data.write(b), close);
  stream.once('close', close);
  try {
    return await post.mountStream(stream, { ...opts, signal, interrupt });
  } catch (e) {
    close();
    throw e;
  }
}

/**
 * work, given up at an interrupt (`interrupted`) or after ms (`connection timed out`);
 * what it yields too late is handed to drop.
 */
function bounded<T>(work: Promise<T>, intr: AbortSignal, ms: number, drop: (v: T) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      if (timer) clearTimeout(timer);
      intr.removeEventListener('abort', onAbort);
      return true;
    };
    const giveUp = (why: string): void => {
      if (finish()) reject(new NsError(why));
    };
    const onAbort = (): void => giveUp(Eintr);
    const timer = ms > 0 ? setTimeout(() => giveUp('connection timed out'), ms) : undefined;
    if (intr.aborted) return giveUp(Eintr);
    intr.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => (finish() ? resolve(v) : drop(v)),
      (e) => finish() && reject(e),
    );
  });
}

/** A dial string from what the user typed: a bare system name gets net!name!svc. */
export function dialOf(s: string, svc: string): string {
  if (s.includes('!')) return s.split('!').length === 2 && !s.startsWith('unix!') ? `${s}!${svc}` : s;
  return `tcp!${s}!${svc}`;
}

/** The key from -k file or $p9key, if either names one. */
export async function keyOf(p: ProcLike, file: string | undefined): Promise<AuthKey | undefined> {
  const name = file ?? p.get('p9key')[0];
  if (!name) return undefined;
  const { parseKey } = await import('../ns/9p/auth.js');
  const st = await p.vfs.stat(abs(p, name));
  const c = await p.vfs.open(abs(p, name), OREAD);
  try {
    return parseKey(await readAll(c), st.mode, name);
  } finally {
    c.close();
  }
}

/** A root as rerootwin and --root take it: a /srv name, or a dialed connection posted in-process. */
export interface AcquiredRoot {
  /** The /srv entry that serves the root (newroot itself, or the name it was posted as). */
  srv: string;
  /** Whether the entry was posted here (and goes when its owner exits). */
  posted: boolean;
  /** The connection, when it was dialed here: hungup says whether the root has hung up. */
  client?: import('../ns/9p/client.js').Client;
}

/**
 * Acquire newroot for rerootwin and ants-rc --root: the /srv entry (posted in-process or a
 * socket in $NAMESPACE) of that name when there is one; otherwise newroot is a dial string,
 * or a bare host whose 9fs service is dialed (dialOf), and the connection, authenticated
 * with key when given, is posted in-process only (never a socket: sessions share
 * $NAMESPACE) as postAs, owned by owner. The entry goes when the owner exits or the
 * connection hangs up, and the connection closes with the last mount of it. Failures
 * throw NsError with the reason (`file does not exist`, `connection refused`,
 * `interrupted`, …).
 */
export async function acquireRoot(
  p: ProcLike,
  newroot: string,
  o: { postAs: string; owner: number; key?: AuthKey },
): Promise<AcquiredRoot> {
  const ns = await namespaceOf(p, 'rerootwin');
  const group = ns.proc?.srv ?? ns.kernel.srv;
  const plain = !newroot.includes('!') && !newroot.includes('/');
  if (plain && (group.get(newroot) || group.socketPath(newroot))) return { srv: newroot, posted: false };
  if (plain && !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(newroot)) throw new NsError("'/srv/" + newroot + "' does not exist");
  const { postServer } = await import('../ns/9p/post.js');
  const fsrv = await mount9p(p, dialOf(newroot, '9fs'), { authKey: o.key, keep: true });
  try {
    await postServer(group, o.postAs, fsrv, { owner: o.owner, uid: ns.kernel.user, socket: false, onRemove: () => fsrv.unkeep() });
  } catch (e) {
    fsrv.client.close();
    throw e;
  }
  fsrv.client.onHangup(() => {
    if (group.get(o.postAs)?.server === fsrv) group.remove(o.postAs);
  });
  return { srv: o.postAs, posted: true, client: fsrv.client };
}
