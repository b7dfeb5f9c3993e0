/*
 * ants-rc --root ROOT [--rootspec SPEC]: booting on a root file server, as plan9rc does.
 * The first process starts in a copy of the admin namespace (ns/admin.ts), acquires ROOT
 * there (a /srv name or a dial string, as rerootwin takes it), posts it in-process as
 * /srv/boot and mounts it at /root in the admin namespace; then it moves into the user's
 * namespace, built with newns from the root's /lib/namespace or the shipped
 * namespace.root, with $home /usr/$user. The session's admin namespace is served on
 * /srv/admin.PID (a 0600 socket) so another terminal can mount it to repair this one.
 * When the root can't be had the process stays in the admin namespace (the caller
 * decides whether that is a recovery shell or the end).
 */
import { acquireRoot, keyOf } from '../builtins/p9.js';
import { adminNamespace, rootNamespaceText } from '../ns/admin.js';
import { MCREATE } from '../ns/mount.js';
import type { Namespace } from '../ns/namespace.js';
import { newns } from '../ns/nsfile.js';
import { errText } from '../builtins/cmd/lib.js';
import { enterAdmin } from '../builtins/admin.js';
import type { AntsMachine } from './machine.js';

/** Put p (the machine's first process) in the admin namespace, as an admin shell has it. */
async function intoAdmin(m: AntsMachine): Promise<Namespace> {
  const k = m.kernel!;
  const admin = await adminNamespace(k);
  const p = m.root;
  const home = '/usr/' + k.user;
  p.vfs = admin.copy();
  p.cwd = home;
  p.set('home', [home]);
  if (p.get('user').length === 0) p.set('user', [k.user]);
  return admin;
}

/**
 * Boot the machine's first process on root; resolves to undefined, or to why the root
 * could not be mounted (the process is then in the admin namespace, prompting `admin% `).
 */
export async function bootRoot(m: AntsMachine, root: string, rootspec: string): Promise<string | undefined> {
  const k = m.kernel!;
  const p = m.root;
  const admin = await intoAdmin(m);
  try {
    const sock = /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(root) ? k.srv.socketPath(root) : undefined;
    const got = await acquireRoot(p, sock ? 'unix!' + sock : root, { postAs: 'boot', owner: 0, key: await keyOf(p, undefined) });
    // A server this process posted itself (srvfs in a profile, say) is posted again as boot.
    if (got.srv !== 'boot') k.srv.post('boot', k.srv.get(got.srv)!.server, 0, k.user);
    k.boot = { src: root, client: got.client };
    await admin.mount('#s/boot', '/root', MCREATE, rootspec);
  } catch (e) {
    if (k.srv.get('boot')) k.srv.remove('boot');
    k.boot = undefined;
    enterAdmin(p, k.user, admin);
    return errText(e);
  }
  // The root's namespace file is read as this process, so an interrupt stops the read.
  p.vfs = admin.copy();
  const { text } = await rootNamespaceText(k, p.vfs as Namespace);
  const user = k.user;
  const vars: Record<string, string> = { user, rootspec, sysname: k.sysname };
  const r = await newns(p.vfs as Namespace, text, { env: (n) => vars[n] ?? (p.get(n).length ? p.get(n).join(' ') : undefined) });
  p.vfs = r.ns;
  p.cwd = r.cwd ?? '/';
  p.set('home', ['/usr/' + user]);
  await postAdmin(m, admin);
  return undefined;
}

/** Serve the admin namespace as /srv/admin.PID, a 0600 socket; without a usable srv directory, nothing. */
async function postAdmin(m: AntsMachine, admin: Namespace): Promise<void> {
  const k = m.kernel!;
  if (!k.srv.dir) return;
  const [{ NsExport }, { postServer }] = await Promise.all([import('../ns/9p/export.js'), import('../ns/9p/post.js')]);
  try {
    await postServer(k.srv, 'admin.' + m.root.pid, new NsExport(admin), { owner: 0, uid: k.user, perm: 0o600 });
  } catch {
    /* another session's, or a srv directory we may not use: this session goes on without it */
  }
}
