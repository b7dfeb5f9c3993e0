/*
 * The admin namespace and the user's namespace on a root (ants-rc --root), as ANTS's
 * plan9rc builds them: first a namespace that needs nothing but this process — the
 * kernel's devices, a skeleton in memory (posted as ramboot), #b, the host's program
 * directories, the shipped namespace files at /boot and the host at /mnt/host — kept as
 * once per kernel (adminNamespace); the root, once acquired and posted as /srv/boot, is mounted there only
 * at /root. The user's namespace is then built from the root's own /lib/namespace, or
 * the shipped namespace.root, which put the root behind the #/ mount points so that
 * /dev, /bin and the built-in commands never wait on it. Without --root the admin
 * namespace is built on first use, so a batch run does not pay for it.
 */
import type { Kernel } from './kernel.js';
import { Namespace } from './namespace.js';
import { readWhole, runNsFile } from './nsfile.js';
import { rcquote } from './nstext.js';
import { libDir, libText, postBootServers } from './boot.js';
import { Ramfs } from './srv/ramfs.js';
import { DMDIR } from './types.js';

/** Lines that append the host's $PATH directories to /bin, as the boot namespace has them. */
function hostBins(k: Kernel): string {
  const dirs = [...new Set(k.hostPath.filter((d) => d.startsWith('/')))];
  return dirs.map((d) => `bind -a ${rcquote('#U' + d)} /bin\n`).join('');
}

/** The skeleton the admin namespace stands on: /usr/$user/{lib,tmp}, /lib, /tmp, /adm. */
function skeleton(user: string): Ramfs {
  const fs = new Ramfs(user, 0o775);
  const dir = (parent: typeof fs.root, name: string, perm = 0o775) => fs.newNode(parent, name, DMDIR | perm, user);
  const usr = dir(fs.root, 'usr');
  const home = dir(usr, user);
  dir(home, 'lib');
  dir(home, 'tmp');
  dir(fs.root, 'lib');
  dir(fs.root, 'tmp', 0o777);
  dir(fs.root, 'adm');
  return fs;
}

const building = new WeakMap<Kernel, Promise<Namespace>>();

/** The kernel's admin namespace, built from ns/lib/namespace.admin the first time it is asked for. */
export function adminNamespace(k: Kernel): Promise<Namespace> {
  let b = building.get(k);
  if (!b) {
    b = buildAdmin(k);
    building.set(k, b);
    // A build that failed is tried again by the next caller.
    b.catch(() => building.delete(k));
  }
  return b;
}

async function buildAdmin(k: Kernel): Promise<Namespace> {
  postBootServers(k);
  if (!k.srv.get('ramboot')) k.srv.post('ramboot', skeleton(k.user));
  const lib = libDir();
  const text = libText('namespace.admin').text.replace(/\n?$/, '\n') + hostBins(k);
  const vars: Record<string, string> = { user: k.user, sysname: k.sysname, nslib: lib };
  const r = await runNsFile(await Namespace.fresh(k), text, { env: (n) => vars[n] });
  return r.ns;
}

/**
 * The text the user's namespace on the root is built from: the root's /lib/namespace,
 * read through admin (an admin namespace) at /root, else the shipped namespace.root; either way
 * followed by the host's program directories in /bin and the shipped files at /boot.
 */
export async function rootNamespaceText(k: Kernel, admin: Namespace): Promise<{ name: string; text: string }> {
  let name = '/root/lib/namespace';
  let text: string;
  try {
    text = await readWhole(admin, name);
  } catch {
    ({ name, text } = libText('namespace.root'));
  }
  return { name, text: text.replace(/\n?$/, '\n') + hostBins(k) + `bind ${rcquote('#U' + libDir())} /boot\n` };
}
