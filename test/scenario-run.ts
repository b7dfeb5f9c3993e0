// The runner of the scenario suites: .rcspec files (test/spec-format.ts) of rc scripts
// run by ants-rc alone (bin/ants-rc.js, after npm run build). Each case runs in a fresh
// directory as `ants-rc [flags] ./case.rc [args]` with the environment {PATH, HOME=<the
// directory>, LANG, NAMESPACE=<the directory>/.ns} plus what the suite adds; the
// directory's path is written /D in the expected output.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseSpec, type SpecCase } from './spec-format.js';

const BIN = join(dirname(dirname(fileURLToPath(import.meta.url))), 'bin', 'ants-rc.js');

function run(c: SpecCase, env: (cwd: string) => NodeJS.ProcessEnv, guardMs: number): Promise<{ stdout: string; stderr: string; status: number }> {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'ants-scn-')));
  writeFileSync(join(cwd, 'case.rc'), c.script);
  const e = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: cwd, LANG: 'C.UTF-8', NAMESPACE: join(cwd, '.ns'), ...env(cwd) };
  return new Promise((resolve) => {
    const go = () => {
      const p = spawn(process.execPath, [BIN, ...c.flags, './case.rc', ...c.args], { cwd, env: e });
      let out = '';
      let err = '';
      p.stdout.on('data', (b) => (out += b));
      p.stderr.on('data', (b) => (err += b));
      p.stdin.end(c.stdin ?? '');
      const t = setTimeout(() => p.kill('SIGKILL'), guardMs);
      p.on('close', (code) => {
        clearTimeout(t);
        rmSync(cwd, { recursive: true, force: true });
        const fix = (s: string) => s.replaceAll(cwd, '/D');
        resolve({ stdout: fix(out), stderr: fix(err), status: code ?? -1 });
      });
    };
    if (c.setup) spawn('/bin/sh', ['-c', c.setup], { cwd, env: e }).on('close', go);
    else go();
  });
}

/**
 * Register every case of every .rcspec file in dir as a test. guardMs is the hang guard: a
 * case still running then is killed (suites whose cases start several processes give more).
 */
export function scenarioSuite(dir: string, env: (cwd: string) => NodeJS.ProcessEnv = () => ({}), guardMs = 15_000): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rcspec')).sort()) {
    const cases = parseSpec(readFileSync(join(dir, file), 'utf8'), file);
    describe(file, () => {
      for (const c of cases) {
        test.concurrent(c.name, async () => {
          const got = await run(c, env, guardMs);
          expect(got).toEqual({ ...c.expect, ...c.ants });
        }, guardMs + 5_000);
      }
    });
  }
}
