// The manual: pages for every builtin and every command in #b, rendered by `man`, searched
// by `man -k`, handed to the host's man when ants-rc has none, and shipped by npm pack.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { builtins } from '../builtins/index.js';
import { commands } from '../builtins/commands.js';
import { nameLine, render } from '../builtins/cmd/troff.js';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'ants-rc.js');
const MAN = path.join(ROOT, 'man');

function rc(script: string, env: NodeJS.ProcessEnv = {}) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-man-')));
  try {
    const r = spawnSync(process.execPath, [BIN, '-c', script], {
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', HOME: dir, NAMESPACE: path.join(dir, '.ns'), ANTS_NET: 'local', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { out: r.stdout, err: r.stderr, status: r.status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every page as { section, title, names }. */
function pages() {
  return fs.readdirSync(MAN).flatMap((sec) =>
    fs.readdirSync(path.join(MAN, sec)).map((title) => ({ section: sec, title, ...nameLine(fs.readFileSync(path.join(MAN, sec, title), 'utf8')) })),
  );
}

test('every builtin and every command in #b has a page naming it', () => {
  const named = new Set(pages().flatMap((p) => [p.title, ...p.names]));
  const missing = [...builtins.keys(), ...commands.keys()].filter((n) => !named.has(n) && !named.has(n.slice(n.lastIndexOf('/') + 1)));
  expect(missing).toEqual([]);
});

test('every page has a NAME line with a description, and its SEE ALSO names pages that exist', () => {
  const all = pages();
  const have = new Set(all.map((p) => `${p.title}(${p.section})`));
  for (const p of all) {
    expect(p.names, p.title).toContain(p.title);
    expect(p.desc, p.title).not.toBe('');
    const src = fs.readFileSync(path.join(MAN, p.section, p.title), 'utf8');
    expect(src.startsWith(`.TH ${p.title.toUpperCase()} ${p.section}\n`), p.title).toBe(true);
    const text = render(src);
    expect(text, p.title).not.toMatch(/\\[fe(&-]|^\s*\.[A-Z]/m);
    const see = src.split(/^\.SH "SEE ALSO"$/m)[1] ?? '';
    for (const m of see.matchAll(/^\.IR (\S+) \((\d)\)/gm)) expect(have, `${p.title}(${p.section}) refers to ${m[1]}(${m[2]})`).toContain(`${m[1]}(${m[2]})`);
  }
});

test('man bind, man 3 proc and man 6 namespace render the pages as text', () => {
  const r = rc('man bind; man 3 proc; man 6 namespace; man mount | sed 1q');
  expect(r.err).toBe('');
  expect(r.out).toContain('BIND(1)\n\nNAME\n       bind, mount, unmount - change name space\n');
  expect(r.out).toContain('PROC(3)\n');
  expect(r.out.replace(/\s+/g, ' ')).toContain('a line whose verb is none of these is ignored, and the write succeeds');
  expect(r.out).toContain('NAMESPACE(6)\n');
  expect(r.out).toMatch(/\nBIND\(1\)\n$/);
  expect(r.out).not.toMatch(/\\f|^\./m);
  for (const l of r.out.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
});

test('man -k finds pages by their names and descriptions; -w prints the file', () => {
  const r = rc('man -k name space | grep -c .; man -k ipconfig; man -w 8 listen1; man -k zzzznothing; echo $status');
  expect(r.out).toBe(
    `${r.out.split('\n')[0]}\nipconfig(8)\tipconfig, ip/ipconfig - configure an IP interface\n${MAN}/8/listen\nno match\n`,
  );
  expect(Number(r.out.split('\n')[0])).toBeGreaterThan(5);
});

test('a title ants-rc has no page for goes to the host man, with all the arguments', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-hostman-'));
  try {
    fs.writeFileSync(path.join(dir, 'man'), '#!/bin/sh\necho host man "$@"\n', { mode: 0o755 });
    const r = rc('man 1 vim; man bind | sed 1q', { PATH: `${dir}:/usr/bin:/bin` });
    expect(r.out).toBe('host man 1 vim\nBIND(1)\n');
    expect(rc('man zzzznothing; echo $status', { PATH: '/nonexistent' })).toEqual({ out: 'no entry\n', err: 'man: no entry for zzzznothing\n', status: 0 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the renderer: fonts dropped, paragraphs filled, tagged paragraphs, examples as written', () => {
  const src = '.TH X 1\n.SH NAME\nx \\- do \\fIthings\\fR\n.SH DESCRIPTION\n.B x\nruns\n.IR fast ,\nalways.\n.TP\n.B -a\nall\n.EX\n  keep   this\n.EE\n';
  expect(render(src)).toBe('X(1)\n\nNAME\n       x - do things\n\nDESCRIPTION\n       x runs fast, always.\n\n       -a     all\n                    keep   this\n');
  expect(nameLine(src)).toEqual({ names: ['x'], desc: 'do things' });
});

test('npm pack ships the pages and the namespace files', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['man/1/bind', 'man/3/proc', 'man/6/namespace', 'ns/lib/namespace', 'man/1/rerootwin', 'ns/lib/namespace.saveterm', 'ns/lib/namespace.save9front', 'dist/bundle/lib/namespace.saveterm']));
});
