/*
 * Sessions sharing /net through the daemon, as a user has them: separate ants-rc
 * processes (bin/ants-rc.js, after npm run build) with one srv directory ($NAMESPACE),
 * the first of which to use /net starts the daemon. Each test has a directory of its own,
 * so its daemon is its own; the daemon notices the directory go and exits, and every
 * daemon a test started is killed at its end anyway. Scripts are rc, waiting for each
 * other through /net itself, never by sleeping a fixed time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', '..', 'bin', 'ants-rc.js');

interface Session {
  p: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves when stdout has matched re. */
  saw: (re: RegExp) => Promise<void>;
  done: Promise<number>;
}

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});

function tempDir(): { cwd: string; ns: string } {
  const cwd = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'ants-netd-')));
  const ns = join(cwd, '.ns');
  cleanup.push(() => {
    for (const pid of daemonPids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.rmSync(cwd, { recursive: true, force: true });
  });
  return { cwd, ns };
}

/** Daemons serving ns, from the process table where there is one (Linux's /proc). */
function daemonPids(ns: string): number[] {
  if (!fs.existsSync('/proc/self/cmdline')) return [];
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.includes('--netd') && argv.includes(ns)) out.push(Number(d));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function start(cwd: string, ns: string, script: string, keepStdin = false): Session {
  const env = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: cwd, LANG: 'C.UTF-8', NAMESPACE: ns, ANTS_REALNET: '0' };
  const p = spawn(process.execPath, [BIN, '-c', script], { cwd, env });
  let out = '';
  let err = '';
  const waiters: Array<{ re: RegExp; ok: () => void }> = [];
  p.stdout!.on('data', (b) => {
    out += b;
    for (const w of waiters.splice(0)) {
      if (w.re.test(out)) w.ok();
      else waiters.push(w);
    }
  });
  p.stderr!.on('data', (b) => (err += b));
  if (!keepStdin) p.stdin!.end();
  cleanup.push(() => p.kill('SIGKILL'));
  const done = new Promise<number>((resolve) => p.on('close', (code) => resolve(code ?? -1)));
  return {
    p, out: () => out, err: () => err, done,
    saw: (re) => new Promise((ok) => (re.test(out) ? ok() : waiters.push({ re, ok }))),
  };
}

/** rc: wait until netstat shows a listener on port $1. */
const READY = "fn ready { while(! netstat | grep -s 'Listen *'$1' ') sleep 0.01 }\n";

