/*
 * rerootwin [-f] [-u] [-n] [-t nsfile] [-k keyfile] [-c cmd] newroot, savedevs [name],
 * getdevs name (ANTS's rerootwin(1); written from its manual, not its script).
 *
 * rerootwin moves a session onto a root served elsewhere while keeping its terminal. In
 * ants-rc the terminal is local to every session, so nothing is relayed: the caller's
 * whole namespace, snapshotted before anything changes, is posted in-process as
 * oldterm.$pid; a new namespace is built from a namespace file (namespace.saveterm:
 * devices, that snapshot at /mnt/term with its /dev/cons and /dev/consctl bound over
 * ours, the root at /root unioned after the mount points at /, /bin = #b, the root's
 * /bin, the host's programs); and this process, rerootwin's own, becomes a nested rc in
 * it. The build is checked before the switch (/root must be the root, /dev/cons must
 * walk); a failure names the namespace file's line and switches nothing. The caller's
 * namespace is never touched, since every step happens in copies. What rerootwin posts
 * (oldterm.$pid, a root it dialed) belongs to its process and goes when it exits, and
 * with the entries go the snapshot's mounts and the root's connection.
 *
 * savedevs posts the same snapshot as a socket, for other processes (a hub shell, a cpu
 * session); getdevs mounts one at /mnt/term and binds its console over /dev.
 */
import type { Namespace } from '../ns/namespace.js';
import type { ProcLike, Shell } from './types.js';
import { abs, cmd, errText, getopts, type Opts } from './cmd/lib.js';
import { acquireRoot, keyOf, namespaceOf, type AcquiredRoot } from './p9.js';

const USAGE = 'usage: rerootwin [-f] [-u] [-n] [-t nsfile] [-k keyfile] [-c cmd] newroot';

/** The namespace file to build from: -t's, else /boot's (or the shipped one) saveterm or, with -f, save9front. */
async function nsFile(p: ProcLike, o: Opts): Promise<{ name: string; text: string } | undefined> {
  const own = o.val.get('t')?.at(-1);
  const read = async (name: string): Promise<string> => (await import('../ns/nsfile.js')).readWhole(p.vfs, abs(p, name));
  if (own !== undefined) {
    try {
      return { name: own, text: await read(own) };
    } catch {
      await p.err(`rerootwin: nsfile ${own} not found`);
      return undefined;
    }
  }
  const base = o.has.has('f') ? 'namespace.save9front' : 'namespace.saveterm';
  try {
    return { name: '/boot/' + base, text: await read('/boot/' + base) };
  } catch {
    return (await import('../ns/boot.js')).libText(base);
  }
}

/** A snapshot of ns exported whole: its mounts are let go when the post goes. */
async function snapshotExport(ns: Namespace): Promise<{ fs: import('../ns/types.js').FileServer; release: () => void }> {
  const { NsExport } = await import('../ns/9p/export.js');
  const snap = ns.copy();
  return { fs: new NsExport(snap, '/'), release: () => snap.group.table.clear() };
}

export const rerootwin = cmd('rerootwin', async (p, argv, sh) => {
  const o = getopts(argv, 'funt:k:c:');
  if (!o || o.args.length > 1) {
    await p.err(USAGE);
    return 'usage';
  }
  const newroot = o.args[0];
  if (newroot === undefined || newroot === '') {
    await p.err('rerootwin: need a target srv');
    return 'no.srv';
  }
  const ns = await namespaceOf(p, 'rerootwin');
  // The caller's namespace as it is now, before anything below can change what it sees.
  const saved = await snapshotExport(ns);
  let posted = false;
  try {
    const file = await nsFile(p, o);
    if (!file) return 'no.namespacefile';
    const key = await keyOf(p, o.val.get('k')?.at(-1));
    let root: AcquiredRoot;
    try {
      root = await acquireRoot(p, newroot, { postAs: 'root.' + p.pid, owner: p.pid, key });
    } catch (e) {
      await p.err(`rerootwin: srv ${newroot} couldn't be acquired: ${errText(e)}`);
      return 'no.srv';
    }
    const { postServer } = await import('../ns/9p/post.js');
    const group = ns.proc?.srv ?? ns.kernel.srv;
    const oldterm = 'oldterm.' + p.pid;
    await postServer(group, oldterm, saved.fs, { owner: p.pid, uid: ns.kernel.user, socket: false, onRemove: saved.release });
    posted = true;
    return await enter(p, sh, ns, o, newroot, file, { nsroot: root.srv, oldterm });
  } finally {
    if (!posted) saved.release();
  }
});

