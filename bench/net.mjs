#!/usr/bin/env node
// Benchmarks for the /net emulator (dist/ns/net and dist/builtins/net, built by `npm run
// build`), each printed beside raw Node TCP on loopback measured in the same run. Figures
// and ratios only, never an assertion. Real traffic goes to 127/8 only.
//
//   connections/s  dial(2) + listen + accept + hangup through a kernel namespace (cs,
//                  clone, ctl, listen, data — every step a file operation), against
//                  net.connect + accept + close on 127.0.0.1;
//   stream         one connection, 64 KiB writes, reader reading 64 KiB: MB/s through the
//                  emulator (two processes of one kernel), against a Node socket pair on
//                  127.0.0.1;
//   daemon         the same two figures between two sessions through the shared /net
//                  daemon: two kernels in daemon mode, each with its own 9P connection to
//                  a daemon started on demand as ants-rc does (a temporary $NAMESPACE),
//                  so every file operation is a 9P round trip to another process. Both
//                  sessions run in this process, as both ends of the raw Node figure do;
//                  connections are measured one at a time and 16 at once; the stream
//                  also as CPU seconds per GB, every process counted (Linux), a figure a
//                  busy or shared machine disturbs less than MB/s; and beside it a plain
//                  byte relay through a third Node process over two Unix sockets, the
//                  daemon's topology without 9P: the ceiling of any path through it;
//   host ↔ 127/8   a host client (nc when installed, else a Node socket) reading a stream
//                  from an emulated listener on 127.0.0.99, and Node clients connecting to
//                  it, against the same from a plain Node server.
//
// Each figure is the median of ROUNDS rounds, rounds of compared figures interleaved.
//
//   node bench/net.mjs [daemon]      or      node bench/run.mjs net
//   (`daemon`: only the figures through the shared daemon)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMeter } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
if (!fs.existsSync(join(dist, 'ns', 'net', 'index.js'))) throw new Error('dist/ns/net is missing: run `npm run build` first');
const { Kernel } = await import(join(dist, 'ns', 'kernel.js'));
const { MREPL, MAFTER } = await import(join(dist, 'ns', 'mount.js'));
const { setNetWorld, NetWorld } = await import(join(dist, 'ns', 'net', 'index.js'));
const { dial, announce, listen, accept } = await import(join(dist, 'builtins', 'net', 'dial.js'));
const { closeNetd } = await import(join(dist, 'ns', 'net', 'index.js'));

const ROUNDS = 7;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (n) => `${Math.round(n).toLocaleString('en-US').padStart(9)}/s`;
const mbs = (n) => `${n.toFixed(0).padStart(7)} MB/s`;
const x = (r) => `${r.toFixed(2)}×`;
const hasNc = spawnSync('sh', ['-c', 'command -v nc'], { stdio: 'ignore' }).status === 0;

async function emulator() {
  const cons = { read: async () => Buffer.alloc(0), write: (b) => b.length };
  const k = new Kernel({ user: 'bench', sysname: 'bench', srvDir: null, console: cons });
  const world = new NetWorld({ realnet: true });
  setNetWorld(k, world);
  const p = await k.init(['bench']);
  await p.ns.bind('#I0', '/net', MREPL);
  await p.ns.bind('#l0', '/net', MAFTER);
  const other = k.fork(p, ['client']);
  return { k, world, server: p.ns, client: other.ns };
}

