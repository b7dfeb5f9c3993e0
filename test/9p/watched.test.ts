/*
 * 9P peers are watched, and nothing they hold is leaked (issue 12):
 *  - every request takes the caller's interrupt: a flushed read or stat on a stalled
 *    server ends with `interrupted`, a Tflush for it reaches the server, and the
 *    connection goes on;
 *  - with requests outstanding and nothing heard for $ANTS_9P_DEADLINE ms the
 *    connection is hung up; a live server with a blocked read answers the watchdog's
 *    ping and is left alone; a server that never answers Tversion fails the mount;
 *  - a walk through a union whose member is hung up says so;
 *  - a namespace group's mounts go with its last process, and the connections with them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../ns/9p/client.js';
import { MountFs } from '../../ns/9p/mnt.js';
import { serve } from '../../ns/9p/server.js';
import { dial } from '../../ns/9p/transport.js';
import { MAFTER } from '../../ns/mount.js';
import { Ramfs } from '../../ns/srv/ramfs.js';
import { OREAD } from '../../ns/types.js';
import { fails, mkdir, put, setup } from '../ns/helpers.js';
import { BlockFs } from './blockfs.js';
import { serveUnix } from './helpers.js';
import { StallServer } from './stall.js';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'ants-rc.js');
let dir: string;
let nsdir: string;

beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-watched-')));
  nsdir = path.join(dir, 'ns');
  fs.mkdirSync(nsdir, { mode: 0o700 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stalled-server mount in a fresh namespace whose process's interrupt is ours to fire. */
async function stalledMount(st: StallServer) {
  const { k, p, ns } = await setup();
  let ac = new AbortController();
  p.interrupt = () => ac.signal;
  const client = await Client.connect(await dial('unix!' + st.sock));
  await mkdir(ns, '/tmp/m');
  await ns.mountServer(new MountFs(client, { signal: k.callerSignal }), '/tmp/m', 0);
  return {
    ns,
    client,
    interrupt(): void {
      ac.abort();
      ac = new AbortController();
    },
  };
}

describe('interrupts', () => {
  it('a read and a stat on a stalled server end with interrupted, each flushed at the server; the connection goes on', async () => {
    const st = await StallServer.start();
    const m = await stalledMount(st);
    const c = await m.ns.open('/tmp/m/slow', OREAD);
    const read = fails(c.read(10));
    await st.until(() => st.find('Tread') !== undefined);
    m.interrupt();
    expect(await read).toBe('interrupted');
    const tread = st.find('Tread')!;
    await st.until(() => st.find('Tflush', (f) => f.oldtag === tread.tag) !== undefined);

    const stat = fails(m.ns.stat('/tmp/m/slow'));
    await st.until(() => st.find('Tstat') !== undefined);
    m.interrupt();
    expect(await stat).toBe('interrupted');
    const tstat = st.find('Tstat')!;
    await st.until(() => st.find('Tflush', (f) => f.oldtag === tstat.tag) !== undefined);

    expect((await m.ns.stat('/tmp/m')).qid.path).toBe(0);
    c.close();
    m.client.close();
    await st.close();
  });

  it('the version exchange with a mute server is interruptible, and closes the connection', async () => {
    const st = await StallServer.start({ mute: true });
    const ac = new AbortController();
    const c = fails(Client.connect(await dial('unix!' + st.sock), { interrupt: ac.signal, deadline: 0 }));
    await st.until(() => st.find('Tversion') !== undefined);
    ac.abort();
    expect(await c).toBe('interrupted');
    await st.until(() => st.closed === 1);
    await st.close();
  });
});

describe('the deadline', () => {
  it('a live server with a blocked read answers the pings and is kept; frozen, it is hung up', async () => {
    const st = await StallServer.start();
    const client = await Client.connect(await dial('unix!' + st.sock), { deadline: 100 });
    const fsrv = new MountFs(client);
    const root = await fsrv.attach('glenda', '');
    const w = await root.walk(['slow']);
    await w.fid!.open(OREAD);
    const ac = new AbortController();
    const read = client.rpc({ type: 'Tread', fid: 2, offset: 0, count: 1 }, ac.signal).then(() => '', (e: Error) => e.message);
    // Pings are Tflushes of a tag no request has; three answered pings span more than a deadline.
    const pings = () => st.got.filter((f) => f.type === 'Tflush' && f.oldtag === 257).length;
    await st.until(() => pings() >= 3);
    expect(client.hungup).toBe(false);
    ac.abort();
    expect(await read).toBe('interrupted');
    st.freeze();
    expect(await fails(root.stat())).toBe('i/o on hungup channel');
    expect(client.hungup).toBe(true);
    expect(await fails(w.fid!.stat())).toBe('i/o on hungup channel');
    await st.close();
  });

  it('a server that accepts and never answers Tversion fails the connect with i/o on hungup channel', async () => {
    const st = await StallServer.start({ mute: true });
    expect(await fails(Client.connect(await dial('unix!' + st.sock), { deadline: 200 }))).toBe('i/o on hungup channel');
    expect(st.find('Tversion')).toBeDefined();
    await st.close();
  });
});

