// Scenario tests: rc scripts run by ants-rc itself, in the .rcspec format
// (test/spec-format.ts), for what only ants-rc has — namespaces, /proc, /srv.
// Each case runs in a fresh directory as `ants-rc [flags] ./case.rc [args]` with
// the environment {PATH, HOME=<the directory>, LANG}; the directory's path is
// written /D in the expected output.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseSpec, type SpecCase } from './spec-format.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(dirname(here), 'bin', 'ants-rc.js');
const dir = join(here, 'scenario');

function run(c: SpecCase): Promise<{ stdout: string; stderr: string; status: number }> {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'ants-scn-')));
  writeFileSync(join(cwd, 'case.rc'), c.script);
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: cwd, LANG: 'C.UTF-8', NAMESPACE: join(cwd, '.ns') };
  return new Promise((resolve) => {
    const setup = c.setup ? spawn('/bin/sh', ['-c', c.setup], { cwd, env }) : undefined;
    const go = () => {
      const p = spawn(process.execPath, [BIN, ...c.flags, './case.rc', ...c.args], { cwd, env });
      let out = '';
      let err = '';
      p.stdout.on('data', (b) => (out += b));
      p.stderr.on('data', (b) => (err += b));
      p.stdin.end(c.stdin ?? '');
      const t = setTimeout(() => p.kill('SIGKILL'), 15_000);
      p.on('close', (code) => {
        clearTimeout(t);
        rmSync(cwd, { recursive: true, force: true });
        const fix = (s: string) => s.replaceAll(cwd, '/D');
        resolve({ stdout: fix(out), stderr: fix(err), status: code ?? -1 });
      });
    };
    if (setup) setup.on('close', go);
    else go();
  });
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.rcspec')).sort()) {
  const cases = parseSpec(readFileSync(join(dir, file), 'utf8'), file);
  describe(file, () => {
    for (const c of cases) {
      test.concurrent(c.name, async () => {
        const want = { ...c.expect, ...c.ants };
        const got = await run(c);
        expect({ stdout: got.stdout, stderr: got.stderr, status: got.status }).toEqual(want);
      }, 20_000);
    }
  });
}
