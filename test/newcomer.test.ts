// What a newcomer meets first: --help and --version, $NAMESPACE in the shell, ns [pid],
// and a $home the boot namespace does not hide (issue 14).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';

const BIN = path.resolve(__dirname, '..', 'bin', 'ants-rc.js');

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-new-')));
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NAMESPACE: path.join(dir, '.ns'), ANTS_NET: 'local', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const fix = (s: string) => s.replaceAll(dir, '/D');
    return { out: fix(r.stdout), err: fix(r.stderr), status: r.status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('--help prints the usage and --version the version, both to stdout with status 0', () => {
  const h = run(['--help']);
  expect(h).toMatchObject({ err: '', status: 0 });
  expect(h.out).toMatch(/^usage: ants-rc /);
  const version = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')).version;
  expect(run(['--version'])).toEqual({ out: `ants-rc ${version}\n`, err: '', status: 0 });
});

test('$NAMESPACE names the srv directory in use: the inherited one, else /tmp/ns.$USER.$DISPLAY', () => {
  expect(run(['-c', 'echo $NAMESPACE']).out).toBe('/D/.ns\n');
  const user = `ants-newcomer-${process.pid}`;
  try {
    expect(run(['-c', "echo $NAMESPACE; /bin/sh -c 'echo $NAMESPACE'"], { NAMESPACE: undefined, USER: user, DISPLAY: ':7.0' }).out).toBe(
      `/tmp/ns.${user}.:7\n/tmp/ns.${user}.:7\n`,
    );
    expect(run(['-c', 'echo $NAMESPACE'], { NAMESPACE: undefined, USER: user, DISPLAY: undefined }).out).toBe(`/tmp/ns.${user}.:0\n`);
  } finally {
    for (const d of [':7', ':0']) fs.rmSync(`/tmp/ns.${user}.${d}`, { recursive: true, force: true });
  }
});

test('ns [-r] [pid] prints the namespace of the process named, read from /proc/pid/ns', () => {
  const r = run([
    '-c',
    "{ rfork n; bind '#c' /n/cons; touch ready; sleep 10 } & while(! test -e ready) sleep 0.05; ns $apid | grep /n/cons; ns -r $apid | grep -c /n/cons; ns | grep -c /n/cons; kill $apid | rc; ns 999999; ns a b",
  ]);
  expect(r.out).toBe("bind  '#c' /n/cons\n1\n0\n");
  expect(r.err).toBe("ns: can't open /proc/999999/ns: '/proc/999999' does not exist\nusage: ns [-r] [pid]\n");
});

test('the host root is /mnt/host, and no host directory a home lives in is hidden', () => {
  const r = run(['-c', 'ls -d /mnt/host/etc/passwd; cd; pwd; ls -p /root >[2]/dev/null | sed 3q']);
  expect(r.err).toBe('');
  let root: string[] = [];
  try {
    root = fs.readdirSync('/root').sort().slice(0, 3);
  } catch {
    // not readable here: nothing to compare
  }
  expect(r.out).toBe(['/mnt/host/etc/passwd', '/D', ...root].join('\n') + '\n');
});

test.skipIf(!fs.existsSync('/root') || !fs.statSync('/root').isDirectory())('with HOME=/root, cd goes to the host /root', () => {
  const names = fs.readdirSync('/root').sort().slice(0, 3);
  expect(run(['-c', 'cd; pwd; ls -p | sed 3q'], { HOME: '/root' }).out).toBe(['/root', ...names].join('\n') + '\n');
});

test('typed interactively, a here document is read to its terminator before the command runs', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-new-')));
  try {
    const r = spawnSync(process.execPath, [BIN, '-i'], {
      cwd: dir,
      input: 'x=(apple banana)\ncat <<END\nfruit: $x\nEND\necho after\n',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NAMESPACE: path.join(dir, '.ns'), ANTS_NET: 'local' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stdout).toBe('fruit: apple banana\nafter\n');
    expect(r.stderr).toBe('% % \t\t% % ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the status line shows a failure only when rc would: `|`, `0|` and `` are success', async () => {
  const { statusText } = await import('../shell/ui/status.js');
  const s = { sysname: 'vm', cwd: '/usr/glenda', root: '', jobs: [] };
  for (const ok of ['', '|', '||', '0', '0|'])
    expect(statusText({ ...s, status: ok }, 80)).toBe('vm · /usr/glenda');
  expect(statusText({ ...s, status: '|1' }, 80)).toBe('vm · /usr/glenda · status |1');
  expect(statusText({ ...s, status: 'no matches|' }, 80)).toBe('vm · /usr/glenda · status no matches|');
});

test('ls -l /srv shows a post served on a socket with the socket mode: srvfs -p perm, else 0600', () => {
  const r = run(['-c', 'ramfs -S scratch; srvfs -p 0640 pub /tmp; ls -l /srv/pub /srv/scratch /srv/slashn']);
  expect(r.err).toBe('');
  expect(r.out.split('\n').map((l) => l.split(' ')[0] + ' ' + l.split(' ').pop())).toEqual([
    '--rw-r----- /srv/pub',
    '--rw------- /srv/scratch',
    '--rw-rw-rw- /srv/slashn',
    ' ',
  ]);
});

test('ls -l of files on a 9P mount shows type M and the mount device number, not the server raw fields', () => {
  const r = run([
    '-c',
    'ramfs -S scratch; mount -c /srv/scratch /n/s; echo hi > /n/s/note; mount unix!$NAMESPACE/scratch /n/t; ' +
      'bind -a /n/t /n/s; ls -ld /n/s /n/t; ls -l /n/s',
  ]);
  expect(r.err).toBe('');
  const f = r.out.trim().split('\n').map((l) => l.split(/\s+/).slice(1, 3).join(' '));
  expect(f[0]).toMatch(/^M [1-9]\d*$/);
  expect(f[1]).toMatch(/^M [1-9]\d*$/);
  expect(f[0]).not.toBe(f[1]);
  // The union lists the note twice, once from each mount, each with its own device.
  expect(f.slice(2)).toEqual([f[0], f[1]]);
});

test.skipIf(!fs.existsSync('/proc/self/stat'))('ps shows real cpu and memory: the host program its own, in-process commands the ants-rc process', () => {
  const r = run([
    '-c',
    "sh -c 'exec sleep 10' & while(! ps | grep -s ' sh$') sleep 0.05; ps | grep ' (sh|ps)$'; kill $apid",
  ]);
  expect(r.err).toBe('');
  const rows = Object.fromEntries(
    r.out.trim().split('\n').map((l) => {
      const f = l.trim().split(/\s+/);
      return [f[6], { mem: Number(f[4].replace(/K$/, '')), cpu: f[2] }];
    }),
  );
  const ants = rows.ps!;
  const host = rows.sh!;
  // Node's own resident memory is tens of megabytes; a host sleep's is a few hundred KiB to a few MiB.
  expect(ants.mem).toBeGreaterThan(10_000);
  expect(host.mem).toBeGreaterThan(0);
  expect(host.mem).toBeLessThan(ants.mem);
});

test.skipIf(!['/usr/bin/nc', '/bin/nc'].some((f) => fs.existsSync(f)))(
  'a tcp!*!port listener answers the host at a 127/8 address added after it announced',
  () => {
    const port = 40000 + (process.pid % 20000);
    const r = run([
      '-c',
      `listen1 tcp!*!${port} rc -c 'echo hello' & ` +
        `while(! netstat | grep -s 'Listen *${port} ') sleep 0.02; ` +
        'ip/ipconfig loopback add 127.0.0.98 255.255.255.255; ' +
        // The host listener is opened as the address is added; give it a few tries to be up.
        `for(i in \`{seq 1 50}) if(! ~ $reached yes) { if(~ \`{nc -d 127.0.0.98 ${port} >[2]/dev/null} hello) reached=yes; if not sleep 0.05 }; ` +
        'echo $reached; kill $apid',
    ]);
    expect(r.out).toBe('yes\n');
  },
);

test('an interrupt gives the same status word to a host program and an in-process command', () => {
  const r = run([
    '-c',
    'sleep 10 & a=$apid; kill -INT $a; wait $a; echo in-process $status; ' +
      "/mnt/host/bin/sleep 10 & while(! ps | grep -s ' sleep$') sleep 0.02; " +
      "x=`{ps | grep ' sleep$'}; kill -INT $x(2); wait; echo host $status; " +
      "/bin/sh -c 'kill -INT $$'; echo self $status",
  ]);
  expect(r.out).toBe('in-process interrupted\nhost interrupted\nself interrupted\n');
});