describe('unions', () => {
  it('a walk through a union whose member is hung up reports the hangup, not another member\'s absence', async () => {
    const srv = await serveUnix(new BlockFs());
    const { ns } = await setup();
    await mkdir(ns, '/tmp/u');
    await put(ns, '/tmp/u/here', 'local');
    await ns.mountServer(new MountFs(await Client.connect(await dial('unix!' + srv.sock))), '/tmp/u', MAFTER);
    expect((await ns.stat('/tmp/u/slow')).name).toBe('slow');
    srv.conns[0]!.close();
    expect(await fails(ns.stat('/tmp/u/lib'))).toBe("'/tmp/u/lib' i/o on hungup channel");
    expect(await fails(ns.open('/tmp/u/lib/x', OREAD))).toBe("'/tmp/u/lib' i/o on hungup channel");
    // What a live member holds is still found.
    expect((await ns.stat('/tmp/u/here')).name).toBe('here');
    await srv.close();
  });

  it('with a hung-up server unioned after / (as rerootwin unions a root), a name only it could hold says so', async () => {
    const srv = await serveUnix(new BlockFs());
    const { ns } = await setup();
    await ns.mountServer(new MountFs(await Client.connect(await dial('unix!' + srv.sock))), '/', MAFTER);
    expect((await ns.stat('/slow')).name).toBe('slow');
    srv.conns[0]!.close();
    expect(await fails(ns.stat('/lib'))).toBe("'/lib' i/o on hungup channel");
    expect((await ns.stat('/tmp')).name).toBe('tmp');
    await srv.close();
  });
});

/** ants-rc running script, with a line on stdin whenever the test says go. */
class Rc {
  out = '';
  err = '';
  readonly p: ChildProcess;
  readonly closed: Promise<void>;

