// Nothing hangs, in batch use: in-process pipelines and loops that never wait on I/O still
// take signals and notes, batch ants-rc exits on SIGINT, SIGTERM and SIGHUP as rc does,
// and interrupts reach one note group only.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BIN } from './ui/pty.js';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));

interface Run {
  out: string;
  err: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Start ants-rc; resolve with what it printed once it exits, or reject when it outlives the guard. */
function run(args: string[], o: { input?: string; onStart?: (pid: number, out: () => string) => void } = {}): Promise<Run> {
  const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ANTS_NET: 'local' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  c.stdout.on('data', (b: Buffer) => (out += b.toString()));
  c.stderr.on('data', (b: Buffer) => (err += b.toString()));
  if (o.input !== undefined) c.stdin.end(o.input);
  o.onStart?.(c.pid!, () => out);
  return new Promise((res, rej) => {
    // A hang guard, far beyond what any case needs: hitting it is the failure.
    const guard = setTimeout(() => {
      c.kill('SIGKILL');
      rej(new Error(`ants-rc ${args.join(' ')} never exited; stdout: ${out}; stderr: ${err}`));
    }, 15_000);
    c.on('exit', (code, signal) => {
      clearTimeout(guard);
      res({ out, err, code, signal });
    });
  });
}

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(test: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('condition never held');
    await later(10);
  }
}

describe.skipIf(!built)('batch ants-rc takes signals while in-process work never waits', () => {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    for (const cmd of ['echo go; cat /dev/zero | wc -c', 'echo go; seq 1 100000000 | wc -l', 'echo go; while(true) x=1', 'echo go; wc -c /dev/zero']) {
      it(`${sig} ends ${cmd}`, async () => {
        let pid = 0;
        let out = () => '';
        const r = run(['-c', cmd], { onStart: (p, o) => ((pid = p), (out = o)) });
        await until(() => out().includes('go'));
        await later(200);
        process.kill(pid, sig);
        const done = await r;
        // rc's way: the shell ends with a failure status, not killed by the signal.
        expect(done.signal).toBeNull();
        expect(done.code).not.toBe(0);
      });
    }
  }

  it('a kill written to /proc/N/ctl ends a job that never waits', async () => {
    const r = await run(['-c', '{ cat /dev/zero | wc -c } & sleep 0.3; echo kill > /proc/$apid/ctl; wait; echo waited $status']);
    expect(r.out).toMatch(/waited \S/);
  });

  it('an interrupt written to /proc/N/note ends a job that never waits', async () => {
    const r = await run(['-c', '{ while(true) x=1 } & sleep 0.3; echo interrupt > /proc/$apid/note; wait; echo waited']);
    expect(r.out).toContain('waited');
  });

  it('an interrupt written to notepg reaches the group, and not the shell that wrote it', async () => {
    const r = await run(['-c', '{ rfork s; cat /dev/zero | wc -c } & sleep 0.3; echo interrupt > /proc/$apid/notepg; wait; echo shell lives']);
    expect(r.out).toContain('shell lives');
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} ends cat of a host FIFO that has no writer (the open waits off the event loop)`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-fifo-'));
      const fifo = path.join(dir, 'f');
      execFileSync('mkfifo', [fifo]);
      let pid = 0;
      let out = () => '';
      const r = run(['-c', `echo go; cat ${fifo}; echo never`], { onStart: (p, o) => ((pid = p), (out = o)) });
      await until(() => out().includes('go'));
      await later(200);
      process.kill(pid, sig);
      const done = await r;
      expect(done.out).not.toContain('never');
      expect(done.code).not.toBe(0);
    });
  }
});

describe.skipIf(!built)('interrupts belong to note groups', () => {
  it('SIGINT stops the foreground line of rc -i; its background job lives on', async () => {
    // rc -i on a pipe: one command at a time as the input arrives.
    const child = spawn(process.execPath, [BIN, '-i'], { env: { ...process.env, ANTS_NET: 'local' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    child.stderr.on('data', () => {});
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    child.stdin.write('{ sleep 1; echo bg lived } &\n');
    child.stdin.write('echo fg; cat /dev/zero | wc -c\n');
    await until(() => text.includes('fg'));
    await later(200);
    process.kill(child.pid!, 'SIGINT');
    child.stdin.write('echo after $status\n');
    await until(() => text.includes('after interrupted'));
    await until(() => text.includes('bg lived'));
    child.stdin.end();
    await exited;
  });
});
