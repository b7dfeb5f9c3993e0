// Runs every case of test/spec/*.rcspec against ants-rc and, when it is
// installed, against the reference rc (/usr/lib/plan9/bin/rc, Debian's 9base).
//
//   SPEC_ONLY=ants  register only the ants-rc tests
//   SPEC_ONLY=ref   register only the reference tests
//   SPEC_JOBS=n     how many shells run at once (default 4)
//   SPEC_FILES=re   only the .rcspec files whose names match the regular expression re
//
// Each case runs in a fresh temporary directory holding the script as case.rc,
// as `<shell> [flags] ./case.rc [args]` with the environment exactly
// {PATH, HOME=<the directory>, LANG}; for the reference run of a case marked
// `## ref-path: plan9`, PATH starts with /usr/lib/plan9/bin (9base's Plan 9
// programs). The script is named ./case.rc, not
// case.rc, because the reference runs its script with `. $*`, and `.` looks a
// name without a slash up in $path, which does not hold the current directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, test } from 'vitest';
import { antsExpect, normalizeRefStderr, parseSpec, type Expect, type SpecCase } from './spec-format.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = dirname(here);
const specDir = join(here, 'spec');

const REF_RC = '/usr/lib/plan9/bin/rc';
const hasRef = existsSync(REF_RC);
const ANTS: string[] = [process.execPath, join(repo, 'bin', 'ants-rc.js')];

const only = process.env.SPEC_ONLY ?? '';
if (only !== '' && only !== 'ants' && only !== 'ref') {
  throw new Error(`SPEC_ONLY must be "ants" or "ref", not ${JSON.stringify(only)}`);
}
const runAnts = only !== 'ref';
const runRef = only !== 'ants';

const TIMEOUT_MS = 10_000;
const JOBS = Math.max(1, Number(process.env.SPEC_JOBS ?? '') || 4);

// A small counting semaphore: at most JOBS shells at once.
let running = 0;
const waiting: Array<() => void> = [];
async function withSlot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= JOBS) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await f();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

interface Outcome extends Expect {
  /** Set when the shell did not finish in time and was killed. */
  timedOut: boolean;
  signal: string | null;
}

const PLAN9_BIN = '/usr/lib/plan9/bin';

/** The case's environment; plan9 puts 9base's programs first (the reference run of `## ref-path: plan9`). */
function caseEnv(dir: string, path?: 'plan9'): NodeJS.ProcessEnv {
  const base = '/usr/local/bin:/usr/bin:/bin';
  return { PATH: path === 'plan9' ? `${PLAN9_BIN}:${base}` : base, HOME: dir, LANG: 'C.UTF-8' };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function runSetup(dir: string, setup: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('/bin/sh', ['-c', setup], { cwd: dir, env: caseEnv(dir), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => killGroup(p.pid), TIMEOUT_MS);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`setup command failed (status ${code}): ${setup}\n${err}`));
    });
  });
}

