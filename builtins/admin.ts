/*
 * admin [-c command]: the escape pod. A nested rc in a copy of the admin namespace
 * (ns/admin.ts): the kernel's devices, a skeleton in memory, #b and the host's programs,
 * the root only at /root, so it keeps working when the root has died or hangs. It is a
 * builtin, found without walking $path (which may be on the dead root). The session has
 * exactly fds 0-2, $home and its working directory in memory (/usr/$user), and the
 * prompt `admin% `; exit returns to the caller. -c runs one command there instead.
 */
import type { Builtin, ProcLike } from './types.js';
import type { Namespace } from '../ns/namespace.js';
import { namespaceOf } from './p9.js';
import { errText } from './cmd/lib.js';

const USAGE = 'usage: admin [-c command]';

export const admin: Builtin = async (p, argv, sh) => {
  let command: string | undefined;
  if (argv.length === 3 && argv[1] === '-c') command = argv[2];
  else if (argv.length !== 1) {
    await p.err(USAGE);
    return 'usage';
  }
  const ns = await namespaceOf(p, 'admin').catch(() => undefined);
  if (!ns) return 'no namespace';
  let adminNs;
  try {
    adminNs = await (await import('../ns/admin.js')).adminNamespace(ns.kernel);
  } catch (e) {
    await p.err(`admin: ${errText(e)}`);
    return errText(e);
  }
  const setup = (c: ProcLike): void => enterAdmin(c, ns.kernel.user, adminNs);
  if (command !== undefined) {
    return sh.runForked(p, async (c) => {
      await sh.runSource(c, command, 'admin');
      return c.status;
    }, setup);
  }
  return sh.runForked(p, (c) => sh.interact(c, { label: 'admin' }), setup);
};

/**
 * Make c an admin shell: a copy of the admin namespace, exactly fds 0-2, $home and the
 * working directory /usr/$user (in memory), /bin as $path, the prompt `admin% `, and
 * nothing that names the user's root.
 */
export function enterAdmin(c: ProcLike, user: string, admin: Namespace): void {
  const home = '/usr/' + user;
  c.vfs = admin.copy();
  const fds = (c.vfs as Namespace).proc?.fds;
  if (fds?.list) for (const fd of fds.list()) if (fd > 2) fds.close(fd);
  c.cwd = home;
  c.set('home', [home]);
  c.set('user', [user]);
  c.set('path', ['/bin']);
  c.set('prompt', ['admin% ', '\t']);
  c.unset('rootsrc');
  c.unset('cdpath');
}
