#!/usr/bin/env node
// Benchmarks for the namespace kernel (dist/ns, built by `npm run build`), in process, each
// printed with a node:fs reference measured in the same run. Figures and ratios only, never
// an assertion. What the issue asks to show:
//
//   walk vs path    Namespace.stat of paths crossing 1, 10 and 100 mounts, and 1, 10 and
//                   100 two-member unions (each name missed in the first member, found in
//                   the second), against a path of the same length inside one mount: cost
//                   should grow with the path, about linearly. The union walks are timed
//                   again with Error.stackTraceLimit = 0, to show what the Error a member
//                   throws for a missing name costs;
//   walk vs table   the same paths with 10, 100, 1,000 and 10,000 unrelated mounts in the
//                   table: the cost should stay flat (the mount table is a hash keyed by
//                   chan identity, so each name walked costs one probe);
//   union listing   Namespace.readdir of a 10,000-entry union (2 ramfs, 10 ramfs, an empty
//                   ramfs before a host directory) and of a plain 10,000-entry ramfs;
//   reference       fs.statSync of host paths, fs.readdirSync of a 10,000-entry host dir.
//
// Each figure is the median of ROUNDS timed rounds after WARM warm-up rounds; a round
// repeats the operation enough times to last ~ROUND_MS (calibrated once, bounded), and the
// rounds of the figures compared in one table are interleaved. The whole run takes ~15 s.
//
//   node bench/ns.mjs        or      node bench/run.mjs ns
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'ns');
if (!fs.existsSync(join(dist, 'kernel.js'))) throw new Error('dist/ns is missing: run `npm run build` first');
const { Kernel } = await import(join(dist, 'kernel.js'));
const { MREPL, MBEFORE, MAFTER } = await import(join(dist, 'mount.js'));
const { Ramfs } = await import(join(dist, 'srv', 'ramfs.js'));
const { DMDIR } = await import(join(dist, 'types.js'));

const ROUNDS = 11;
const WARM = 2;
const ROUND_MS = 20;
const MAX_REPS = 100_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Median ms per call of each fn (sync or async). Each is calibrated to ~roundMs a round
 * (at least one call, at most MAX_REPS), then rounds are interleaved — one round of every
 * fn in turn, starting one further on each time, WARM rounds discarded — so drift, garbage
 * collection and JIT changes fall on all of them alike rather than on whichever ran last.
 */
async function measure(fns, { rounds = ROUNDS, warm = WARM, roundMs = ROUND_MS } = {}) {
  const reps = [];
  for (const fn of fns) {
    let n = 0;
    const c0 = now();
    do {
      await fn();
      n++;
    } while (now() - c0 < roundMs / 4 && n < MAX_REPS);
    reps.push(Math.max(1, Math.min(MAX_REPS, Math.round(roundMs / ((now() - c0) / n)))));
  }
  const ts = fns.map(() => []);
  for (let r = 0; r < warm + rounds; r++) {
    for (let jj = 0; jj < fns.length; jj++) {
      const j = (jj + r) % fns.length; // each round starts one further on
      const fn = fns[j];
      const t0 = now();
      for (let i = 0; i < reps[j]; i++) await fn();
      if (r >= warm) ts[j].push((now() - t0) / reps[j]);
    }
  }
  return ts.map(median);
}

const us = (ms) => `${(ms * 1000).toFixed(2).padStart(9)} µs`;
const msf = (ms) => `${ms.toFixed(2).padStart(8)} ms`;
const rate = (ms) => `${Math.round(1000 / ms).toLocaleString('en-US').padStart(10)}/s`;
const x = (r) => `${r.toFixed(2)}×`;

const cons = { read: async () => Buffer.alloc(0), write: (b) => b.length };
async function proc() {
  const k = new Kernel({ user: 'bench', sysname: 'bench', srvDir: null, console: cons });
  return k.init(['bench']);
}

/** A ramfs holding a chain of `depth` nested directories named `d`. */
function ramChain(depth) {
  const r = new Ramfs('bench');
  let n = r.root;
  for (let i = 0; i < depth; i++) n = r.newNode(n, 'd', DMDIR | 0o755, 'bench');
  return r;
}

