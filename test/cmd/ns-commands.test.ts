// The file commands on the kernel namespace: devices, #e variables, a ramfs, a union.
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'ants-rc.js');

function rc(script: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-cmd-'));
  try {
    const r = spawnSync(process.execPath, [BIN, '-c', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      encoding: 'utf8',
    });
    return { out: r.stdout.replaceAll(dir, 'D'), err: r.stderr.replaceAll(dir, 'D') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('ls, cat and test see kernel devices; ls -l names their device letters', () => {
  const r = rc(
    "ls -p /dev | grep '^(cons|user)$'; cat /dev/user >/dev/null && echo user; " +
      "ls -ld /dev/null /proc | awk '{print $1, $2}'; test -d /proc/$pid && echo proc",
  );
  expect(r.err).toBe('');
  // Sorted as Plan 9's ls does, by directory then name: /proc's directory is "", before /dev.
  expect(r.out).toBe('cons\nuser\nuser\nd-r-xr-xr-x p\n--rw-rw-rw- c\nproc\n');
});

test('what echo writes into /env, cat reads back and rc sees as a variable', () => {
  const r = rc('echo hello >/env/greeting; echo $greeting; grep -c hello /env/greeting');
  expect(r.out).toBe('hello\n\n1\n');
});

test('mkdir, cp, mv, touch and rm in a ramfs', () => {
  const r = rc(
    'ramfs -m /n/ram; mkdir -p /n/ram/d/e; echo data >/n/ram/d/f; cp /n/ram/d/f /n/ram/d/e/g; ' +
      'mv /n/ram/d/e/g /n/ram/d/e/h; touch -t 86400 /n/ram/d/t; ls /n/ram/d /n/ram/d/e; cat /n/ram/d/e/h; ' +
      "ls -l /n/ram/d/t | awk '{print $7, $8, $9}'; rm -r /n/ram/d; ls /n/ram; echo end",
  );
  expect(r.err).toBe('');
  expect(r.out).toBe('/n/ram/d/e\n/n/ram/d/f\n/n/ram/d/t\n/n/ram/d/e/h\ndata\nJan 2 1970\nend\n');
});

test('ls of a union lists every member; creation follows the -c member', () => {
  const r = rc('mkdir a b; touch a/x b/y; bind -a b a; ls -p a; mkdir a/new; bind -ac b a; mkdir a/new && ls -p b');
  expect(r.out).toBe('x\ny\nnew\ny\n');
  expect(r.err).toBe("mkdir: can't create a/new: 'a/new' mounted directory forbids creation\n");
});
