/* Shared pieces of the 9P tests: a served FileServer on a Unix socket, and mounting it. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, type ClientOptions } from '../../ns/9p/client.js';
import { MountFs } from '../../ns/9p/mnt.js';
import { serve, type ServeOptions, type ServerConn } from '../../ns/9p/server.js';
import { dial } from '../../ns/9p/transport.js';
import type { Namespace } from '../../ns/namespace.js';
import { type FileServer, OREAD } from '../../ns/types.js';
import { mkdir, setup } from '../ns/helpers.js';

export interface Served {
  sock: string;
  conns: ServerConn[];
  close(): Promise<void>;
}

export async function serveUnix(fsrv: FileServer, opts: ServeOptions = {}): Promise<Served> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-9p-'));
  const sock = path.join(dir, 'srv');
  const conns: ServerConn[] = [];
  const server = net.createServer((s) => conns.push(serve(fsrv, s, opts)));
  await new Promise<void>((r) => server.listen(sock, r));
  return {
    sock,
    conns,
    close: () => new Promise((resolve) => {
      for (const c of conns) c.close();
      server.close(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        resolve();
      });
    }),
  };
}

/** A client namespace (kernel helpers' setup) with the server at addr mounted on /tmp/m. */
export async function mountAt(addr: string, copts: ClientOptions = {}, aname = ''): Promise<{ ns: Namespace; client: Client }> {
  const client = await Client.connect(await dial(addr), copts);
  const { ns } = await setup();
  await mkdir(ns, '/tmp/m');
  await ns.mountServer(new MountFs(client), '/tmp/m', 4, aname);
  return { ns, client };
}

/** Read a whole file straight from a FileServer (no 9P): what the exporting side holds. */
export async function fsRead(fsrv: FileServer, p: string): Promise<Buffer | undefined> {
  const root = await fsrv.attach('glenda', '');
  const names = p.split('/').filter(Boolean);
  const w = await root.walk(names).catch(() => ({ fid: undefined, qids: [] }));
  await root.clunk();
  if (!w.fid) return undefined;
  await w.fid.open(OREAD);
  const parts: Buffer[] = [];
  for (let off = 0; ; ) {
    const b = await w.fid.read(off, 65536);
    if (b.length === 0) break;
    parts.push(b);
    off += b.length;
  }
  await w.fid.clunk();
  return Buffer.concat(parts);
}

export async function fsList(fsrv: FileServer, p: string): Promise<string[]> {
  const root = await fsrv.attach('glenda', '');
  const w = await root.walk(p.split('/').filter(Boolean));
  await root.clunk();
  if (!w.fid) return [];
  await w.fid.open(OREAD);
  const names: string[] = [];
  for (let off = 0; ; ) {
    const b = await w.fid.read(off, 65536);
    if (b.length === 0) break;
    for (let o = 0; o < b.length; o += b.readUInt16LE(o) + 2) names.push(b.toString('utf8', o + 43, o + 43 + b.readUInt16LE(o + 41)));
    off += b.length;
  }
  await w.fid.clunk();
  return names.sort();
}
