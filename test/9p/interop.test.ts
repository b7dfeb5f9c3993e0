/*
 * Self-interop: ants client ↔ ants server over a Unix socket, the conformance suite
 * against a ramfs served directly (at a small msize, so listings cross many reads) and
 * against an export of a namespace subtree (srvfs's server).
 */
import { MountFs } from '../../ns/9p/mnt.js';
import { NsExport } from '../../ns/9p/export.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { cat, ls, mkdir, setup } from '../ns/helpers.js';
import { conformance } from './conformance.js';
import { fsList, fsRead, mountAt, serveUnix } from './helpers.js';

conformance({
  name: 'ramfs served over a Unix socket, msize 8 KiB',
  maxName: 4000,
  many: 2000,
  async mount() {
    const ram = new Ramfs('glenda');
    const srv = await serveUnix(ram);
    const { ns, client } = await mountAt('unix!' + srv.sock, { msize: 8192 });
    return {
      ns,
      peek: (p) => fsRead(ram, p),
      peekDir: (p) => fsList(ram, p),
      done: async () => {
        client.close();
        await srv.close();
      },
    };
  },
});

conformance({
  name: 'a namespace subtree exported over a Unix socket',
  maxName: 1000,
  many: 1000,
  async mount() {
    const a = await setup();
    await mkdir(a.ns, '/tmp/export');
    const srv = await serveUnix(new NsExport(a.ns, '/tmp/export'));
    const { ns, client } = await mountAt('unix!' + srv.sock);
    return {
      ns,
      peek: (p) => cat(a.ns, '/tmp/export' + p).then((s) => Buffer.from(s, 'latin1'), () => undefined),
      peekDir: async (p) => (await ls(a.ns, '/tmp/export' + p)).sort(),
      done: async () => {
        client.close();
        await srv.close();
      },
    };
  },
});

void MountFs;
