/*
 * The boot namespace: the namespace file ants-rc starts from (ns/lib/namespace, or the
 * file $ANTS_NAMESPACE names), followed by one `bind -a '#U'DIR /bin` per directory of the
 * host's $PATH, so /bin is the commands built into ants-rc (#b) and then the host's
 * programs in $PATH order, and then by the binding of the shipped namespace files (ns/lib:
 * namespace.saveterm for rerootwin, …) at /boot. The file puts the host file system at / after the `#/` mount
 * points (so /dev, /env, /proc … are devices while /usr, /etc, /home are the host's, and
 * files created in / go to the host); /n and /mnt are mntgen directories (posted as
 * slashn and slashmnt), and the whole host file system is also /mnt/host.
 * A user's $home must be where the host has it (`cd`, $home/lib/profile, history): if the
 * namespace put something else there (a home under /srv or /n, say), boot binds the host's
 * directory back over it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kernel } from './kernel.js';
import { newns, type NsFileOptions } from './nsfile.js';
import { rcquote } from './nstext.js';
import { cleanname } from './vfs.js';
import type { KProc } from './proc.js';
import { Mntgen } from './srv/mntgen.js';

/** The namespace file shipped in the package (ns/lib/namespace), or $ANTS_NAMESPACE. */
export function namespaceFile(env: NodeJS.ProcessEnv = process.env): { name: string; text: string } {
  const name = env.ANTS_NAMESPACE || libFile('namespace');
  return { name, text: readFileSync(name, 'utf8') };
}

/** The host directory of the shipped namespace files, seen from the source (ns/boot.ts) or the build (dist/ns, dist/bundle). */
export function libDir(): string {
  const beside = fileURLToPath(new URL('./lib', import.meta.url));
  return existsSync(beside + '/namespace') ? beside : fileURLToPath(new URL('../../ns/lib', import.meta.url));
}

/** A shipped namespace file (namespace, namespace.saveterm, …) by name. */
export function libFile(name: string): string {
  return libDir() + '/' + name;
}

/** A shipped namespace file's path and text. */
export function libText(name: string): { name: string; text: string } {
  return { name: libFile(name), text: readFileSync(libFile(name), 'utf8') };
}

/**
 * A namespace file as ants-rc runs it: the file, then the host's $PATH directories after
 * #b in /bin, and the shipped namespace files at /boot.
 */
export function defaultNamespace(hostPath: string[] = [], file = namespaceFile()): string {
  const bins = [...new Set(hostPath.filter((d) => d.startsWith('/')))];
  return [
    file.text.replace(/\n?$/, '\n'),
    ...bins.map((d) => `bind -a ${rcquote('#U' + d)} /bin\n`),
    `bind ${rcquote('#U' + libDir())} /boot\n`,
  ].join('');
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
export async function boot(
  k: Kernel,
  p: KProc,
  opts: NsFileOptions & { text?: string; hostPath?: string[]; home?: string } = {},
): Promise<KProc> {
  postBootServers(k);
  const text = opts.text ?? defaultNamespace(opts.hostPath ?? k.hostPath);
  const r = await newns(p.ns, text, opts);
  const home = cleanname(opts.home ?? process.env.HOME ?? '');
  if (opts.text === undefined && home.startsWith('/') && home !== '/' && existsSync(home) && r.ns.hostPath(home) !== home) {
    await r.ns.bind('#U' + home, home, 0).catch(() => undefined);
  }
  p.ns = r.ns;
  if (r.cwd) p.cwd = r.cwd;
  return p;
}
