#!/usr/bin/env node
// Benchmarks for the interactive UI, in a pseudo-terminal (node-pty) read through a
// headless xterm, each printed against a reference measured the same way in the same run:
//
//   first prompt   launch -> the prompt on the screen, against a bare `node -e` that
//                  prints a prompt (Node's own start-up, the floor for ants-rc);
//   keystroke      one typed character -> that character on the screen, median over many,
//                  with 10,000 lines of history loaded (autosuggestion searches them on
//                  every key), against `cat` echoing each key back in the same pty (the
//                  floor for any program that reads a key and draws it).
// Figures and ratios only, never an assertion. Targets: first prompt < 300 ms; keystroke
// < 16 ms.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import xterm from '@xterm/headless';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'ants-rc.js');
const fmt = (ms) => `${ms.toFixed(1).padStart(8)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function open(argv, home) {
  const term = new xterm.Terminal({ cols: 100, rows: 30, allowProposedApi: true });
  const env = { PATH: process.env.PATH, HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
  const p = pty.spawn(argv[0], argv.slice(1), { name: 'xterm-256color', cols: 100, rows: 30, cwd: home, env });
  const waiters = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].test()) {
        waiters[i].res(performance.now());
        waiters.splice(i, 1);
      }
    }
  };
  // Check the screen as soon as each piece of output is parsed.
  p.onData((d) => term.write(d, check));
  const screen = () => {
    const b = term.buffer.active;
    const out = [];
    for (let y = 0; y < term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return out;
  };
  const until = (test, ms = 10000) =>
    new Promise((res, rej) => {
      const w = { test: () => test(screen()), res };
      waiters.push(w);
      check();
      setTimeout(() => rej(new Error('timed out; screen:\n' + screen().join('\n'))), ms).unref();
    });
  const exited = new Promise((res) => p.onExit(res));
  return { p, term, screen, until, exited };
}

const hasPrompt = (rows) => rows.some((r) => r.startsWith('% '.trimEnd()) && r.trimEnd() === '%');

/** Launch -> prompt on the screen, and (for ants-rc) -> the editor drawn (its status line). */
async function firstPrompt(argv, home, ready) {
  const t0 = performance.now();
  const t = open(argv, home);
  const t1 = await t.until(hasPrompt);
  const t2 = ready ? await t.until(ready) : t1;
  t.p.kill();
  await t.exited;
  return [t1 - t0, t2 - t0];
}

async function startup(home) {
  const runs = 11;
  const node = [];
  const shown = [];
  const ready = [];
  // A bare Node that prints the same prompt: the floor.
  const bare = [process.execPath, '-e', "process.stdout.write('% '); setTimeout(() => {}, 10000)"];
  const statusLine = (rows) => rows.some((r) => r.startsWith(hostname() + ' · '));
  for (let i = 0; i < runs; i++) {
    node.push((await firstPrompt(bare, home))[0]);
    const [a, b] = await firstPrompt([process.execPath, BIN], home, statusLine);
    shown.push(a);
    ready.push(b);
  }
  const n = median(node);
  const a = median(shown);
  const r = median(ready);
  console.log(`first prompt (median of ${runs})`);
  console.log(`  node -e (prints '% ')         ${fmt(n)}`);
  console.log(`  ants-rc, prompt shown         ${fmt(a)}   ratio ${(a / n).toFixed(2)}   (target < 300 ms)`);
  console.log(`  ants-rc, editor drawn         ${fmt(r)}   ratio ${(r / n).toFixed(2)}   (Ink loaded; keys typed before are kept)`);
}

/** Type count characters one by one; the time from each write to the screen showing it. */
async function keystrokes(t, count, row) {
  const times = [];
  let typed = '';
  for (let i = 0; i < count; i++) {
    const c = 'abcdefghij'[i % 10];
    typed += c;
    const want = typed;
    const t0 = performance.now();
    const shown = t.until((rows) => row(rows, want));
    t.p.write(c);
    times.push((await shown) - t0);
  }
  return times;
}

async function latency(home) {
  // 10,000 lines of history, many sharing prefixes, none extending what is typed (so
  // the suggestion search runs over all of them on every key).
  const hist = Array.from({ length: 10000 }, (_, i) => `echo history line ${i} ${'x'.repeat(i % 40)}`).join('\n') + '\n';
  mkdirSync(join(home, 'lib', 'ants'), { recursive: true });
  writeFileSync(join(home, 'lib', 'ants', 'history'), hist);
  const N = 90; // one row of the 100-column terminal

  const cat = open(['/bin/sh', '-c', 'stty -icanon -echo; printf "%% "; cat'], home);
  await cat.until(hasPrompt);
  const ref = await keystrokes(cat, N, (rows, want) => rows.some((r) => r.endsWith('% ' + want)));
  cat.p.kill();

  const ants = open([process.execPath, BIN], home);
  await ants.until(hasPrompt);
  // Warm up (first renders compile the code paths), then clear the line and measure.
  await keystrokes(ants, 20, (rows, want) => rows.some((r) => r.trimEnd() === '% ' + want));
  ants.p.write('\x15');
  await ants.until(hasPrompt);
  const ui = await keystrokes(ants, N, (rows, want) => rows.some((r) => r.trimEnd() === '% ' + want));
  ants.p.kill();

  const r = median(ref);
  const u = median(ui);
  const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
  console.log(`keystroke to screen, 10,000 history lines (median of ${N}; p90)`);
  console.log(`  cat, echo off                 ${fmt(r)}  ${fmt(p90(ref))}`);
  console.log(`  ants-rc, Ink UI               ${fmt(u)}  ${fmt(p90(ui))}   ratio ${(u / r).toFixed(2)}   (target < 16 ms)`);
}

export async function ui() {
  const home = mkdtempSync(join(tmpdir(), 'ants-bench-ui-'));
  await startup(home);
  await latency(home);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ui();
