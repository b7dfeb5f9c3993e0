#!/usr/bin/env node
// Nothing hangs, measured: how long batch ants-rc takes to exit after SIGINT while an
// in-process pipeline that never waits on I/O runs (target < 100 ms), and what the
// turns that make this possible (ns/turn.ts) cost in throughput: the same pipelines with
// yielding as shipped and with it switched off (ANTS_SLICE_MS huge), in the same run
// (target: at most 10% slower). Figures, never asserts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Wall and CPU (user + system) seconds of one run; CPU from GNU time where it is installed. */
function run(cmd, extra = {}) {
  const t0 = process.hrtime.bigint();
  const timed = existsSync('/usr/bin/time');
  const argv = timed ? ['/usr/bin/time', '-f', '%U %S', process.execPath, BIN, '-c', cmd] : [process.execPath, BIN, '-c', cmd];
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...env, ...extra }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = timed ? /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.toString()) : null;
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

export async function hang() {
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
  console.log(`\nthroughput with and without yielding (median of 9, alternating; CPU is user + system)`);
  for (const [name, cmd] of [[`cat ${MB} MiB | wc -c`, 'cat big | wc -c'], ['seq 1 2000000 | wc -l', 'seq 1 2000000 | wc -l']]) {
    const on = [];
    const off = [];
    for (let i = 0; i < 9; i++) {
      on.push(run(cmd));
      off.push(run(cmd, { ANTS_SLICE_MS: '1e12' }));
    }
    const f = (xs, k) => median(xs.map((x) => x[k]));
    const [aw, bw, ac, bc] = [f(on, 'wall'), f(off, 'wall'), f(on, 'cpu'), f(off, 'cpu')];
    console.log(`  ${name.padEnd(24)} yielding ${aw.toFixed(0).padStart(6)} ms (cpu ${ac.toFixed(0)})   never yielding ${bw.toFixed(0).padStart(6)} ms (cpu ${bc.toFixed(0)})   cost: wall ${(((aw - bw) / bw) * 100).toFixed(1)}%, cpu ${(((ac - bc) / bc) * 100).toFixed(1)}%  (target <= 10%)`);
  }
  const line = meter.line();
  if (line) console.log(line);
}

if (import.meta.url === `file://${process.argv[1]}`) await hang();
