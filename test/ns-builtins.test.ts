// bind, mount, unmount and ns as rc commands, on the kernel namespace (the default).
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '..', 'bin', 'ants-rc.js');

function rc(script: string, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ns-'));
  fs.mkdirSync(path.join(dir, 'a'));
  fs.mkdirSync(path.join(dir, 'b'));
  fs.writeFileSync(path.join(dir, 'a', 'one'), '');
  fs.writeFileSync(path.join(dir, 'b', 'two'), '');
  const r = spawnSync(process.execPath, [BIN, '-c', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
    encoding: 'utf8',
  });
  return { out: r.stdout.replaceAll(dir, 'D'), err: r.stderr.replaceAll(dir, 'D'), code: r.status };
}

describe('bind', () => {
  test('replaces, then -a adds after and -b before', () => {
    const r = rc('bind a /n/u; echo /n/u/*; bind -a b /n/u; echo /n/u/*; bind -b b /n/u; ls=`{echo /n/u/*}; echo $#ls');
    expect(r.out).toBe('/n/u/one\n/n/u/one /n/u/two\n2\n');
  });
  test('unmount of one member leaves the rest', () => {
    const r = rc('bind a /n/u; bind -a b /n/u; unmount b /n/u; echo /n/u/*');
    expect(r.out).toBe('/n/u/one\n');
  });
  test('errors are Plan 9 text with the status set', () => {
    const r = rc('bind nonesuch /n/u; echo $status; unmount /n/never; bind -ab a b');
    expect(r.err).toBe("bind: nonesuch: 'nonesuch' does not exist\nunmount: /n/never: not mounted\nusage: bind [-b|-a|-c|-bc|-ac] new old\n");
    expect(r.out).toBe('bind\n');
  });
  test('-q fails quietly and successfully, as 9front\'s bind and mount do', () => {
    const r = rc('bind -q nonesuch /n/u; echo [$status]; mount -q /srv/nonesuch /n/u; echo [$status]; mount /srv/nonesuch /n/u; echo [$status]');
    expect(r.out).toBe('[]\n[]\n[mount]\n');
    expect(r.err).toBe("mount: '/srv/nonesuch' does not exist\n");
  });
  test('ns prints the binds as proc(3) does: the self entry, then the member', () => {
    const r = rc('bind -a a /n/u; ns | grep /n/u');
    expect(r.out).toBe('bind  /n/u /n/u\nbind -a D/a /n/u\n');
  });
});

describe('namespace groups', () => {
  test('a child shares its parent\'s namespace: a bind in @{…} shows outside', () => {
    expect(rc('@{ bind a /n/u }; echo /n/u/*').out).toBe('/n/u/one\n');
  });
  test('rfork n splits it: the bind stays in the child', () => {
    expect(rc('@{ rfork n; bind a /n/u; echo /n/u/* }; echo /n/u/*').out).toBe('/n/u/one\n/n/u/*\n');
  });
  test('rfork N starts clean: only the root placeholders are left (not even echo)', () => {
    // The child says what / holds through its exit status, as it can no longer find echo.
    const r = rc('@{ rfork N; x=/*; exit $"x }; echo $status');
    expect(r.out).toMatch(/\/dev .*\/srv/);
    expect(r.out).not.toContain('/usr');
  });
  test('rfork m forbids mounts but not binds', () => {
    const r = rc('@{ rfork m; bind a /n/u; echo /n/u/*; mount /srv/slashn /n/v }');
    expect(r.out).toBe('/n/u/one\n');
    expect(r.err).toBe('mount: mount/attach disallowed\n');
  });
});

describe('newns', () => {
  test('-n file builds a fresh namespace for a command, leaving ours alone', () => {
    const r = rc(
      "echo 'bind -a #U/bin /bin' >ns.txt; echo '# a comment line' >>ns.txt; echo 'bind #U$dir /mnt' >>ns.txt; dir=`{pwd}^/a; " +
        'newns -n ns.txt /bin/sh -c true; echo $status; echo /mnt/one*',
    );
    expect(r.err).toBe('');
    // The command ran; our namespace was untouched (/mnt/one* did not match).
    expect(r.out).toBe('\n/mnt/one*\n');
  });
  test('without a command it runs rc -i in the new namespace, and ours stays', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-ns-'));
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', 'one'), '');
    fs.writeFileSync(path.join(dir, 'ns.txt'), `bind #b /bin\nbind #U${dir}/a /mnt\n`);
    const r = spawnSync(process.execPath, [BIN, '-c', "newns -n ns.txt; echo after /mnt/one*"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      input: 'echo inside /mnt/*\n',
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('inside /mnt/one\nafter /mnt/one*\n');
  });
  test('-a adds to a copy of the current namespace; -d reports failing lines', () => {
    const r = rc("echo 'bind /nonesuch /n/x' >bad.txt; echo 'bind a /n/y' >>bad.txt; newns -ad -n bad.txt ls /n/y; echo /n/y/*");
    expect(r.out).toBe('/n/y/one\n/n/y/*\n');
    expect(r.err).toContain('/nonesuch');
  });
});


describe('ANTS_NS=host: the bare host file system', () => {
  test('$path is the host PATH and namespace builtins say there is no namespace', () => {
    const r = rc('echo $path; bind a b; echo $status', { ANTS_NS: 'host', PATH: '/usr/bin:/bin' });
    expect(r.out).toBe('/usr/bin /bin\nno namespace\n');
    expect(r.err).toBe('bind: no namespace: this shell runs on the bare host file system\n');
  });
  test('the default is the kernel namespace: $path is /bin, and /proc lists the shell', () => {
    const r = rc('echo $path; x=/proc/*; ~ /proc/$pid $x && echo listed', {});
    expect(r.out).toBe('/bin\nlisted\n');
  });
});
