#!/usr/bin/env node
// A 9P root as a place to work: the same tree used through rerootwin (served by a second
// ants-rc, srvfs over a Unix socket) and straight from the host (#U), in the same run:
// `ls -l` of a 1,000-entry directory, `cat` of 1,000 small files, `cat` of a 64 MiB file.
// Each figure is the median of 5 whole runs less the median of the same run doing nothing
// (start-up, and for the root rerootwin's own setup), so the ratio compares the work
// alone. Figures and ratios, never an assertion.
//
//   node bench/reroot.mjs     or     node bench/run.mjs reroot
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMeter } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'ants-rc.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const RUNS = 5;

function once(script, env, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, '-c', script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || r.stderr.length > 0) throw new Error(`${script} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function reroot() {
  const meter = machineMeter();
  const dir = mkdtempSync(join(tmpdir(), 'ants-bench-reroot-'));
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'many'), { recursive: true });
  for (let i = 0; i < 1000; i++) writeFileSync(join(tree, 'many', `f${i}`), `small file ${i}\n`.repeat(8));
  writeFileSync(join(tree, 'big'), Buffer.alloc(64 << 20, 97));
  const env = { ...process.env, HOME: dir, NAMESPACE: join(dir, '.ns'), ANTS_NET: 'local' };
  const server = spawn(process.execPath, [BIN, '-c', `srvfs fsbench ${tree}; touch ${dir}/up; sleep 100000`], { env, stdio: 'ignore' });
  try {
    for (let i = 0; i < 400 && !existsSync(join(dir, 'up')); i++) await new Promise((r) => setTimeout(r, 25));
    if (!existsSync(join(dir, 'up'))) throw new Error('the srvfs server did not start');
    const host = (op) => `cd ${tree}; ${op}`;
    const rooted = (op) => `rerootwin -c '${op}' fsbench`;
    const ops = [
      ['ls -l of a 1,000-entry directory', 'ls -l many > /dev/null'],
      ['cat of 1,000 small files', 'cat many/* > /dev/null'],
      ['cat of a 64 MiB file', 'cat big > /dev/null'],
    ];
    console.log(`a 9P root as a place to work: rerootwin onto a second ants-rc's srvfs vs the host (median of ${RUNS}, less doing nothing)`);
    const base = { host: [], rooted: [] };
    const times = ops.map(() => ({ host: [], rooted: [] }));
    // Alternating, so a change in the machine's load falls on both sides alike.
    for (let r = 0; r < RUNS; r++) {
      base.host.push(once(host('true'), env, dir));
      base.rooted.push(once(rooted('true'), env, dir));
      ops.forEach(([, op], i) => {
        times[i].host.push(once(host(op), env, dir));
        times[i].rooted.push(once(rooted(op), env, dir));
      });
    }
    const [bh, br] = [median(base.host), median(base.rooted)];
    console.log(`  ${'doing nothing'.padEnd(34)} host ${bh.toFixed(0).padStart(6)} ms   rerooted ${br.toFixed(0).padStart(6)} ms (rerootwin's setup ${(br - bh).toFixed(0)} ms)`);
    ops.forEach(([name], i) => {
      const h = Math.max(median(times[i].host) - bh, 0.1);
      const t = Math.max(median(times[i].rooted) - br, 0.1);
      console.log(`  ${name.padEnd(34)} host ${h.toFixed(0).padStart(6)} ms   rerooted ${t.toFixed(0).padStart(6)} ms   ratio ${(t / h).toFixed(2)}`);
    });
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  const line = meter.line();
  if (line) console.log(line);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await reroot();
