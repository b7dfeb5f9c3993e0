#!/usr/bin/env node
// Benchmarks for 9P (dist/ns/9p, built by `npm run build`). Figures and ratios only, never
// an assertion. What the issue asks to show:
//
//   throughput   read and write of a 256 MiB file, at msize 8 KiB and 64 KiB:
//                (a) ants client <-> ants server (a ramfs, in a child process) over a Unix
//                    socket, the client keeping DEPTH requests in flight;
//                (b) ants client <-> diod over loopback TCP (a file on disk, in the page
//                    cache after the first read), with diod's own `diodcat` reading the
//                    same file in the same run as the reference (its output to /dev/null);
//   small ops    walk+open+read+clunk of a small file, one at a time and 32 at a time,
//                against both servers.
//
// Targets: ants reading from diod >= diodcat; ants<->ants >= 1 GB/s at 64 KiB.
//
//   node bench/9p.mjs        or      node bench/run.mjs 9p
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMeter } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'ns');
if (!fs.existsSync(join(dist, '9p', 'client.js'))) throw new Error('dist/ns/9p is missing: run `npm run build` first');
const { Client } = await import(join(dist, '9p', 'client.js'));
const { MountFs } = await import(join(dist, '9p', 'mnt.js'));
const { dial } = await import(join(dist, '9p', 'transport.js'));

const SIZE = Number(process.env.P9_BENCH_MIB ?? 256) * 1024 * 1024;
const DEPTH = 16;
const MSIZES = [8192, 65536];
const DIOD = '/usr/sbin/diod';
const DIODCAT = '/usr/sbin/diodcat';
const now = () => Number(process.hrtime.bigint()) / 1e6;
const mbs = (bytes, ms) => bytes / 1e6 / (ms / 1000);
const fmt = (x) => `${x.toFixed(0).padStart(6)} MB/s`;

/** Read the whole file at fid with DEPTH reads in flight; returns bytes read. */
async function readAll(fid, iounit, size) {
  let next = 0;
  let total = 0;
  const worker = async () => {
    while (next < size) {
      const off = next;
      next += iounit;
      const b = await fid.read(off, iounit);
      total += b.length;
    }
  };
  await Promise.all(Array.from({ length: DEPTH }, worker));
  return total;
}

async function writeAll(fid, iounit, size) {
  const chunk = Buffer.alloc(iounit, 0x61);
  let next = 0;
  const worker = async () => {
    while (next < size) {
      const off = next;
      next += iounit;
      await fid.write(off, chunk.subarray(0, Math.min(iounit, size - off)));
    }
  };
  await Promise.all(Array.from({ length: DEPTH }, worker));
}

async function connect(addr, msize) {
  return new MountFs(await Client.connect(await dial(addr), { msize: msize + 24, maxTags: 64 }));
}

/** Throughput of one server: write then read a SIZE file named name under aname, best of runs. */
async function throughput(addr, aname, name, msize, runs = 2) {
  const fsrv = await connect(addr, msize);
  const iounit = fsrv.client.iounit;
  const root = await fsrv.attach(userInfo().username, aname);
  let w = Infinity;
  let r = Infinity;
  for (let i = 0; i < runs; i++) {
    const c = (await root.walk([])).fid;
    await c.create(name + i, 0o644, 1 | 0x10);
    const t0 = now();
    await writeAll(c, iounit, SIZE);
    w = Math.min(w, now() - t0);
    await c.clunk();
    const f = (await root.walk([name + i])).fid;
    await f.open(0);
    const t1 = now();
    const n = await readAll(f, iounit, SIZE);
    r = Math.min(r, now() - t1);
    if (n !== SIZE) throw new Error(`read ${n} bytes of ${SIZE}`);
    await f.clunk();
    if (i < runs - 1) await (await root.walk([name + i])).fid.remove();
  }
  await root.clunk().catch(() => {});
  fsrv.client.close();
  return { write: mbs(SIZE, w), read: mbs(SIZE, r) };
}