function ramFiles(count, prefix) {
  const r = new Ramfs('bench');
  for (let i = 0; i < count; i++) r.newNode(r.root, prefix + i, 0o644, 'bench');
  return r;
}

const dpath = (top, k) => top + '/d'.repeat(k - 1); // k names: top plus k-1 d's

/**
 * Under `top`, a chain of `levels` mount points: `top`, top/d, top/d/d … each its own
 * ramfs (holding just `d`); with union, each level also gets an empty ramfs before it, so
 * every name is first missed in the empty member and then found in the second.
 */
async function mountChain(ns, top, levels, union) {
  for (let i = 0; i < levels; i++) {
    const at = dpath(top, i + 1);
    await ns.mountServer(ramChain(i < levels - 1 ? 1 : 0), at, MREPL);
    if (union) await ns.mountServer(new Ramfs('bench'), at, MBEFORE);
  }
}

/* ---- 1. walk cost vs path length ---- */

const KINDS = [
  ['plain', '/tmp'],
  ['mounts', '/n'],
  ['unions', '/mnt'],
];
const LENGTHS = [1, 10, 100];

async function walkPath() {
  const p = await proc();
  const ns = p.ns;
  await ns.mountServer(ramChain(99), '/tmp', MREPL); // plain: one mount, then 99 nested dirs
  await mountChain(ns, '/n', 100, false); // 100 mounts
  await mountChain(ns, '/mnt', 100, true); // 100 two-member unions
  const items = [];
  for (const [kind, top] of KINDS) {
    for (const k of LENGTHS) {
      const path = dpath(top, k);
      await ns.stat(path); // resolves, or throws here
      items.push({ kind, k, fn: () => ns.stat(path) });
    }
  }
  // diagnostic: the union walks again with Error.stackTraceLimit = 0, to show how much of
  // a union's cost is the Error (and its stack trace) a member makes for a name it lacks
  const lim = Error.stackTraceLimit;
  for (const k of [10, 100]) {
    const path = dpath('/mnt', k);
    items.push({
      kind: 'nostack',
      k,
      fn: async () => {
        Error.stackTraceLimit = 0;
        try {
          await ns.stat(path);
        } finally {
          Error.stackTraceLimit = lim;
        }
      },
    });
  }
  const ts = await measure(items.map((it) => it.fn));
  const t = {};
  items.forEach((it, i) => ((t[it.kind] ??= {})[it.k] = ts[i]));

  console.log(`walk cost vs path length: Namespace.stat, median of ${ROUNDS} rounds (${ns.group.table.size} mount points in the table)`);
  console.log(`  ${'path'.padEnd(40)} ${'per walk'.padStart(12)} ${'walks'.padStart(12)} ${'per name'.padStart(12)}  vs plain  growth`);
  for (const [kind] of KINDS) {
    for (const k of LENGTHS) {
      const v = t[kind][k];
      const label = kind === 'plain' ? `${k} name${k > 1 ? 's' : ''} inside 1 mount` : `${k} name${k > 1 ? 's' : ''}, crossing ${k} ${k > 1 ? kind : kind.slice(0, -1)}`;
      const vsPlain = kind === 'plain' ? '' : x(v / t.plain[k]);
      const growth = k === 1 ? '' : `  ${x(v / t[kind][k / 10])} for 10× the path`;
      console.log(`  ${label.padEnd(40)} ${us(v)} ${rate(v)} ${us(v / k)}  ${vsPlain.padStart(8)}${growth}`);
    }
  }
  for (const k of [10, 100]) {
    const v = t.nostack[k];
    console.log(`  ${`${k} unions, Error.stackTraceLimit = 0`.padEnd(40)} ${us(v)} ${rate(v)} ${us(v / k)}  ${x(v / t.plain[k]).padStart(8)}  ${x(v / t.unions[k])} of the same walk with stack traces`);
  }
  console.log('  (a path of k names crossing k mounts walks k-1 names out of mounted directories; the last is only stepped into)');
  for (const kind of ['mounts', 'unions']) {
    const extra = (t[kind][100] - t.plain[100] - (t[kind][1] - t.plain[1])) / 99;
    console.log(`  each ${kind.slice(0, -1)} crossed adds ${us(extra).trim()} to the walk of the name (slope, 1 → 100)`);
  }
  return t;
}

