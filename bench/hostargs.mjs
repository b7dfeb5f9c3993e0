#!/usr/bin/env node
// What placing a host program's arguments on the host costs (shell/hostpolicy.ts): a host
// program given 2,000 file names, run by ants-rc in a plain host directory (relative names
// go unlooked-up), in one with a mount beneath it (each name is walked through the
// namespace), and with absolute names (each walked), against the same command run by
// 9base rc (or sh) in the same run. Medians of 7 runs of 5 commands each; figures and
// ratios only, never an assertion.
//
//   node bench/hostargs.mjs        (after npm run build)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ants = join(here, '..', 'bin', 'ants-rc.js');
const REF = existsSync('/usr/lib/plan9/bin/rc') ? '/usr/lib/plan9/bin/rc' : '/bin/sh';
const N = 2000;
const dir = mkdtempSync(join(tmpdir(), 'ants-bench-hostargs-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'files'));
mkdirSync(join(dir, 'files', 'sub'));
for (let i = 0; i < N; i++) writeFileSync(join(dir, 'files', 'f' + i), '');

function time(argv, runs = 7) {
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: join(dir, 'files'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ts.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const five = (cmd) => Array(5).fill(cmd).join('; ');
const ref = time([REF, '-c', five('/usr/bin/true f*')]);
const base = time([process.execPath, ants, '-c', five('x=f*; /usr/bin/true')]);
const plain = time([process.execPath, ants, '-c', five('/usr/bin/true f*')]);
const mounted = time([process.execPath, ants, '-c', 'ramfs -m sub; ' + five('/usr/bin/true f*')]);
const absolute = time([process.execPath, ants, '-c', five(`/usr/bin/true ${join(dir, 'files')}/f*`)]);
const fmt = (ms) => `${ms.toFixed(1).padStart(8)} ms`;
console.log(`host program given ${N} file names, 5 times (median of 7)`);
console.log(`  ${REF.padEnd(34)}${fmt(ref)}`);
const each = (ms) => `(${(((ms - base) / (5 * N)) * 1000).toFixed(1)} us a name over the same glob with no arguments)`;
console.log(`  ants-rc, the glob, no arguments   ${fmt(base)}   ratio ${(base / ref).toFixed(2)}`);
console.log(`  ants-rc, plain host directory     ${fmt(plain)}   ratio ${(plain / ref).toFixed(2)}   ${each(plain)}`);
console.log(`  ants-rc, a mount beneath it       ${fmt(mounted)}   ratio ${(mounted / ref).toFixed(2)}   ${each(mounted)}`);
console.log(`  ants-rc, absolute names           ${fmt(absolute)}   ratio ${(absolute / ref).toFixed(2)}   ${each(absolute)}`);
