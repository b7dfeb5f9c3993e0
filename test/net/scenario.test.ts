// /net scenario tests: rc scripts run by ants-rc itself (bin/ants-rc.js, after npm run
// build), in the .rcspec format (test/spec-format.ts), from test/net/scenario/. Each case
// runs in a fresh directory with {PATH, HOME, LANG, NAMESPACE} and ANTS_NS=kernel; real
// host traffic, where a case makes any, stays on 127/8.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseSpec, type SpecCase } from '../spec-format.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', '..', 'bin', 'ants-rc.js');
const dir = join(here, 'scenario');

function run(c: SpecCase): Promise<{ stdout: string; stderr: string; status: number }> {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'ants-net-')));
  writeFileSync(join(cwd, 'case.rc'), c.script);
  const env = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: cwd, LANG: 'C.UTF-8', NAMESPACE: join(cwd, '.ns'), ANTS_NS: 'kernel', ANTS_NETD_IDLE: '1000' };
  return new Promise((resolve) => {
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
      resolve({ stdout: out, stderr: err, status: code ?? -1 });
    });
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