/** walk+open+read+clunk per second, sequentially and `par` at a time, for ~ms each. */
async function smallOps(addr, aname, name, ms = 1500) {
  const fsrv = await connect(addr, 65536);
  const root = await fsrv.attach(userInfo().username, aname);
  const one = async () => {
    const w = await root.walk([name]);
    await w.fid.open(0);
    await w.fid.read(0, 4096);
    await w.fid.clunk();
  };
  const rate = async (par) => {
    let n = 0;
    const end = now() + ms;
    await Promise.all(Array.from({ length: par }, async () => {
      while (now() < end) {
        await one();
        n++;
      }
    }));
    return n / (ms / 1000);
  };
  await rate(1);
  const r = { seq: await rate(1), par: await rate(32) };
  fsrv.client.close();
  return r;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(check) {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('server did not start');
}

const canConnect = (opts) => new Promise((resolve) => {
  const s = net.connect(opts);
  s.once('connect', () => (s.destroy(), resolve(true)));
  s.once('error', () => resolve(false));
});

/** An ants 9P server (ramfs) in a child process on a Unix socket. */
async function antsServer(dir) {
  const sock = join(dir, 'ants.sock');
  const src = `
    import net from 'node:net';
    const { serve } = await import(${JSON.stringify(join(dist, '9p', 'server.js'))});
    const { Ramfs } = await import(${JSON.stringify(join(dist, 'srv', 'ramfs.js'))});
    const ram = new Ramfs(${JSON.stringify(userInfo().username)});
    net.createServer((s) => serve(ram, s, { msize: 65536 + 24 })).listen(${JSON.stringify(sock)});`;
  const p = spawn(process.execPath, ['--input-type=module', '-e', src], { stdio: 'inherit' });
  await waitFor(() => canConnect({ path: sock }));
  return { addr: 'unix!' + sock, stop: () => p.kill() };
}

async function diodServer(dir) {
  const port = await freePort();
  const args = ['-f', '-n', '-l', `127.0.0.1:${port}`, '-e', dir, '-L', 'stderr', '-S', '-U', userInfo().username];
  const p = spawn(DIOD, args, { stdio: 'ignore', cwd: tmpdir() });
  await waitFor(() => canConnect({ host: '127.0.0.1', port }));
  return { addr: `tcp!127.0.0.1!${port}`, port, stop: () => p.kill() };
}

/** Reference: raw Node sockets, a child writing SIZE bytes in 64 KiB copies down a Unix socket to us. */
async function rawSocket(dir) {
  const sock = join(dir, 'raw.sock');
  const src = `
    import net from 'node:net';
    const b = Buffer.alloc(65536, 1);
    net.createServer((s) => {
      s.on('error', () => {});
      let n = 0;
      const go = () => { while (n < ${SIZE / 65536}) { n++; if (!s.write(Buffer.from(b))) return s.once('drain', go); } s.end(); };
      go();
    }).listen(${JSON.stringify(sock)});`;
  const p = spawn(process.execPath, ['--input-type=module', '-e', src], { stdio: 'inherit' });
  await waitFor(() => canConnect({ path: sock }));
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = now();
    await new Promise((resolve, reject) => net.connect(sock).on('data', () => {}).on('end', resolve).on('error', reject));
    best = Math.min(best, now() - t0);
  }
  p.kill();
  return mbs(SIZE, best);
}

function diodcat(port, aname, name, msize) {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = now();
    const r = spawnSync('/bin/sh', ['-c', `${DIODCAT} -s 127.0.0.1:${port} -m ${msize} -a '${aname}' '${name}' > /dev/null`]);
    best = Math.min(best, now() - t0);
    if (r.status !== 0) throw new Error(`diodcat failed: ${r.stderr}`);
  }
  return mbs(SIZE, best);
}

export async function p9() {
  const t0 = now();
  const meter = machineMeter();
  const dir = fs.mkdtempSync(join(tmpdir(), 'ants-9pbench-'));
  const sizeName = `${SIZE / 1024 / 1024} MiB`;
  try {
    console.log(`9P throughput, ${sizeName} file, ${DEPTH} requests in flight (best of 2)`);
    const raw = await rawSocket(dir);
    console.log(`  reference: raw Node Unix socket, 64 KiB writes       read ${fmt(raw)}`);
    const ants = await antsServer(dir);
    const hasDiod = fs.existsSync(DIOD);
    const diod = hasDiod ? await diodServer(dir) : undefined;
    try {
      for (const msize of MSIZES) {
        const a = await throughput(ants.addr, '', 'big' + msize, msize);
        console.log(`  msize ${String(msize / 1024).padStart(2)} KiB  ants<->ants unix   write ${fmt(a.write)}  read ${fmt(a.read)}` +
          (msize === 65536 ? `   (target read >= 1000 MB/s: ${(a.read / 1000).toFixed(2)}x; of raw socket ${(a.read / raw).toFixed(2)})` : ''));
        if (diod) {
          fs.rmSync(join(dir, 'big1'), { force: true });
          const d = await throughput(diod.addr, dir, 'big', msize);
          const ref = diodcat(diod.port, dir, 'big1', msize);
          console.log(`  msize ${String(msize / 1024).padStart(2)} KiB  ants<->diod tcp    write ${fmt(d.write)}  read ${fmt(d.read)}` +
            `   diodcat read ${fmt(ref)}  ants/diodcat ${(d.read / ref).toFixed(2)} (target >= 1)`);
        }
      }
      console.log('small operations: walk+open+read+clunk of a 1 KiB file per second');
      fs.writeFileSync(join(dir, 'small'), Buffer.alloc(1024, 0x62));
      {
        const fsrv = await connect(ants.addr, 65536);
        const root = await fsrv.attach(userInfo().username, '');
        const c = (await root.walk([])).fid;
        await c.create('small', 0o644, 1);
        await c.write(0, Buffer.alloc(1024, 0x62));
        await c.clunk();
        fsrv.client.close();
      }
      const sa = await smallOps(ants.addr, '', 'small');
      console.log(`  ants<->ants unix   ${sa.seq.toFixed(0).padStart(7)}/s one at a time   ${sa.par.toFixed(0).padStart(7)}/s 32 at a time`);
      if (diod) {
        const sd = await smallOps(diod.addr, dir, 'small');
        console.log(`  ants<->diod tcp    ${sd.seq.toFixed(0).padStart(7)}/s one at a time   ${sd.par.toFixed(0).padStart(7)}/s 32 at a time`);
      } else console.log('  (diod not installed: apt-get install diod for the diod figures)');
    } finally {
      ants.stop();
      diod?.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const m = meter.line();
  if (m) console.log(m);
  console.log(`(9p bench: ${((now() - t0) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await p9();