/** Build the namespace, check it, and run the nested rc in it; the status is the nested rc's. */
async function enter(
  p: ProcLike,
  sh: Shell,
  ns: Namespace,
  o: Opts,
  newroot: string,
  file: { name: string; text: string },
  posts: { nsroot: string; oldterm: string },
): Promise<string> {
  const user = ns.proc?.user ?? ns.kernel.user;
  const vars: Record<string, string> = {
    ...posts,
    user,
    rootspec: p.get('rootspec').join(' '),
    pivot: o.has.has('u') ? 'u' : o.has.has('n') ? 'n' : '',
    // namespace.save9front binds /$cputype/bin: Plan 9's name for this machine's architecture.
    cputype: p.get('cputype')[0] ?? ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch,
  };
  const [{ newns }, { defaultNamespace }] = await Promise.all([import('../ns/nsfile.js'), import('../ns/boot.js')]);
  const failed: string[] = [];
  const text = defaultNamespace(ns.kernel.hostPath, file);
  const r = await newns(ns, text, {
    env: (name) => (name in vars ? vars[name] : p.get(name).length ? p.get(name).join(' ') : undefined),
    debug: (msg) => failed.push(msg),
  });
  const bad = await unusable(r.ns);
  if (bad !== undefined) {
    r.ns.group.table.clear();
    // The line that should have put it there, else the first that failed, else what is wrong.
    const line = failed.find((m) => m.split(':')[0]!.split(/\s+/).includes(bad.path)) ?? failed[0];
    await p.err(`rerootwin: ${file.name}: ${line ?? bad.why}`);
    // The status is the line's error (the reporter gives `LINE: ERROR`).
    const src = line && text.split('\n').map((l) => l.trim()).find((l) => l !== '' && line.startsWith(l + ': '));
    return src ? line.slice(src.length + 2) : bad.why;
  }
  p.vfs = r.ns;
  p.cwd = r.cwd ?? '/';
  for (const [name, v] of Object.entries(vars)) p.set(name, v === '' ? [] : [v]);
  p.set('rootsrc', [newroot]);
  p.set('pid', [String(p.pid)]);
  try {
    const home = `/usr/${user}`;
    await r.ns.stat(home);
    p.set('home', [home]);
  } catch {
    /* the root has no home for this user: $home stays the host's */
  }
  try {
    const c = o.val.get('c')?.at(-1);
    if (c === undefined) return await sh.interact(p, { label: 'root ' + newroot });
    await sh.runSource(p, c, 'rerootwin');
    return p.status;
  } catch (e) {
    // An rc error that ended the nested rc ends rerootwin with it, as it would end an rc;
    // an interrupt goes on to stop the caller's line too.
    const display = (e as { display?: () => string }).display;
    if (e instanceof Error && typeof display === 'function' && !p.signal.aborted) {
      await p.err(display.call(e));
      return e.message;
    }
    throw e;
  }
}

/** Why the namespace built cannot be switched to: /root is not a mounted root, or /dev/cons does not walk. */
async function unusable(ns: Namespace): Promise<{ path: string; why: string } | undefined> {
  try {
    const [mounted, placeholder] = await Promise.all([ns.identity('/root'), ns.identity('#//root')]);
    if (mounted.dev === placeholder.dev) return { path: '/root', why: "'/root' is not the new root" };
  } catch (e) {
    return { path: '/root', why: errText(e) };
  }
  try {
    await ns.stat('/dev/cons');
  } catch (e) {
    return { path: '/dev/cons', why: errText(e) };
  }
  return undefined;
}

/** savedevs [name]: this namespace's devices, posted as a socket for other processes. */
export const savedevs = cmd('savedevs', async (p, argv) => {
  const o = getopts(argv, '');
  if (!o || o.args.length > 1) {
    await p.err('usage: savedevs [name]');
    return 'usage';
  }
  const ns = await namespaceOf(p, 'savedevs');
  const name = 'oldterm.' + (o.args[0] ?? p.get('pid')[0] ?? String(p.ppid));
  const saved = await snapshotExport(ns);
  const { postServer } = await import('../ns/9p/post.js');
  try {
    await postServer(ns.proc?.srv ?? ns.kernel.srv, name, saved.fs, {
      owner: p.ppid, uid: ns.kernel.user, perm: 0o600, onRemove: saved.release,
    });
  } catch (e) {
    saved.release();
    throw e;
  }
  await p.write(1, `devices saved at ${name}\n`);
  return '';
});

/** getdevs name: the devices savedevs posted, at /mnt/term, with their console over /dev. */
export const getdevs = cmd('getdevs', async (p, argv) => {
  const o = getopts(argv, '');
  const name = o?.args[0];
  if (!o || o.args.length !== 1 || !name) {
    await p.err('getdevs: need a srvname with saved devices');
    return 'no.srv';
  }
  const ns = await namespaceOf(p, 'getdevs');
  const srv = '/srv/oldterm.' + name;
  try {
    await ns.stat(srv);
  } catch {
    await p.err(`getdevs: no devices saved at ${srv}`);
    return 'no.srv';
  }
  const { MCREATE, MREPL } = await import('../ns/mount.js');
  await ns.mount(srv, '/mnt/term', MCREATE);
  await ns.bind('/mnt/term/dev/cons', '/dev/cons', MREPL);
  await ns.bind('/mnt/term/dev/consctl', '/dev/consctl', MREPL);
  return '';
});
