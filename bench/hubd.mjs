#!/usr/bin/env node
// A hub shell's latency: from a line written to io0 to its output read from io1, over
// 9P on the hub host's Unix socket as an attached `hub` client does (median and p99 over
// 1,000 lines, each written once the last one's output has come back), against the same
// lines sent to an ants-rc and to 9base rc reading a pipe, measured in the same run: what
// the hubs and the host's 9P add to a shell's round trip. Figures only, never an assertion.
//
//   node bench/hubd.mjs        or      node bench/run.mjs hubd
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMeter } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'ants-rc.js');
const dist = join(here, '..', 'dist', 'ns');
const REF = '/usr/lib/plan9/bin/rc';
const LINES = 1000;
const now = () => Number(process.hrtime.bigint()) / 1e6;

function stats(ts) {
  const s = [...ts].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] };
}

/** Round trips through write(line) and the output arriving at onData; each line `echo N` waits for `N`. */
async function roundTrips(write, next) {
  const ts = [];
  for (let i = -20; i < LINES; i++) {
    const want = `${i + 1000}\n`;
    const t0 = now();
    await write(`echo ${i + 1000}\n`);
    await next(want);
    if (i >= 0) ts.push(now() - t0);
  }
  return stats(ts);
}

/** Output of a stream gathered until it holds a wanted line. */
function waiter() {
  let buf = '';
  let want;
  let wake;
  return {
    feed(s) {
      buf += s;
      if (want && buf.includes(want)) {
        buf = '';
        const w = wake;
        want = wake = undefined;
        w();
      }
    },
    next(w) {
      if (buf.includes(w)) {
        buf = '';
        return Promise.resolve();
      }
      want = w;
      return new Promise((r) => (wake = r));
    },
  };
}

async function overPipe(argv) {
  const c = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, ANTS_NET: 'local' } });
  const w = waiter();
  c.stdout.on('data', (b) => w.feed(b.toString()));
  const r = await roundTrips((s) => new Promise((res) => c.stdin.write(s, res)), (want) => w.next(want));
  c.stdin.end();
  await new Promise((res) => c.on('close', res));
  return r;
}

async function overHub() {
  const { Client } = await import(join(dist, '9p', 'client.js'));
  const { MountFs } = await import(join(dist, '9p', 'mnt.js'));
  const { dial } = await import(join(dist, '9p', 'transport.js'));
  const ns = fs.mkdtempSync(join(tmpdir(), 'ants-bench-hubd-'));
  const env = { ...process.env, NAMESPACE: ns, ANTS_NET: 'local', ANTS_HUBD_IDLE: '2000' };
  try {
    const r = spawnSync(process.execPath, [BIN, '-c', 'hub -b bench'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`hub -b failed: ${r.stderr}`);
    const fsrv = new MountFs(await Client.connect(await dial({ net: 'unix', path: join(ns, 'bench') })));
    const root = await fsrv.attach('bench', '');
    const open = async (name, mode) => {
      const f = (await root.walk([name])).fid;
      await f.open(mode);
      return f;
    };
    const io0 = await open('io0', 1);
    const io1 = await open('io1', 0);
    const w = waiter();
    let done = false;
    const pump = (async () => {
      while (!done) {
        const b = await io1.read(0, 8192).catch(() => Buffer.alloc(0));
        if (b.length === 0) return;
        w.feed(b.toString());
      }
    })();
    const res = await roundTrips((s) => io0.write(0, Buffer.from(s)), (want) => w.next(want));
    done = true;
    const ctl = await open('ctl', 1);
    await ctl.write(0, Buffer.from('quit')).catch(() => {});
    await pump;
    return res;
  } finally {
    // The host removes its socket as it quits; one that has not is killed.
    try {
      const pid = Number(fs.readFileSync(join(ns, 'bench.pid'), 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    fs.rmSync(ns, { recursive: true, force: true });
  }
}

export async function hubdBench() {
  const meter = machineMeter();
  console.log(`hub shell latency: a line into io0 to its output on io1 (${LINES} lines)`);
  const fmt = (r) => `median ${r.median.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms`;
  const hub = await overHub();
  console.log(`  hub shell, 9P on the host's socket   ${fmt(hub)}`);
  const pipe = await overPipe([process.execPath, BIN]);
  console.log(`  ants-rc reading a pipe               ${fmt(pipe)}   hub/pipe ${(hub.median / pipe.median).toFixed(2)}`);
  if (fs.existsSync(REF)) {
    const ref = await overPipe([REF]);
    console.log(`  9base rc reading a pipe              ${fmt(ref)}   hub/rc ${(hub.median / ref.median).toFixed(2)}`);
  }
  const m = meter.line();
  if (m) console.log(m);
}

if (import.meta.url === `file://${process.argv[1]}`) await hubdBench();
