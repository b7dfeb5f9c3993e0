/*
 * Where 9P meets the kernel: mounting what a srv file or dial string names, posting a
 * FileServer in /srv, and listening on a network address.
 *
 * A post is two things at once: the in-process entry of the caller's srv group (what
 * `mount /srv/name` attaches directly) and, when the group mirrors a host directory, a
 * Unix socket of that name there ($NAMESPACE/name, plan9port's convention) on which the
 * server speaks 9P, so plan9port's `9p` and other ants-rc sessions reach it. The
 * directory is made 0700 and the socket 0600 (or the perm asked for). Removing the entry,
 * or the exit of the process that owns it, closes the socket and unlinks it; so does the
 * exit of ants-rc. A stale socket of the name (no one answering) is replaced; a live one
 * is `file already exists`.
 *
 * Listening on a network address is for loopback unless a key is given: a non-loopback
 * listener refuses every attach not authenticated with p9hmac (auth.ts).
 */
import fs from 'node:fs';
import net from 'node:net';
import nodePath from 'node:path';
import type { Duplex } from 'node:stream';
import { ensureSrvDir, type SrvGroup } from '../dev/srv.js';
import { Eexist, Emountrpc } from '../errors.js';
import { type Fid, type FileServer, NsError } from '../types.js';
import type { AuthKey } from './auth.js';
import { Client, type ClientOptions, deadlineFromEnv } from './client.js';
import { MountFs } from './mnt.js';
import { serve, type ServeOptions } from './server.js';
import { announce, dial, isLive, isLoopback, parseDial } from './transport.js';

export const Enoauthkey = 'authentication required to listen on a non-loopback address';

export type MountDialOptions = ClientOptions & {
  authKey?: AuthKey;
  /** srv: the connection outlives its mounts (until MountFs.unkeep). */
  keep?: boolean;
  /** The caller's interrupt signal, as the kernel gives it (read at the start of each operation). */
  signal?: () => AbortSignal | undefined;
};

/**
 * Dial a 9P server and give it as a FileServer. The connection ends with its last fid,
 * unless keep is set (srv: the posted connection outlives its mounts). Dialing and the
 * version exchange stop at opts.interrupt, and take at most the 9P deadline each.
 */
export async function mountDial(addr: string, opts: MountDialOptions = {}): Promise<MountFs> {
  const sock = await dial(addr, { interrupt: opts.interrupt, timeout: opts.deadline ?? deadlineFromEnv() });
  const client = await Client.connect(sock, opts);
  return new MountFs(client, { ownConnection: !opts.keep, authKey: opts.authKey, signal: opts.signal });
}

/** mountDial over a connection made elsewhere (a /net conversation's data file, as a stream). */
export async function mountStream(stream: Duplex, opts: MountDialOptions = {}): Promise<MountFs> {
  const client = await Client.connect(stream, opts);
  return new MountFs(client, { ownConnection: !opts.keep, authKey: opts.authKey, signal: opts.signal });
}

/** The kernel's mount driver: a srv file that is a host socket, dialed; interrupt stops the dial. */
export async function mountSrvFile(fid: Fid, _path: string, signal?: () => AbortSignal | undefined, interrupt?: AbortSignal): Promise<FileServer> {
  if (!fid.hostPath) throw new NsError(Emountrpc);
  return mountDial('unix!' + fid.hostPath, { signal, interrupt });
}

/** The part of fs under path: each attach walks there (import's remotepath). */
export function subtree(fsrv: FileServer, path: string): FileServer {
  const names = path.split('/').filter((n) => n !== '' && n !== '.');
  if (names.length === 0) return fsrv;
  return {
    async attach(uname, aname) {
      const root = await fsrv.attach(uname, aname);
      try {
        const w = await root.walk(names);
        if (!w.fid) throw new NsError(`'${path}' does not exist`);
        return w.fid;
      } finally {
        await root.clunk();
      }
    },
  };
}

const sockets = new Set<string>();
let exitHook = false;

function unlinkQuietly(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    /* gone already */
  }
}

export interface PostOptions {
  /** The posting process: its exit removes the entry (0: the kernel's, until removed). */
  owner?: number;
  uid?: string;
  /** Mode of the socket file (default 0600). */
  perm?: number;
  /** Also listen on $NAMESPACE/name (default: when the group has a host directory). */
  socket?: boolean;
  serve?: ServeOptions;
  /** Run when the entry goes. */
  onRemove?: () => void;
}

/** Post fs in group as name; resolves to the socket path (or undefined when none was made). */
export async function postServer(group: SrvGroup, name: string, fsrv: FileServer, opts: PostOptions = {}): Promise<string | undefined> {
  const dir = opts.socket === false ? null : group.dir;
  if (group.get(name)) throw new NsError(Eexist);
  let listener: net.Server | undefined;
  let sock: string | undefined;
  if (dir) {
    ensureSrvDir(dir);
    sock = nodePath.join(dir, name);
    if (fs.existsSync(sock)) {
      if (await isLive(sock)) throw new NsError(Eexist);
      unlinkQuietly(sock);
    }
    // Removing the entry stops new connections; those made already go on, as on Plan 9.
    listener = await announce({ net: 'unix', path: sock }, (s) => serve(fsrv, s, opts.serve));
    fs.chmodSync(sock, opts.perm ?? 0o600);
    sockets.add(sock);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => sockets.forEach(unlinkQuietly));
    }
  }
  const path = sock;
  const l = listener;
  try {
    group.post(name, fsrv, opts.owner ?? 0, opts.uid ?? '', () => {
      if (l) {
        l.close();
        unlinkQuietly(path!);
        sockets.delete(path!);
      }
      opts.onRemove?.();
    });
  } catch (e) {
    l?.close();
    if (path) unlinkQuietly(path);
    throw e;
  }
  return path;
}

/**
 * Serve fs on a network address until closed (which also hangs up its connections). A non-loopback TCP address needs a key,
 * and then every attach must authenticate with it.
 */
export async function listen9p(addr: string, fsrv: FileServer, opts: ServeOptions = {}): Promise<{ server: net.Server; close(): void }> {
  const a = parseDial(addr);
  const open = a.net === 'unix' || isLoopback(a.host);
  if (!open && !opts.authKey) throw new NsError(Enoauthkey);
  const conns = new Set<{ close(): void }>();
  const l = await announce(a, (s) => {
    const c = serve(fsrv, s, { ...opts, requireAuth: opts.requireAuth || !open, onClose: () => conns.delete(c) });
    conns.add(c);
  });
  return {
    server: l,
    close: () => {
      l.close();
      conns.forEach((c) => c.close());
    },
  };
}
