#!/usr/bin/env node
// Nothing hangs, measured: how long batch ants-rc takes to exit after SIGINT while an
// in-process pipeline that never waits on I/O runs (target < 100 ms), and what the
// turns that make this possible (ns/turn.ts) cost in throughput: the same pipelines with
// yielding as shipped and with it switched off (ANTS_SLICE_MS huge), in the same run
// (target: at most 10% slower). Figures, never asserts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMeter } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'ants-rc.js');
const dir = mkdtempSync(join(tmpdir(), 'ants-bench-hang-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, ANTS_NET: 'local' };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds from SIGINT to exit, the pipeline having run for a while. */
function sigintToExit(cmd) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, '-c', cmd], { env, stdio: 'ignore' });
    let t0 = 0n;
    const guard = setTimeout(() => {
      c.kill('SIGKILL');
      reject(new Error(`${cmd}: still running 10 s after SIGINT`));
    }, 10_500);
    setTimeout(() => {
      t0 = process.hrtime.bigint();
      c.kill('SIGINT');
    }, 500);
    c.on('exit', () => {
      clearTimeout(guard);
      resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}

function wall(cmd, extra = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, '-c', cmd], { env: { ...env, ...extra }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const meter = machineMeter();
console.log('nothing hangs: SIGINT to exit (median of 7)');
for (const cmd of ['cat /dev/zero | wc -c', 'seq 1 100000000 | wc -l', 'while(true) x=1']) {
  const ts = [];
  for (let i = 0; i < 7; i++) ts.push(await sigintToExit(cmd));
  const m = median(ts);
  console.log(`  ${cmd.padEnd(28)} ${m.toFixed(1).padStart(7)} ms  (max ${Math.max(...ts).toFixed(1)} ms; target < 100)`);
}

const MB = 256;
writeFileSync(join(dir, 'big'), Buffer.alloc(MB << 20, 97));
console.log(`\nthroughput with and without yielding (median of 5, alternating)`);
for (const [name, cmd] of [[`cat ${MB} MiB | wc -c`, 'cat big | wc -c'], ['seq 1 2000000 | wc -l', 'seq 1 2000000 | wc -l']]) {
  const on = [];
  const off = [];
  for (let i = 0; i < 5; i++) {
    on.push(wall(cmd));
    off.push(wall(cmd, { ANTS_SLICE_MS: '1e12' }));
  }
  const a = median(on);
  const b = median(off);
  console.log(`  ${name.padEnd(24)} yielding ${a.toFixed(0).padStart(6)} ms   never yielding ${b.toFixed(0).padStart(6)} ms   cost ${(((a - b) / b) * 100).toFixed(1)}%  (target <= 10%)`);
}
const line = meter.line();
if (line) console.log(line);