/* ---- 2. walk cost vs table size ---- */

const SIZES = [10, 100, 1000, 10_000];
const TABLE_PATHS = [
  ['/tmp/a/b/c (1 mount, 4 names)', '/tmp/a/b/c'],
  ['10 names, crossing 10 mounts', dpath('/n', 10)],
  ['10 names, crossing 10 unions', dpath('/net', 10)],
];

/** A namespace holding the measured paths and `unrelated` other mounts under /mnt. */
async function tableOf(unrelated) {
  const p = await proc();
  const ns = p.ns;
  const ram = new Ramfs('bench');
  const a = ram.newNode(ram.root, 'a', DMDIR | 0o755, 'bench');
  const b = ram.newNode(a, 'b', DMDIR | 0o755, 'bench');
  ram.newNode(b, 'c', 0o644, 'bench');
  await ns.mountServer(ram, '/tmp', MREPL);
  await mountChain(ns, '/n', 10, false);
  await mountChain(ns, '/net', 10, true);
  const fixed = ns.group.table.size;
  // the unrelated mounts: a ramfs of directories on /mnt (the first), then on its
  // directories alternately a replacing bind of a directory and a ramfs mounted after
  // (a two-member union)
  const junk = new Ramfs('bench');
  for (let i = 1; i < unrelated; i++) junk.newNode(junk.root, 'j' + i, DMDIR | 0o755, 'bench');
  await ns.mountServer(junk, '/mnt', MREPL);
  const fill = new Ramfs('bench');
  for (let i = 1; i < unrelated; i++) {
    if (i % 2 === 0) await ns.bind('/boot', '/mnt/j' + i, MREPL);
    else await ns.mountServer(fill, '/mnt/j' + i, MAFTER);
  }
  return { ns, fixed };
}

async function walkTable() {
  const spaces = [];
  for (const n of SIZES) spaces.push(await tableOf(n));
  const items = [];
  for (let s = 0; s < SIZES.length; s++) {
    for (const [, path] of TABLE_PATHS) {
      await spaces[s].ns.stat(path);
      items.push(() => spaces[s].ns.stat(path));
    }
  }
  const ts = await measure(items);
  // for contrast, an operation that is meant to grow with the table: rfork n copies it
  const copies = await measure(
    spaces.map(({ ns }) => () => {
      const c = ns.copy();
      c.group.table.clear();
      c.group.slash.release();
    }),
    { rounds: 5, warm: 1 },
  );
  const { fixed } = spaces[0];
  console.log(`walk cost vs mount-table size: Namespace.stat with N unrelated mounts under /mnt (plus the ${fixed} on the paths), median of ${ROUNDS} rounds`);
  console.log(`  ${'path'.padEnd(32)}${SIZES.map((n) => `N=${n.toLocaleString('en-US')}`.padStart(13)).join('')}   ratio to N=10`);
  const rows = [];
  for (let i = 0; i < TABLE_PATHS.length; i++) {
    const r = SIZES.map((_, s) => ts[s * TABLE_PATHS.length + i]);
    rows.push(r);
    console.log(`  ${TABLE_PATHS[i][0].padEnd(32)}${r.map((v) => us(v).padStart(13)).join('')}   ${r.map((v) => x(v / r[0])).join(' ')}`);
  }
  console.log(`  ${'(rfork n: copying the table)'.padEnd(32)}${copies.map((v) => us(v).padStart(13)).join('')}   ${copies.map((v) => x(v / copies[0])).join(' ')}  (meant to grow)`);
  console.log(`  mount points in the tables: ${spaces.map(({ ns }) => ns.group.table.size.toLocaleString('en-US')).join(', ')}`);
  for (const { ns } of spaces) ns.group.table.clear();
  return rows;
}

/* ---- 3 and 4. union listing, and the node:fs references ---- */

const NLIST = 10_000;

