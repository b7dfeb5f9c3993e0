// The shipped bundles, from tsc's output in dist/ (npm run build runs this last).
//
// dist/bundle/batch.cjs: everything but the full-screen UI, as one classic script.
// bin/ants-rc.js compiles it with vm.Script, whose V8 code cache (cachedData) skips
// parsing and compiling on later starts; ES modules have no such cache in Node 20, and
// fourteen of them cost more to load than the shell took to run `echo hi`. As a script
// it has no import.meta (bin passes the bundle's URL as __antsUrl) and no import(): the
// node: modules it loads on demand become require, and the one real ES module, the UI,
// is imported by bin's __antsImport.
//
// dist/bundle/app.js: Ink, React and chalk with shell/ui/app.js, an ES module loaded
// only by an interactive session on a terminal.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';

const out = 'dist/bundle';
mkdirSync(out, { recursive: true });
const made = new Set();

// ui/index.js imports ./app.js; in the script that is bin's __antsImport.
const appImport = {
  name: 'app-import',
  setup(b) {
    b.onResolve({ filter: /^\.\/app\.js$/ }, () => ({ path: './app.js', external: true }));
    b.onLoad({ filter: /[/\\]shell[/\\]ui[/\\]index\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const src = await readFile(args.path, 'utf8');
      const to = src.replaceAll("import('./app.js')", "__antsImport('./app.js')");
      if (to === src) throw new Error(`${args.path}: no import('./app.js') to hand to bin`);
      return { contents: to, loader: 'js' };
    });
  },
};

const batch = await build({
  entryPoints: ['dist/shell/main.js'],
  outfile: `${out}/batch.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__antsUrl' },
  plugins: [appImport],
  // The script is one function expression, which bin calls with what a CommonJS module
  // gets: wrapping it there would copy the whole text once more at every start.
  banner: { js: '(function (exports, require, module, __filename, __dirname, __antsUrl, __antsImport) {' },
  footer: { js: '})' },
  minify: true,
  metafile: true,
  logLevel: 'warning',
});
const script = readFileSync(`${out}/batch.cjs`);
// bin hands the script its own require, which is right only for node: modules.
const required = new Set([...script.toString('latin1').matchAll(/\brequire\("([^"]*)"\)/g)].map((m) => m[1]));
for (const r of required) if (!r.startsWith('node:')) throw new Error(`${out}/batch.cjs requires ${r}, not a node: module`);
// bin reads the script as latin1, which is only right for ASCII (esbuild's default charset).
if (script.some((c) => c > 0x7f)) throw new Error(`${out}/batch.cjs is not ASCII`);

const app = await build({
  entryPoints: ['dist/shell/ui/app.js'],
  outdir: out,
  // Ink's devtools (only with DEV=true) stay a chunk of their own, importing the absent
  // react-devtools-core only when loaded.
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['react-devtools-core'],
  banner: { js: 'import { createRequire as __cjsRequire } from "node:module"; const require = __cjsRequire(import.meta.url);' },
  metafile: true,
  logLevel: 'warning',
});

// The namespace files ship beside the bundle, where ns/boot.ts and ns/admin.ts look first.
mkdirSync(`${out}/lib`, { recursive: true });
for (const f of readdirSync('ns/lib')) copyFileSync(`ns/lib/${f}`, `${out}/lib/${f}`);
made.add('lib');

// Files of earlier builds go only now, so a shell started during the build finds its bundle.
for (const r of [batch, app]) for (const f of Object.keys(r.metafile.outputs)) made.add(basename(f));
for (const f of readdirSync(out)) if (!made.has(f)) rmSync(`${out}/${f}`, { recursive: true, force: true });