/** Two sessions on the shared daemon of a fresh srv directory (started by the first use). */
async function daemonSessions() {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ants-netbench-'));
  const cons = { read: async () => Buffer.alloc(0), write: (b) => b.length };
  const session = async () => {
    const k = new Kernel({ user: 'bench', sysname: 'bench', srvDir: dir, net: 'daemon', console: cons });
    const p = await k.init(['bench']);
    await p.ns.bind('#I0', '/net', MREPL);
    await p.ns.bind('#l0', '/net', MAFTER);
    return { k, ns: p.ns };
  };
  const a = await session();
  const b = await session();
  await a.ns.stat('/net/tcp');
  const pid = Number(fs.readFileSync(join(dir, 'ants-net.pid'), 'utf8'));
  return {
    server: a.ns, client: b.ns,
    /** CPU seconds the daemon has used so far (Linux's /proc), or undefined. */
    daemonCpu: () => procCpu(pid),
    close() {
      closeNetd(a.k);
      closeNetd(b.k);
      try {
        process.kill(Number(fs.readFileSync(join(dir, 'ants-net.pid'), 'utf8')), 'SIGTERM');
      } catch {
        /* gone */
      }
      setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 200).unref();
    },
  };
}

/** user+system CPU seconds of process pid from /proc/pid/stat; undefined where there is none. */
function procCpu(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}
const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout) > 0 ? Number(r.stdout) : 100;
})();
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * f (returning MB/s over bytes) with the CPU it costs, every process involved counted
 * (this one, and the daemon when cpu2 reads it): pushes CPU seconds per GB to into.
 */
function costed(f, bytes, into, cpu2 = () => 0) {
  return async () => {
    const s0 = selfCpu();
    const d0 = cpu2() ?? 0;
    const r = await f();
    const gb = bytes / 1e9;
    into.push({ self: (selfCpu() - s0) / gb, other: ((cpu2() ?? 0) - d0) / gb });
    return r;
  };
}

/** Interleave rounds of fns (each returns a figure); medians. */
async function interleave(fns) {
  const out = fns.map(() => []);
  for (let r = 0; r < ROUNDS + 1; r++) {
    for (let j = 0; j < fns.length; j++) {
      const f = await fns[(j + r) % fns.length]();
      if (r > 0) out[(j + r) % fns.length].push(f);
    }
  }
  return out.map(median);
}

/* ---------- connections per second ---------- */

/** n connections, `par` at a time (1: one after another), each by its own listener process. */
async function emuConnRate(e, port, n, par) {
  const a = await announce(e.server, `tcp!*!${port}`);
  const per = n / par;
  const serving = Promise.all(Array.from({ length: par }, async () => {
    for (let i = 0; i < per; i++) {
      const call = await listen(e.server, a.dir);
      const d = await accept(e.server, call);
      d.close();
      call.ctl.close();
    }
  }));
  const t0 = now();
  await Promise.all(Array.from({ length: par }, async () => {
    for (let i = 0; i < per; i++) {
      const c = await dial(e.client, `tcp!192.168.0.100!${port}`);
      c.data.close();
      c.ctl.close();
    }
  }));
  await serving;
  const ms = now() - t0;
  a.ctl.close();
  return (n / ms) * 1000;
}

/**
 * n connections to host!port, `par` at a time, each ended and waited for until both sides
 * have closed, as a hangup in the emulator is. (Destroying the socket at once and moving
 * on leaves the server's side closing; the next connect may pick the same port, meet that
 * socket, lose its SYN and wait a second for the retry: 16 at a time then measured about
 * 600/s, a figure of the kernel's port reuse, not of Node.)
 */
async function nodeConnRate(host, port, n, par) {
  const t0 = now();
  await Promise.all(Array.from({ length: par }, async () => {
    for (let i = 0; i < n / par; i++) {
      await new Promise((resolve, reject) => {
        const s = net.connect(port, host, () => {
          s.end();
          s.resume();
        });
        s.once('close', () => resolve());
        s.on('error', reject);
      });
    }
  }));
  return (n / (now() - t0)) * 1000;
}

function nodeServer(host, onConn = (s) => s.on('error', () => {}).resume()) {
  return new Promise((resolve) => {
    const srv = net.createServer(onConn);
    srv.listen(0, host, () => resolve(srv));
  });
}

/* ---------- streams ---------- */

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
const STREAM = 512 * 1024 * 1024;

