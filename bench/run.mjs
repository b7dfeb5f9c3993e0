#!/usr/bin/env node
// Benchmarks for the rc language: start-up and builtin-only loops, each printed with the
// reference measured in the same run (bare `node -e 0`, 9base rc). Figures, never asserts.
//
//   npm run bench            all
//   node bench/run.mjs loops only the loops
//   node bench/run.mjs ui    only the interactive UI (bench/ui.mjs)
//   node bench/run.mjs 9p    only 9P throughput and latency (bench/9p.mjs)
//   node bench/run.mjs net   only the /net emulator (bench/net.mjs)
//   node bench/run.mjs hang  only SIGINT-to-exit and the cost of yielding (bench/hang.mjs)
//   node bench/run.mjs hub   only hubfs throughput to 1, 10 and 100 readers (bench/hub.mjs)
//   node bench/run.mjs reroot  only a 9P root as a place to work (bench/reroot.mjs)
//   node bench/run.mjs hubd  only a hub shell's line-to-output latency (bench/hubd.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMeter } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ants = [process.execPath, join(here, '..', 'bin', 'ants-rc.js')];
const REF = '/usr/lib/plan9/bin/rc';
const hasRef = existsSync(REF);
const only = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'ants-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function time(cmd, args, runs, env = process.env) {
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, env });
    const t1 = process.hrtime.bigint();
    if (r.signal || r.stderr.length > 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    ts.push(Number(t1 - t0) / 1e6);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

const fmt = (ms) => `${ms.toFixed(1).padStart(8)} ms`;

// CPU time (user + system) of a command, which a busy shared machine disturbs less than
// elapsed time: bash's `times` reports its children's to the millisecond.
const BASH = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p));

