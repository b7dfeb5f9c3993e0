#!/usr/bin/env node
// hubfs throughput (dist/ns/srv/hubfs.js, built by `npm run build`): one writer to one hub
// read by 1, 10 and 100 readers, each reader getting every byte, against a plain in-process
// pipe (ns/pipebuf.ts) moving the same bytes to one reader in the same run — passing the
// writer's buffers as they are, and copying each write, as a hub must since it keeps the
// bytes after the write returns. The hub runs under fear, so the writer is held back by its
// slowest reader and no byte is lost (`lost` is checked). First in-process (the FileServer's
// own calls, as the hub daemon's shell uses it), then over 9P on a Unix socket (as `hub`
// clients read it).
// Figures and ratios only, never an assertion.
//
//   node bench/hub.mjs        or      node bench/run.mjs hub
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMeter } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'ns');
if (!fs.existsSync(join(dist, 'srv', 'hubfs.js'))) throw new Error('dist/ns/srv/hubfs.js is missing: run `npm run build` first');
const { Hubfs } = await import(join(dist, 'srv', 'hubfs.js'));
const { PipeBuf } = await import(join(dist, 'pipebuf.js'));
const { serve } = await import(join(dist, '9p', 'server.js'));
const { Client } = await import(join(dist, '9p', 'client.js'));
const { MountFs } = await import(join(dist, '9p', 'mnt.js'));
const { dial } = await import(join(dist, '9p', 'transport.js'));

const MiB = 1024 * 1024;
const CHUNK = 8192;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const mbs = (bytes, ms) => bytes / 1e6 / (ms / 1000);
const fmt = (x) => `${x.toFixed(0).padStart(7)} MB/s`;

/** ms for a pipe to carry total bytes in CHUNK writes to one reader (copy: each write a fresh copy, as a hub keeps one). */
async function pipe(total, copy = false) {
  const p = new PipeBuf();
  const { r, w } = p.ends();
  const chunk = Buffer.alloc(CHUNK, 0x61);
  const t0 = now();
  const reader = (async () => {
    let n = 0;
    for (;;) {
      const b = await r.read(CHUNK);
      if (b.length === 0) return n;
      n += b.length;
    }
  })();
  for (let sent = 0; sent < total; sent += CHUNK) await w.write(copy ? Buffer.from(chunk) : chunk);
  w.close();
  const n = await reader;
  const ms = now() - t0;
  r.close();
  if (n !== total) throw new Error(`pipe: ${n} of ${total} bytes`);
  return ms;
}

/** ms for one writer to send total bytes to `readers` readers of one hub, all read through root. */
async function hub(root, name, readers, total) {
  const w = (await root.walk([])).fid;
  await w.create(name, 0o666, 1);
  const rs = [];
  for (let i = 0; i < readers; i++) {
    const f = (await root.walk([name])).fid;
    await f.open(0);
    rs.push(f);
  }
  const chunk = Buffer.alloc(CHUNK, 0x61);
  const t0 = now();
  const reading = rs.map(async (f) => {
    let n = 0;
    for (;;) {
      const b = await f.read(0, 65536);
      if (b.length === 0) return n;
      n += b.length;
    }
  });
  for (let sent = 0; sent < total; sent += CHUNK) await w.write(0, chunk);
  const c = (await root.walk(['ctl'])).fid;
  await c.open(2);
  await c.write(0, Buffer.from('eof ' + name));
  const got = await Promise.all(reading);
  const ms = now() - t0;
  const status = (await c.read(0, 65536)).toString();
  const lost = Number(new RegExp(`^${name} readers \\d+ written \\d+ lost (\\d+)$`, 'm').exec(status)?.[1] ?? NaN);
  for (const f of [...rs, w, c]) await f.clunk();
  if (got.some((n) => n !== total) || lost !== 0) throw new Error(`hub: readers got ${[...new Set(got)].join(',')} of ${total} bytes, lost ${lost}`);
  return ms;
}

function fresh() {
  const h = new Hubfs({ name: 'bench' });
  h.fear = true;
  return h;
}

async function over9p(h) {
  const dir = fs.mkdtempSync(join(tmpdir(), 'ants-bench-hub-'));
  const sock = join(dir, 'hub');
  const server = net.createServer((s) => serve(h, s));
  await new Promise((r) => server.listen(sock, r));
  const fsrv = new MountFs(await Client.connect(await dial('unix!' + sock), { msize: 65536 + 24, maxTags: 4096 }));
  return {
    root: await fsrv.attach('bench', ''),
    close() {
      fsrv.client.close();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function hubBench() {
  const meter = machineMeter();
  const total = Number(process.env.HUB_BENCH_MIB ?? 64) * MiB;
  console.log(`hubfs: one writer, ${total / MiB} MiB in ${CHUNK / 1024} KiB writes, every reader gets every byte (fear on; best of 5)`);
  const best = async (f) => {
    let m = Infinity;
    for (let i = 0; i < 5; i++) m = Math.min(m, await f());
    return m;
  };
  // Warm up (the JIT) on both sides before anything is timed.
  for (let i = 0; i < 3; i++) {
    await pipe(total);
    await hub(await fresh().attach('bench'), 'warm', 1, total);
  }
  const bare = await best(() => pipe(total));
  const ref = await best(() => pipe(total, true));
  console.log(`  in-process pipe, 1 reader                ${fmt(mbs(total, bare))}   (buffers passed, never copied)`);
  console.log(`  in-process pipe, 1 reader, copying       ${fmt(mbs(total, ref))}   (reference: each write copied, as a hub must keep its bytes)`);
  let k = 0;
  for (const where of ['in-process', '9P on a Unix socket']) {
    for (const n of [1, 10, 100]) {
      // 100 readers over 9P carry 100× the bytes on one connection: a smaller stream keeps the run short.
      const bytes = where === 'in-process' || n < 100 ? total : total / 8;
      const ms = await best(async () => {
        const h = fresh();
        const c = where === 'in-process' ? { root: await h.attach('bench'), close() {} } : await over9p(h);
        try {
          return await hub(c.root, 'h' + k++, n, bytes);
        } finally {
          c.close();
        }
      });
      const w = mbs(bytes, ms);
      console.log(`  ${where.padEnd(20)} ${String(n).padStart(3)} reader${n > 1 ? 's' : ' '}  ${fmt(w)} written, ${fmt(w * n)} delivered   written/copying pipe ${(w / mbs(total, ref)).toFixed(2)}`);
    }
  }
  const m = meter.line();
  if (m) console.log(m);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await hubBench();