async function emuStream(e, port) {
  const a = await announce(e.server, `tcp!*!${port}`);
  const callP = listen(e.server, a.dir);
  const c = await dial(e.client, `tcp!192.168.0.100!${port}`);
  const call = await callP;
  const d = await accept(e.server, call);
  const t0 = now();
  const writer = (async () => {
    for (let sent = 0; sent < STREAM; sent += CHUNK.length) await c.data.write(CHUNK);
    await c.data.write(Buffer.alloc(0));
  })();
  let got = 0;
  for (let b = await d.read(65536); b.length > 0; b = await d.read(65536)) got += b.length;
  await writer;
  const ms = now() - t0;
  for (const x of [d, call.ctl, c.data, c.ctl, a.ctl]) x.close();
  return got / 1e6 / (ms / 1000);
}

async function nodeStream() {
  let done;
  const finished = new Promise((r) => (done = r));
  const srv = await nodeServer('127.0.0.1', (s) => {
    let got = 0;
    s.on('data', (b) => (got += b.length));
    s.on('end', () => done(got));
  });
  const port = srv.address().port;
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const t0 = now();
  for (let sent = 0; sent < STREAM; sent += CHUNK.length) {
    if (!s.write(CHUNK)) await new Promise((r) => s.once('drain', r));
  }
  s.end();
  const got = await finished;
  const ms = now() - t0;
  srv.close();
  return got / 1e6 / (ms / 1000);
}

/**
 * The daemon's topology without 9P: a third Node process (as the daemon is) that copies
 * bytes from one Unix socket to another, this process writing 64 KiB chunks to it and
 * reading them back. What two hops through another process cost with no protocol at all:
 * the ceiling of any design that moves the bytes through the daemon.
 */
