#!/usr/bin/env node
// The installed entry point: compiled JavaScript only (npm run build makes dist/).
//
// A classic script (bin/package.json), so Node starts without its ES module loader, and
// the shell is dist/bundle/batch.cjs compiled with vm.Script: V8's code cache for it
// (cachedData) is kept in $XDG_CACHE_HOME/ants-rc (~/.cache/ants-rc), written after the
// first run and again whenever V8 rejects it, and named by the bundle's path, size and
// time and Node's version, so a rebuilt bundle or another Node never meets an old one.
// Without a usable cache directory the shell runs all the same, compiled from source.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

// Each <{…} waits for its reader in a libuv pool thread; give the pool room (read once, at first use).
process.env.UV_THREADPOOL_SIZE ??= '32';

const dir = path.join(__dirname, '..', 'dist', 'bundle');
const file = path.join(dir, 'batch.cjs');

let src;
let stat;
try {
  stat = fs.statSync(file);
  src = fs.readFileSync(file, 'latin1'); // ASCII (scripts/bundle.mjs), and latin1 is the quicker decoding
} catch {
  process.stderr.write(`ants-rc: ${file} is missing: run npm run build\n`);
  process.exit(1);
}

/** FNV-1a of s, as 8 hex digits, for the cache file's name. */
function fnv(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const home = process.env.XDG_CACHE_HOME || (process.env.HOME ? path.join(process.env.HOME, '.cache') : '');
const cacheDir = home ? path.join(home, 'ants-rc') : '';
// V8 takes a cache only from its own version and flags; one file per Node and flags, so
// shells run with different NODE_OPTIONS do not take turns rewriting one.
const flags = fnv(`${process.version} ${process.arch} ${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`);
const prefix = `batch-${fnv(file)}-`;
const stamp = `${prefix}${stat.size}-${Math.trunc(stat.mtimeMs)}-`;
const cacheFile = cacheDir && path.join(cacheDir, `${stamp}${flags}.v8`);

let cachedData;
if (cacheFile) {
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {}
}

// The script is a function expression (exports, require, module, __filename, __dirname, __antsUrl, __antsImport).
const script = new Script(src, { filename: file, cachedData });
const mod = { exports: {} };
// The bundle requires only node: modules, which bin's own require finds as well.
script.runInThisContext()(mod.exports, require, mod, file, dir, pathToFileURL(file).href, (spec) =>
  import(pathToFileURL(path.join(dir, spec)).href),
);

/**
 * mkdir -p for the cache directory and its parent, one level at a time: Node's recursive
 * mkdirSync never returns where mkdir keeps failing with ENOENT, as under /proc.
 */
function makeDir(d) {
  try {
    fs.mkdirSync(d, { mode: 0o700 });
  } catch (e) {
    if (e.code === 'EEXIST') return;
    if (e.code !== 'ENOENT' || path.dirname(d) === d) throw e;
    makeDir(path.dirname(d));
    fs.mkdirSync(d, { mode: 0o700 });
  }
}

/** Keep the code V8 compiled in this run for the next, and drop caches of older builds of this bundle. */
function saveCache() {
  if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
  try {
    const data = script.createCachedData();
    makeDir(cacheDir);
    const tmp = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, cacheFile);
    for (const f of fs.readdirSync(cacheDir)) {
      if (f.startsWith(prefix) && !f.startsWith(stamp) && !/\.\d+$/.test(f)) fs.rmSync(path.join(cacheDir, f), { force: true });
    }
  } catch {}
}

mod.exports.main(process.argv.slice(2)).then((code) => {
  saveCache();
  process.exit(code);
});
