// rc reading commands from a pipe runs each as soon as it has arrived: the test writes the
// next command only after the output of the one before has come back, which would never
// happen to a shell that read all its input first (the timeout is only a hang guard).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';

const BIN = path.resolve(__dirname, '..', 'bin', 'ants-rc.js');

/** Start ants-rc with args; send each command once the output so far ends as expected. */
async function converse(args: string[], steps: { send: string; then: string }[]): Promise<{ out: string; err: string; code: number | null }> {
  const p = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' } });
  let out = '';
  let err = '';
  let waiting: (() => void) | null = null;
  let want = '';
  const check = () => {
    if (waiting && out.endsWith(want)) {
      const w = waiting;
      waiting = null;
      w();
    }
  };
  p.stdout.on('data', (b) => {
    out += b;
    check();
  });
  p.stderr.on('data', (b) => (err += b));
  for (const s of steps) {
    p.stdin.write(s.send);
    want = s.then;
    await new Promise<void>((res) => {
      waiting = res;
      check();
    });
  }
  p.stdin.end();
  const code = await new Promise<number | null>((res) => p.on('close', res));
  return { out, err, code };
}

const steps = [
  { send: 'echo one\n', then: 'one\n' },
  { send: 'x=two\n', then: 'one\n' },
  { send: 'cat <<EOF\n$x\n', then: 'one\n' },
  { send: 'EOF\n', then: 'two\n' },
  { send: 'echo three \\\n', then: 'two\n' },
  { send: 'four\n', then: 'three four\n' },
];

describe('commands run as their input arrives', () => {
  test('ants-rc reading a pipe', async () => {
    const r = await converse([], steps);
    expect(r.out).toBe('one\ntwo\nthree four\n');
    expect(r.code).toBe(0);
  }, 20_000);

  test('rc -i reading a pipe, with prompts on fd 2', async () => {
    const r = await converse(['-c', 'rc -i'], steps);
    expect(r.out).toBe('one\ntwo\nthree four\n');
    expect(r.err).toBe('% % % \t\t% \t% ');
  }, 20_000);

  test('ants-rc -i reading a pipe (the plain reader)', async () => {
    const r = await converse(['-i'], steps);
    expect(r.out).toBe('one\ntwo\nthree four\n');
    expect(r.err).toBe('% % % \t\t% \t% ');
  }, 20_000);
});