async function listing(listDir, deepHost) {
  const p = await proc();
  const ns = p.ns;
  // 2 ramfs of 5,000 on /tmp
  await ns.mountServer(ramFiles(NLIST / 2, 'a'), '/tmp', MREPL);
  await ns.mountServer(ramFiles(NLIST / 2, 'b'), '/tmp', MAFTER);
  // 10 ramfs of 1,000 on /mnt
  for (let i = 0; i < 10; i++) await ns.mountServer(ramFiles(NLIST / 10, `m${i}_`), '/mnt', i === 0 ? MREPL : MAFTER);
  // an empty ramfs, then the host directory of 10,000 files, on /n
  await ns.mountServer(new Ramfs('bench'), '/n', MREPL);
  await ns.bind('#U' + listDir, '/n', MAFTER);
  // not a union: one ramfs of 10,000 on /net
  await ns.mountServer(ramFiles(NLIST, 'f'), '/net', MREPL);

  const rows = [
    ['union of 2 ramfs × 5,000', () => ns.readdir('/tmp'), '/tmp'],
    ['union of 10 ramfs × 1,000', () => ns.readdir('/mnt'), '/mnt'],
    ['union of an empty ramfs + host dir (#U)', () => ns.readdir('/n'), '/n'],
    ['one ramfs, not a union', () => ns.readdir('/net'), '/net'],
    ['reference: fs.readdirSync (names only)', () => fs.readdirSync(listDir)],
    [
      'reference: fs.readdirSync + statSync each',
      () => {
        for (const f of fs.readdirSync(listDir)) fs.statSync(join(listDir, f), { bigint: true });
      },
    ],
  ];
  const counts = [];
  for (const [, , path] of rows) counts.push(path ? (await ns.readdir(path)).length : NLIST);
  const ts = await measure(rows.map((r) => r[1]), { roundMs: 0 });
  console.log(`directory listing of ${NLIST.toLocaleString('en-US')} entries: Namespace.readdir, median of ${ROUNDS} rounds`);
  rows.forEach(([name], i) => {
    const note = counts[i] === NLIST ? '' : `  (listed ${counts[i]}, expected ${NLIST})`;
    console.log(`  ${name.padEnd(44)} ${msf(ts[i])}  ${Math.round((NLIST / ts[i]) * 1000).toLocaleString('en-US').padStart(10)} entries/s${note}`);
  });
  console.log(
    `  ratios: 2-ramfs union / readdirSync ${x(ts[0] / ts[4])}; host union / (readdirSync + stat) ${x(ts[2] / ts[5])}; ` +
      `2-ramfs union / one ramfs ${x(ts[0] / ts[3])}; 10-member / 2-member union ${x(ts[1] / ts[0])}`,
  );

  const names = deepHost.split('/').filter(Boolean).length;
  const [tHost, tU] = await measure([() => fs.statSync(deepHost, { bigint: true }), () => ns.stat('#U' + deepHost)]);
  console.log(`walk reference: a host path of ${names} names, median of ${ROUNDS} rounds`);
  console.log(`  ${'fs.statSync'.padEnd(44)} ${us(tHost)} ${rate(tHost)}`);
  console.log(`  ${"Namespace.stat '#U' + the same path".padEnd(44)} ${us(tU)} ${rate(tU)}   ${x(tU / tHost)} fs.statSync`);
  return tHost;
}

export async function ns() {
  const t0 = now();
  const hostDir = fs.mkdtempSync(join(tmpdir(), 'ants-bench-ns-'));
  try {
    const listDir = join(hostDir, 'list');
    fs.mkdirSync(listDir);
    for (let i = 0; i < NLIST; i++) fs.writeFileSync(join(listDir, 'h' + i), '');
    // a host path of 10 names, to set beside the 10-name namespace paths
    const depth = 10 - hostDir.split('/').filter(Boolean).length;
    const deepHost = hostDir + '/d'.repeat(Math.max(depth, 1));
    fs.mkdirSync(deepHost, { recursive: true });

    const walks = await walkPath();
    console.log();
    await walkTable();
    console.log();
    const tHost = await listing(listDir, deepHost);
    console.log(`  Namespace.stat of 10 names crossing 10 mounts: ${x(walks.mounts[10] / tHost)} fs.statSync of 10 host names`);
  } finally {
    fs.rmSync(hostDir, { recursive: true, force: true });
  }
  console.log(`(ns bench: ${((now() - t0) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ns();
