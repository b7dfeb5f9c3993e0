/*
 * Idle clients must not starve a listener: `aux/listen1 … exportfs` in a real session
 * (bin/ants-rc.js, after npm run build, with /net through its own daemon), 64 TCP clients
 * that connect and say nothing, then one that works. Each idle call is an exportfs
 * reading its conversation, i.e. reads waiting at the /net daemon; before, 31 of them
 * filled the session's 9P window to the daemon and froze every other call.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NOFID, NOTAG } from '../../ns/9p/fcall.js';
import { Raw } from './raw.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', '..', 'bin', 'ants-rc.js');

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});

/** Daemons serving ns (Linux's /proc), to kill at the end. */
function daemonPids(ns: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.includes('--netd') && argv.includes(ns)) out.push(Number(d));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** A TCP connection to the listener, retried while it is not yet announced. */
async function connect(port: number, listener: ChildProcess): Promise<net.Socket> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<net.Socket>((ok, fail) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => ok(s)).once('error', fail);
      });
    } catch (e) {
      if (i > 500 || listener.exitCode !== null) throw e;
      await sleep(20);
    }
  }
}

describe('aux/listen1 … exportfs', () => {
  it('serves a working client while 64 others sit idle', async () => {
    const cwd = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'ants-listen-')));
    const ns = join(cwd, '.ns');
    fs.mkdirSync(join(cwd, 'pub'));
    fs.writeFileSync(join(cwd, 'pub', 'f'), 'hello\n');
    const port = await freePort();
    const p = spawn(process.execPath, [BIN, '-c', `aux/listen1 'tcp!127.0.0.1!${port}' exportfs -r ${cwd}/pub`], {
      cwd, env: { ...process.env, NAMESPACE: ns }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr!.on('data', (b) => (err += b));
    const socks: net.Socket[] = [];
    cleanup.push(() => {
      for (const s of socks) s.destroy();
      p.kill('SIGKILL');
      for (const pid of daemonPids(ns)) process.kill(pid, 'SIGKILL');
      fs.rmSync(cwd, { recursive: true, force: true });
    });

    for (let i = 0; i < 64; i++) socks.push(await connect(port, p));
    const s = await connect(port, p);
    socks.push(s);
    const r = new Raw(s);
    const guard = setTimeout(() => r.close(), 20000);
    cleanup.push(() => clearTimeout(guard));
    // Hang guard only: a frozen listener closes the client after 20 s and the replies are undefined.
    expect(await r.rpc({ type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' })).toMatchObject({ type: 'Rversion' });
    expect(await r.rpc({ type: 'Tattach', tag: 1, fid: 1, afid: NOFID, uname: 'glenda', aname: '' })).toMatchObject({ type: 'Rattach' });
    expect(await r.rpc({ type: 'Twalk', tag: 1, fid: 1, newfid: 2, wname: ['f'] })).toMatchObject({ type: 'Rwalk' });
    expect(await r.rpc({ type: 'Topen', tag: 1, fid: 2, mode: 0 })).toMatchObject({ type: 'Ropen' });
    const got = await r.rpc({ type: 'Tread', tag: 1, fid: 2, offset: 0, count: 100 });
    expect(String((got as { data?: Buffer })?.data)).toBe('hello\n');
    expect(err).toBe('');
  }, 60000);
});
