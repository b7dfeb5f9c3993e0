/*
 * The boot namespace: the namespace file ants-rc starts from unless given another. The
 * host file system is a union member of `/` after the `#/` placeholders (so /dev, /env,
 * /proc … are mount points for devices while /usr, /etc, /home are the host's, and files
 * created in / go to the host); /root is the whole host tree; /tmp is the host's; /n and
 * /mnt are mntgen directories (posted as slashn and slashmnt); /bin gathers the host's
 * $PATH directories after whatever is bound there first.
 */
import type { Kernel } from './kernel.js';
import { newns, type NsFileOptions } from './nsfile.js';
import { rcquote } from './nstext.js';
import type { KProc } from './proc.js';
import { Mntgen } from './srv/mntgen.js';

export function defaultNamespace(hostPath: string[] = []): string {
  const bins = [...new Set(hostPath.filter((d) => d.startsWith('/')))];
  return [
    '# ants-rc boot namespace (namespace(6))',
    "bind -ac '#U' /",
    "bind '#U' /root",
    "bind -c '#U/tmp' /tmp",
    "bind '#c' /dev",
    "bind -a '#U/dev' /dev",
    "bind -c '#e' /env",
    "bind '#p' /proc",
    "bind -c '#s' /srv",
    "mount '#s/slashn' /n",
    "mount '#s/slashmnt' /mnt",
    ...bins.map((d) => `bind -a ${rcquote('#U' + d)} /bin`),
    '',
  ].join('\n');
}

/** Post the kernel's own servers the boot namespace mounts (once per kernel). */
export function postBootServers(k: Kernel): void {
  if (!k.srv.get('slashn')) k.srv.post('slashn', new Mntgen(k.user));
  if (!k.srv.get('slashmnt')) k.srv.post('slashmnt', new Mntgen(k.user));
}

/**
 * Give p the boot namespace (or the namespace file text given) and return it; p.cwd is
 * set when the file says `cd`.
 */
export async function boot(k: Kernel, p: KProc, opts: NsFileOptions & { text?: string; hostPath?: string[] } = {}): Promise<KProc> {
  postBootServers(k);
  const text = opts.text ?? defaultNamespace(opts.hostPath ?? (process.env.PATH ?? '').split(':'));
  const r = await newns(p.ns, text, opts);
  p.ns = r.ns;
  if (r.cwd) p.cwd = r.cwd;
  return p;
}