  constructor(script: string, env: Record<string, string> = {}) {
    this.p = spawn(process.execPath, [BIN, '-c', script], {
      cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NAMESPACE: nsdir, ...env },
    });
    this.p.stdout!.on('data', (b) => (this.out += b));
    this.p.stderr!.on('data', (b) => (this.err += b));
    this.closed = new Promise((r) => this.p.on('close', () => r()));
  }

  async saw(text: string): Promise<void> {
    while (!this.out.includes(text)) {
      if (this.p.exitCode !== null) throw new Error(`ants-rc exited: ${this.err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  go(): void {
    this.p.stdin!.write('\n');
  }

  /** Host descriptors the ants-rc process holds, counted from outside. */
  fds(): number {
    return fs.readdirSync(`/proc/${this.p.pid}/fd`).length;
  }
}

describe('in the shell', () => {
  it('a server stopped with SIGSTOP: operations fail with i/o on hungup channel and the shell goes on', async () => {
    const server = new Rc('ramfs -S stopped; echo posted; read; echo bye');
    await server.saw('posted');
    const rc = new Rc([
      'mount -c /srv/stopped /n/s', 'echo hello > /n/s/f', 'cat /n/s/f', 'mkdir lib', 'bind -a /n/s lib', 'echo ready', 'read',
      'cat /n/s/f', 'echo cat: $status', 'ls /n/s', 'cat lib/nothere', 'echo still here',
    ].join('; '), { ANTS_9P_DEADLINE: '500' });
    try {
      await rc.saw('ready');
      server.p.kill('SIGSTOP');
      rc.go();
      await rc.closed;
      expect(rc.out).toBe("hello\nready\n\ncat: can't open /n/s/f: '/n/s/f' i/o on hungup channel\nstill here\n");
      expect(rc.err).toBe([
        "cat: can't open /n/s/f: '/n/s/f' i/o on hungup channel",
        'ls: /n/s: i/o on hungup channel',
        // A union whose member is hung up says so, not that the name is missing from the other.
        "cat: can't open lib/nothere: 'lib/nothere' i/o on hungup channel",
      ].join('\n') + '\n');
    } finally {
      server.p.kill('SIGCONT');
      server.go();
      await server.closed;
    }
  });
});

describe('in the shell, watched and released', () => {
  it('mount of a server that never answers Tversion fails within the deadline, by dial string or /srv; the shell goes on', async () => {
    const st = await StallServer.start({ mute: true });
    const mute = await StallServer.start({ mute: true, sock: path.join(nsdir, 'mute') });
    try {
      const rc = new Rc(`mount unix!${st.sock} /n/m; echo one $status; mount /srv/mute /n/m; echo two $status`, { ANTS_9P_DEADLINE: '300' });
      await rc.closed;
      // A failed mount's status is its name, as in 9front; the error is on fd 2.
      expect(rc.out).toBe('one mount\ntwo mount\n');
      expect(rc.err).toBe('mount: i/o on hungup channel\nmount: i/o on hungup channel\n');
      expect(st.find('Tversion')).toBeDefined();
      expect(mute.find('Tversion')).toBeDefined();
    } finally {
      await st.close();
      await mute.close();
    }
  });

  it('a note interrupts the mount of a server that never answers Tversion (no deadline needed)', async () => {
    const st = await StallServer.start({ mute: true });
    try {
      const rc = new Rc(`mount unix!${st.sock} /n/m & echo started; read; echo interrupt > /proc/$apid/note; wait; echo waited; read`);
      await rc.saw('started');
      await st.until(() => st.find('Tversion') !== undefined);
      rc.go();
      await rc.saw('waited');
      // The connection is closed, not left to the deadline.
      await st.until(() => st.closed === 1);
      rc.go();
      await rc.closed;
      expect(rc.out).toBe('started\n\nwaited\n\n');
      expect(rc.err.replace('mount: interrupted\n', '')).toBe('');
    } finally {
      await st.close();
    }
  });

  it('a note interrupting a stat on a stalled mount flushes it at the server, and the command ends', async () => {
    const st = await StallServer.start();
    try {
      const rc = new Rc(`mount unix!${st.sock} /n/st; ls -l /n/st/slow & echo started; read; echo interrupt > /proc/$apid/note; wait; echo waited; read`);
      await rc.saw('started');
      await st.until(() => st.find('Tstat') !== undefined);
      rc.go();
      await rc.saw('waited');
      const tstat = st.find('Tstat')!;
      await st.until(() => st.find('Tflush', (f) => f.oldtag === tstat.tag) !== undefined);
      rc.go();
      await rc.closed;
      expect(rc.out).toBe('started\n\nwaited\n\n');
      // The stat ended with `interrupted` (whether ls reports it, being killed, is ls's business).
      expect(rc.err.replace(/^ls: .*interrupted\n$/, '')).toBe('');
    } finally {
      await st.close();
    }
  });

  it('200 cycles of rfork n, mount of a srv socket and a read leave the descriptor count where it was; every connection is closed', async () => {
    const ram = new Ramfs('glenda');
    const sock = path.join(nsdir, 'x');
    let open = 0;
    let made = 0;
    const server = net.createServer((s) => {
      made++;
      open++;
      serve(ram, s, { onClose: () => open-- });
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      // A first round of everything the loop uses, so the modules it loads are loaded (and their files closed).
      const rc = new Rc([
        'read', '@{ rfork n; mount -c /srv/x /n/x; echo hi > /n/x/f }', 'for (i in `{seq 1 2}) { @{ rfork n; mount -c /srv/x /n/x; cat /n/x/f >/dev/null } }', 'echo warm', 'read',
        'for (i in `{seq 1 200}) { @{ rfork n; mount -c /srv/x /n/x; cat /n/x/f >/dev/null } }', 'echo done', 'read',
      ].join('; '));
      rc.go();
      await rc.saw('warm');
      while (open > 0) await new Promise((r) => setTimeout(r, 5));
      const before = rc.fds();
      rc.go();
      await rc.saw('done');
      expect(made).toBe(203);
      // The last cycle's connection closes as its clunk is answered, just after.
      while (open > 0) await new Promise((r) => setTimeout(r, 5));
      expect(rc.fds()).toBe(before);
      rc.go();
      await rc.closed;
      expect(rc.err).toBe('');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a srv connection is closed once its /srv entry is gone and no mount uses it', async () => {
    const ram = new Ramfs('glenda');
    const sock = path.join(dir, 'srvd');
    let open = 0;
    const server = net.createServer((s) => {
      open++;
      serve(ram, s, { onClose: () => open-- });
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const rc = new Rc(`srv unix!${sock} conn; mount /srv/conn /n/c; rm /srv/conn; echo mounted; read; unmount /n/c; echo unmounted; read`);
      await rc.saw('mounted');
      expect(open).toBe(1);
      rc.go();
      await rc.saw('unmounted');
      while (open > 0) await new Promise((r) => setTimeout(r, 5));
      rc.go();
      await rc.closed;
      expect(rc.err).toBe('');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