describe('sessions sharing /net through the daemon', () => {
  it('an address added and a listener started in one session are seen and answered in another', async () => {
    const { cwd, ns } = tempDir();
    const a = start(cwd, ns, `
fn fortune { echo 'Your lucky number is 99' }
ipconfig -g 192.168.0.1 ether /net/ether0 add 192.168.0.99 255.255.255.0
listen1 -1 tcp!192.168.0.99!2500 fortune
echo listener done`);
    const b = start(cwd, ns, `${READY}
ready 2500
grep 4u /net/ipselftab
telnet tcp!192.168.0.99!2500`);
    expect(await b.done).toBe(0);
    expect(await a.done).toBe(0);
    expect(b.out()).toBe(
      '127.0.0.1                                    01   4u\n' +
      '192.168.0.100                                01   4u\n' +
      '192.168.0.99                                 01   4u\n' +
      'Your lucky number is 99\n');
    expect(a.out()).toBe('listener done\n');
    expect(a.err() + b.err()).toBe('');
    expect(daemonPids(ns)).toHaveLength(1);
  }, 30_000);

  it('a service that writes a burst and exits at once loses nothing on the way to the other session', async () => {
    const { cwd, ns } = tempDir();
    // 1.3 MB in cat's small writes, coalesced on the way; the listening session exits as the service ends.
    const a = start(cwd, ns, `
seq 1 200000 > big
ipconfig ether /net/ether0 add 192.168.0.99 255.255.255.0
listen1 -1 tcp!192.168.0.99!2600 cat big`);
    const b = start(cwd, ns, `${READY}
ready 2600
telnet tcp!192.168.0.99!2600 > got
cmp big got && echo same`);
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
    expect(b.err()).toBe('');
    expect(b.out()).toBe('same\n');
    expect(fs.statSync(join(cwd, 'got')).size).toBe(1_288_895);
  }, 30_000);

  it('sessions starting at once start one daemon between them', async () => {
    const { cwd, ns } = tempDir();
    const n = 4;
    const all = Array.from({ length: n }, (_, i) => `192.168.0.${50 + i}`);
    const sessions = all.map((addr) => start(cwd, ns, `
ipconfig ether /net/ether0 add ${addr} 255.255.255.0
i=()
while(! ~ \`{grep -c '^192\\.168\\.0\\.5[0-9] ' /net/ipselftab} ${n} && ! ~ $#i 1000) { i=($i x); sleep 0.01 }
grep '^192\\.168\\.0\\.5' /net/ipselftab | awk '{print $1}' | sort`));
    const codes = await Promise.all(sessions.map((s) => s.done));
    expect(codes).toEqual(all.map(() => 0));
    for (const s of sessions) expect(s.out()).toBe(all.map((a) => a + '\n').join(''));
    const pids = daemonPids(ns);
    if (pids.length > 0) expect(pids).toEqual([Number(fs.readFileSync(join(ns, 'ants-net.pid'), 'utf8'))]);
  }, 30_000);

  it('the daemon killed mid-connection: both sessions report the hangup and go on; the next dial starts a new daemon', async () => {
    const { cwd, ns } = tempDir();
    const a = start(cwd, ns, `
fn talk { echo hello; cat }
listen1 -1 tcp!192.168.0.100!2600 talk
echo listener status $status`);
    const b = start(cwd, ns, `${READY}
fn fortune { echo 'a fresh daemon answers' }
ready 2600
telnet tcp!192.168.0.100!2600
echo telnet status $status
listen1 -1 tcp!192.168.0.100!2601 fortune &
ready 2601
telnet tcp!192.168.0.100!2601 </dev/null
wait`, true);
    await b.saw(/hello\n/);
    const old = Number(fs.readFileSync(join(ns, 'ants-net.pid'), 'utf8'));
    process.kill(old, 'SIGKILL');
    expect(await b.done).toBe(0);
    expect(await a.done).toBe(0);
    expect(b.out()).toBe('hello\ntelnet status i/o on hungup channel\na fresh daemon answers\n');
    expect(b.err()).toMatch(/i\/o on hungup channel/);
    expect(a.out()).toMatch(/^listener status /);
    const now = Number(fs.readFileSync(join(ns, 'ants-net.pid'), 'utf8'));
    expect(now).not.toBe(old);
  }, 30_000);

  it('one session mounts an exportfs through /net 40 times over, and every mount answers', async () => {
    const { cwd, ns } = tempDir();
    fs.mkdirSync(join(cwd, 'pub'));
    fs.writeFileSync(join(cwd, 'pub', 'f'), 'hello\n');
    start(cwd, ns, `listen1 tcp!*!5640 exportfs -r ${join(cwd, 'pub')}`);
    const b = start(cwd, ns, `${READY}
ready 5640
for(i in \`{seq 1 40}) { mkdir m$i; mount -c tcp!127.0.0.1!5640 m$i || echo mount $i failed }
for(i in \`{seq 1 40}) cat m$i/f
echo done`);
    expect(await b.done).toBe(0);
    expect(b.err()).toBe('');
    expect(b.out()).toBe('hello\n'.repeat(40) + 'done\n');
  }, 60_000);

  it('--net=local and ANTS_NET=local keep /net in the session and start no daemon', async () => {
    const { cwd, ns } = tempDir();
    const a = start(cwd, ns, 'ipconfig ether /net/ether0 add 192.168.0.99 255.255.255.0; grep -c 4u /net/ipselftab');
    expect(await a.done).toBe(0);
    const env = { PATH: '/usr/bin:/bin', HOME: cwd, NAMESPACE: ns };
    for (const [args, extra] of [[['--net=local'], {}], [[], { ANTS_NET: 'local' }]] as const) {
      const p = spawn(process.execPath, [BIN, ...args, '-c', 'grep -c 4u /net/ipselftab'], { cwd, env: { ...env, ...extra } });
      let out = '';
      p.stdout.on('data', (b) => (out += b));
      await new Promise((r) => p.on('close', r));
      expect(out).toBe('2\n');
    }
    expect(a.out()).toBe('3\n');
    const bad = spawn(process.execPath, [BIN, '--net=elsewhere', '-c', 'echo'], { cwd, env });
    let err = '';
    bad.stderr.on('data', (b) => (err += b));
    expect(await new Promise((r) => bad.on('close', r))).toBe(1);
    expect(err).toMatch(/^ants-rc: bad net mode elsewhere\n/);
  }, 30_000);
});