async function runCase(shell: string[], c: SpecCase, path?: 'plan9'): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'rcspec-'));
  try {
    writeFileSync(join(dir, 'case.rc'), c.script);
    if (c.setup !== undefined) await runSetup(dir, c.setup);
    return await new Promise<Outcome>((resolve, reject) => {
      const p = spawn(shell[0]!, [...shell.slice(1), ...c.flags, './case.rc', ...c.args], {
        cwd: dir,
        env: caseEnv(dir, path),
        stdio: [c.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true, // its own process group, so a timeout can kill everything it started
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      p.stdout!.on('data', (d: Buffer) => out.push(d));
      p.stderr!.on('data', (d: Buffer) => err.push(d));
      if (c.stdin !== undefined) {
        p.stdin!.on('error', () => {}); // the shell may exit without reading it all
        p.stdin!.end(c.stdin);
      }
      let timedOut = false;
      let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
      let done = false;
      const finish = () => {
        if (done || exited === null) return;
        done = true;
        clearTimeout(timer);
        clearTimeout(grace);
        killGroup(p.pid); // background jobs the script left behind
        const { code, signal } = exited;
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          status: code ?? 128,
          timedOut,
          signal,
        });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(p.pid);
      }, TIMEOUT_MS);
      let grace: NodeJS.Timeout | undefined;
      p.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      p.on('exit', (code, signal) => {
        exited = { code, signal };
        // Output pipes may be held open by processes the script put in the
        // background; do not wait for them for long.
        grace = setTimeout(() => {
          p.stdout!.destroy();
          p.stderr!.destroy();
          finish();
        }, 1000);
      });
      p.on('close', (code, signal) => {
        exited ??= { code, signal };
        finish();
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function show(text: string): string {
  if (text === '') return '    (empty)\n';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return (
    body
      .split('\n')
      .map((l) => `    |${l}`)
      .join('\n') + (text.endsWith('\n') ? '\n' : '\n    (no newline at end)\n')
  );
}

function check(c: SpecCase, shellName: string, want: Expect, got: Outcome): void {
  const where = `${c.file}:${c.line} › ${c.name} (${shellName})`;
  if (got.timedOut) {
    throw new Error(`${where}: the shell did not finish within ${TIMEOUT_MS / 1000} s and was killed\n--- script ---\n${show(c.script)}--- stdout so far ---\n${show(got.stdout)}--- stderr so far ---\n${show(got.stderr)}`);
  }
  const bad: string[] = [];
  if (got.stdout !== want.stdout) bad.push(`--- stdout: expected ---\n${show(want.stdout)}--- stdout: actual ---\n${show(got.stdout)}`);
  if (got.stderr !== want.stderr) bad.push(`--- stderr: expected ---\n${show(want.stderr)}--- stderr: actual ---\n${show(got.stderr)}`);
  if (got.status !== want.status || got.signal !== null) {
    bad.push(`--- status: expected ${want.status}, actual ${got.signal !== null ? `killed by ${got.signal}` : got.status}\n`);
  }
  if (bad.length === 0) return;
  if (shellName === 'ants-rc' && /ERR_MODULE_NOT_FOUND|Cannot find module/.test(got.stderr)) {
    bad.unshift('--- (ants-rc looks unbuilt: run `npm run build` first)\n');
  }
  const extra = [
    c.flags.length ? `flags: ${c.flags.join(' ')}` : '',
    c.args.length ? `args: ${c.args.join(' ')}` : '',
    c.setup !== undefined ? `setup: ${c.setup}` : '',
    c.stdin !== undefined ? `stdin: ${JSON.stringify(c.stdin)}` : '',
  ].filter((s) => s !== '');
  throw new Error(`${where}: output differs\n--- script ---\n${show(c.script)}${extra.map((e) => `--- ${e}\n`).join('')}${bad.join('')}`);
}

const fileRe = new RegExp(process.env.SPEC_FILES ?? '');
const files = readdirSync(specDir)
  .filter((f) => f.endsWith('.rcspec') && fileRe.test(f))
  .sort();
if (files.length === 0) throw new Error(`no .rcspec files in ${specDir}`);
const suites = files.map((f) => ({ file: f, cases: parseSpec(readFileSync(join(specDir, f), 'utf8'), `test/spec/${f}`) }));

const ran = { ants: 0, ref: 0 };
const refSkips = suites.reduce((n, s) => n + s.cases.filter((c) => c.refSkip !== undefined).length, 0);

afterAll(() => {
  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  console.log(
    `rcspec: ${total} cases in ${suites.length} files; ants-rc ran ${ran.ants}, reference rc ran ${ran.ref}` +
      ` (${refSkips} documented ref-skips${hasRef ? '' : '; reference rc not installed'}${only ? `; SPEC_ONLY=${only}` : ''})`,
  );
});

for (const { file, cases } of suites) {
  describe.concurrent(file, () => {
    for (const c of cases) {
      if (runAnts) {
        test(`ants: ${file} › ${c.name}`, async () => {
          ran.ants++;
          const got = await withSlot(() => runCase(ANTS, c));
          check(c, 'ants-rc', antsExpect(c), got);
        });
      }
      if (runRef && c.refSkip === undefined) {
        test.skipIf(!hasRef)(`ref: ${file} › ${c.name}`, async () => {
          ran.ref++;
          const got = await withSlot(() => runCase([REF_RC], c, c.refPath));
          got.stderr = normalizeRefStderr(got.stderr);
          check(c, 'reference rc', c.expect, got);
        });
      }
    }
  });
}