async function relayProcess() {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ants-relay-'));
  const code = `
    const net = require('node:net');
    const [inp, outp] = process.argv.slice(1);
    let out;
    net.createServer((s) => { out = s; s.on('error', () => {}); }).listen(outp, () =>
      net.createServer((s) => { s.on('error', () => {}); s.pipe(out, { end: false }); }).listen(inp, () => process.stdout.write('ready\\n')));
  `;
  const child = spawn(process.execPath, ['-e', code, join(dir, 'in'), join(dir, 'out')], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => child.kill());
  await new Promise((r) => child.stdout.once('data', r));
  return {
    cpu: () => procCpu(child.pid),
    async stream() {
      const rd = net.connect(join(dir, 'out'));
      await new Promise((r) => rd.once('connect', r));
      const wr = net.connect(join(dir, 'in'));
      await new Promise((r) => wr.once('connect', r));
      let got = 0;
      const all = new Promise((r) => rd.on('data', (b) => (got += b.length) >= STREAM && r()));
      const t0 = now();
      for (let sent = 0; sent < STREAM; sent += CHUNK.length) {
        if (!wr.write(CHUNK)) await new Promise((r) => wr.once('drain', r));
      }
      await all;
      const ms = now() - t0;
      wr.destroy();
      rd.destroy();
      return got / 1e6 / (ms / 1000);
    },
    close() {
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/* ---------- host clients against a 127/8 listener ---------- */

const HOSTSTREAM = 256 * 1024 * 1024;

/** A host client reading everything from host!port: nc when installed. */
function hostRead(host, port) {
  if (!hasNc) {
    return new Promise((resolve, reject) => {
      let got = 0;
      const t0 = now();
      const s = net.connect(port, host);
      s.on('data', (b) => (got += b.length));
      s.on('end', () => resolve(got / 1e6 / ((now() - t0) / 1000)));
      s.on('error', reject);
    });
  }
  return new Promise((resolve) => {
    const t0 = now();
    const c = spawn('sh', ['-c', `nc -d ${host} ${port} | wc -c`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (b) => (out += b));
    c.on('close', () => resolve(Number(out.trim()) / 1e6 / ((now() - t0) / 1000)));
  });
}

async function emuHostStream(e, port) {
  const a = await announce(e.server, `tcp!127.0.0.99!${port}`);
  const serving = (async () => {
    const call = await listen(e.server, a.dir);
    const d = await accept(e.server, call);
    for (let sent = 0; sent < HOSTSTREAM; sent += CHUNK.length) await d.write(CHUNK);
    d.close();
    call.ctl.close();
  })();
  const r = await hostRead('127.0.0.99', port);
  await serving;
  a.ctl.close();
  return r;
}

async function nodeHostStream() {
  const srv = await nodeServer('127.0.0.98', async (s) => {
    s.on('error', () => {});
    for (let sent = 0; sent < HOSTSTREAM; sent += CHUNK.length) {
      if (!s.write(CHUNK)) await new Promise((r) => s.once('drain', r));
    }
    s.end();
  });
  const r = await hostRead('127.0.0.98', srv.address().port);
  srv.close();
  return r;
}

async function emuHostConnRate(e, port, n) {
  const a = await announce(e.server, `tcp!127.0.0.99!${port}`);
  const serving = (async () => {
    for (let i = 0; i < n; i++) {
      const call = await listen(e.server, a.dir);
      call.ctl.close();
    }
  })();
  const r = await nodeConnRate('127.0.0.99', port, n, 1);
  await serving;
  a.ctl.close();
  return r;
}

export async function netBench(only) {
  let port = 20000 + Math.floor(Math.random() * 20000);
  const N = 2000;
  if (only !== 'daemon') port = await inProcess(port, N);
  console.log(`/net through the shared daemon (median of ${ROUNDS}; raw Node TCP on 127.0.0.1 measured in the same run)`);
  await throughDaemon(port, N);
}

async function inProcess(port, N) {
  const meter = machineMeter();
  const e = await emulator();
  await e.server.open('/net/ipifc/0/ctl', 1).then(async (c) => {
    await c.write(Buffer.from('add 127.0.0.99 255.255.255.255'));
    c.close();
  });
  const cSrv = await nodeServer('127.0.0.1');
  const [emuCps, nodeCps] = await interleave([
    () => emuConnRate(e, ++port, N, 1),
    () => nodeConnRate('127.0.0.1', cSrv.address().port, N, 1),
  ]);
  cSrv.close();
  console.log(`/net emulator (median of ${ROUNDS}; raw Node TCP on 127.0.0.1 measured in the same run)`);
  console.log('  connections per second (dial + listen + accept + close)');
  console.log(`    emulator, through the namespace        ${rate(emuCps)}   (target >= 1,000/s)`);
  console.log(`    raw Node TCP                           ${rate(nodeCps)}   emulator/raw ${x(emuCps / nodeCps)}`);

  const [emuMb, nodeMb] = await interleave([() => emuStream(e, ++port), () => nodeStream()]);
  console.log(`  stream throughput (${STREAM >> 20} MiB in 64 KiB writes)`);
  console.log(`    emulator, process to process           ${mbs(emuMb)}   (target >= 0.5 × raw)`);
  console.log(`    raw Node TCP                           ${mbs(nodeMb)}   emulator/raw ${x(emuMb / nodeMb)}`);

  const client = hasNc ? 'nc' : 'a Node client (nc not installed)';
  const [hMb, hNodeMb] = await interleave([() => emuHostStream(e, ++port), () => nodeHostStream()]);
  console.log(`  host ${client} reading ${HOSTSTREAM >> 20} MiB from a 127/8 listener`);
  console.log(`    emulated listener on 127.0.0.99        ${mbs(hMb)}`);
  console.log(`    raw Node server on 127.0.0.98          ${mbs(hNodeMb)}   emulated/raw ${x(hMb / hNodeMb)}`);
  const hSrv = await nodeServer('127.0.0.98');
  const [hCps, hNodeCps] = await interleave([
    () => emuHostConnRate(e, ++port, N),
    () => nodeConnRate('127.0.0.98', hSrv.address().port, N, 1),
  ]);
  hSrv.close();
  console.log('  host Node clients connecting to a 127/8 listener');
  console.log(`    emulated listener on 127.0.0.99        ${rate(hCps)}`);
  console.log(`    raw Node server on 127.0.0.98          ${rate(hNodeCps)}   emulated/raw ${x(hCps / hNodeCps)}`);
  e.world.shutdown();
  const m = meter.line();
  if (m) console.log(m);
  return port;
}

async function throughDaemon(port, N) {
  const meter = machineMeter();
  const d = await daemonSessions();
  const dSrv = await nodeServer('127.0.0.1');
  const [dCps, dNodeCps] = await interleave([
    () => emuConnRate(d, ++port, N, 1),
    () => nodeConnRate('127.0.0.1', dSrv.address().port, N, 1),
  ]);
  const [dCpsPar, dNodeCpsPar] = await interleave([
    () => emuConnRate(d, ++port, N, 16),
    () => nodeConnRate('127.0.0.1', dSrv.address().port, N, 16),
  ]);
  dSrv.close();
  console.log('  connections per second, one at a time');
  console.log(`    through the daemon                     ${rate(dCps)}   (target >= 1,000/s)`);
  console.log(`    raw Node TCP                           ${rate(dNodeCps)}   daemon/raw ${x(dCps / dNodeCps)}`);
  console.log('  connections per second, 16 at a time');
  console.log(`    through the daemon                     ${rate(dCpsPar)}   (target >= 1,000/s)`);
  console.log(`    raw Node TCP                           ${rate(dNodeCpsPar)}   daemon/raw ${x(dCpsPar / dNodeCpsPar)}`);
  const dCpu = [];
  const nCpu = [];
  const rCpu = [];
  const relay = await relayProcess();
  const [dMb, dNodeMb, rMb] = await interleave([
    costed(() => emuStream(d, ++port), STREAM, dCpu, d.daemonCpu),
    costed(() => nodeStream(), STREAM, nCpu),
    costed(() => relay.stream(), STREAM, rCpu, relay.cpu),
  ]);
  relay.close();
  console.log(`  stream throughput (${STREAM >> 20} MiB in 64 KiB writes)`);
  console.log(`    through the daemon                     ${mbs(dMb)}   (target >= 0.5 × raw)`);
  console.log(`    raw Node TCP                           ${mbs(dNodeMb)}   daemon/raw ${x(dMb / dNodeMb)}`);
  console.log(`    bytes relayed by a third process       ${mbs(rMb)}   relay/raw ${x(rMb / dNodeMb)}, daemon/relay ${x(dMb / rMb)}`);
  console.log('      (the daemon\'s two Unix-socket hops with no 9P: the ceiling of any path through it)');
  if (d.daemonCpu() !== undefined) {
    // CPU per byte, every process counted: steadier than MB/s on a busy or shared machine.
    const ds = median(dCpu.slice(1).map((c) => c.self));
    const dd = median(dCpu.slice(1).map((c) => c.other));
    const nc = median(nCpu.slice(1).map((c) => c.self));
    console.log('  CPU seconds per GB moved (both sessions and the daemon; both ends of raw TCP)');
    console.log(`    through the daemon                     ${(ds + dd).toFixed(2).padStart(9)} s   (sessions ${ds.toFixed(2)}, daemon ${dd.toFixed(2)})`);
    console.log(`    raw Node TCP                           ${nc.toFixed(2).padStart(9)} s   daemon/raw ${x((ds + dd) / nc)}`);
    const rs = median(rCpu.slice(1).map((c) => c.self + c.other));
    console.log(`    bytes relayed by a third process       ${rs.toFixed(2).padStart(9)} s   daemon/relay ${x((ds + dd) / rs)}`);
  }
  d.close();
  const m = meter.line();
  if (m) console.log(m);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await netBench(process.argv[2]);