/** One run of cmd: elapsed and CPU milliseconds (cpu NaN without bash). */
function runOnce(cmd, args) {
  const wrapped = BASH ? [BASH, ['-c', '"$@" >/dev/null; s=$?; times; exit $s', 'bash', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(wrapped[0], wrapped[1], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  const t1 = process.hrtime.bigint();
  if (r.signal || r.stderr.length > 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  // times: the shell's user and system time, then its children's.
  const kids = BASH ? (String(r.stdout).trim().split('\n')[1] ?? '') : '';
  const secs = [...kids.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wall: Number(t1 - t0) / 1e6, cpu: secs.length === 2 ? (secs[0] + secs[1]) * 1000 : NaN };
}

/**
 * Median elapsed and CPU milliseconds of each command over runs, the commands taking
 * turns so that a change in the machine's load falls on all of them alike.
 */
function timeTurns(cmds, runs) {
  const got = cmds.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < runs; i++) {
    cmds.forEach(([cmd, args], k) => {
      const t = runOnce(cmd, args);
      got[k].wall.push(t.wall);
      got[k].cpu.push(t.cpu);
    });
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return got.map((g) => ({ wall: med(g.wall), cpu: med(g.cpu) }));
}

// Settings that make every Node process do more work at start (NODE_EXTRA_CA_CERTS reads
// and parses a certificate bundle: about 85 ms on a machine that sets it), which would
// pad both sides of the ratio alike and flatter it. Start-up is measured without them.
const PADDING = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];

function startup() {
  console.log('start-up (median of 21)');
  const env = { ...process.env };
  for (const v of PADDING) delete env[v];
  const node = time(process.execPath, ['-e', '0'], 21, env);
  const a = time(ants[0], [ants[1], '-c', 'echo hi'], 21, env);
  console.log(`  node -e 0                 ${fmt(node)}`);
  console.log(`  ants-rc -c 'echo hi'      ${fmt(a)}   ratio to node ${(a / node).toFixed(2)}  (target <= 1.5)`);
  const padded = PADDING.filter((v) => process.env[v] !== undefined);
  if (padded.length > 0) {
    const node2 = time(process.execPath, ['-e', '0'], 21);
    const a2 = time(ants[0], [ants[1], '-c', 'echo hi'], 21);
    console.log(`  (with this environment's ${padded.join(', ')}: node ${node2.toFixed(1)} ms, ants-rc ${a2.toFixed(1)} ms, ratio ${(a2 / node2).toFixed(2)})`);
  }
  if (hasRef) {
    const r = time(REF, ['-c', 'echo hi'], 21);
    console.log(`  9base rc -c 'echo hi'     ${fmt(r)}   ants/rc ${(a / r).toFixed(1)}`);
  }
}

const N = 100000;
// The list comes from the host's seq, by its path, in both shells: ants-rc's own seq is
// an in-process command, and the loops, not the list making, are what is compared.
const SEQ = ['/usr/bin/seq', '/bin/seq'].find((p) => existsSync(p)) ?? 'seq';
// A 5-digit counter from 00000 to 99999: each digit steps through its successor,
// looked up by a computed variable name.
const COUNTER = `s0=1 s1=2 s2=3 s3=4 s4=5 s5=6 s6=7 s7=8 s8=9 s9=0
a=0 b=0 c=0 d=0 e=0
while(! ~ $a$b$c$d$e 99999) {
	e=$(s$e)
	if(~ $e 0) {
		d=$(s$d)
		if(~ $d 0) {
			c=$(s$c)
			if(~ $c 0) {
				b=$(s$b)
				if(~ $b 0) a=$(s$a)
			}
		}
	}
}
`;
const LOOPS = [
  ['for over 100,000 elements with ~ and assignment', `x=\`{${SEQ} 1 ${N}}\nfor(i in $x) { if(~ $i *7) y=$i }\nx=()\n`],
  ['function called 100,000 times', `x=\`{${SEQ} 1 ${N}}\nfn f { y=$1 }\nfor(i in $x) f $i\nx=()\n`],
  ['switch in a loop over 100,000 elements', `x=\`{${SEQ} 1 ${N}}\nfor(i in $x) switch($i) {\ncase *1\n\ty=one\ncase *2 *3\n\ty=two\ncase *\n\ty=other\n}\nx=()\n`],
  ['while driving a 5-digit counter by $(s$a)', COUNTER],
  // 9base rc copies the list on every x=($x 1): quadratic, so the counter stops at 5,000.
  ['while with a counter (5,000, list growth)', `i=()\nwhile(! ~ $#i 5000) i=($i 1)\n`],
];

/** What ants-rc says about script file f (a syntax error, say), or undefined when it runs silently. */
function refusal(f) {
  const r = spawnSync(ants[0], [ants[1], f], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  if (!r.signal && r.stderr.length === 0) return undefined;
  return String(r.stderr).split('\n')[0] || `killed by ${r.signal}`;
}

function loops() {
  console.log('builtin-only loops (median of 7; "net" subtracts each shell\'s empty-script time; target: net ratio <= 1.0)');
  console.log('  elapsed ms, and in [ ] CPU ms (user+system), which a busy machine disturbs less;');
  console.log('  each loop\'s runs take turns with empty-script runs, whose medians its net figures subtract');
  const runs = 7;
  const empty = join(dir, 'empty.rc');
  writeFileSync(empty, '\n');
  const cpu = (t) => (Number.isNaN(t.cpu) ? '' : ` [${t.cpu.toFixed(0).padStart(4)}]`);
  const ratio = (a, b) => Math.max(a, 0.1) / Math.max(b, 0.1);
  const verdict = (x) => (Number(x.toFixed(2)) <= 1 ? x.toFixed(2) : `${x.toFixed(2)} (over 1.0)`);
  for (const [name, src] of LOOPS) {
    const f = join(dir, 'loop.rc');
    writeFileSync(f, src);
    const why = refusal(f);
    if (why !== undefined) {
      console.log(`  ${name.padEnd(50)} not parsed: ${why}`);
      continue;
    }
    const both = (file) => (hasRef ? [[ants[0], [ants[1], file]], [REF, [file]]] : [[ants[0], [ants[1], file]]]);
    // A load spike during one separate set of empty runs would shift every net figure.
    const t = timeTurns([...both(empty), ...both(f)], runs);
    const [a0, r0, a, r] = hasRef ? t : [t[0], { wall: 0, cpu: 0 }, t[1], undefined];
    console.log(`  ${'  (empty script, alongside)'.padEnd(50)} ants ${fmt(a0.wall)}${cpu(a0)}${hasRef ? `  rc ${fmt(r0.wall)}${cpu(r0)}` : ''}`);
    let line = `  ${name.padEnd(50)} ants ${fmt(a.wall)}${cpu(a)}`;
    if (hasRef) {
      line += `  rc ${fmt(r.wall)}${cpu(r)}  net ratio ${verdict(ratio(a.wall - a0.wall, r.wall - r0.wall))}`;
      if (!Number.isNaN(a.cpu) && !Number.isNaN(r.cpu)) line += ` [cpu ${verdict(ratio(a.cpu - a0.cpu, r.cpu - r0.cpu))}]`;
      line += `  whole ratio ${(a.wall / r.wall).toFixed(2)}`;
      if (!Number.isNaN(a.cpu) && !Number.isNaN(r.cpu)) line += ` [cpu ${(a.cpu / r.cpu).toFixed(2)}]`;
    }
    console.log(line);
  }
  if (!hasRef) console.log('  (9base rc not installed: apt-get install 9base for the reference)');
}

const meter = machineMeter();
if (!only || only === 'startup') startup();
if (!only || only === 'loops') loops();
if (!only || only === 'startup' || only === 'loops') {
  const m = meter.line();
  if (m) console.log(m);
}
if (!only || only === 'ui') await (await import('./ui.mjs')).ui();
if (!only || only === 'ns') await (await import('./ns.mjs')).ns();
if (!only || only === '9p') await (await import('./9p.mjs')).p9();
if (!only || only === 'net') await (await import('./net.mjs')).netBench();
if (!only || only === 'hang') await (await import('./hang.mjs')).hang();
if (!only || only === 'hub') await (await import('./hub.mjs')).hubBench();
if (!only || only === 'reroot') await (await import('./reroot.mjs')).reroot();
if (!only || only === 'hubd') await (await import('./hubd.mjs')).hubdBench();
