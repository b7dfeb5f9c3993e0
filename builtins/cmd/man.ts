/*
 * man [-kw] [section] title ...: ants-rc's manual first, then the host's.
 *
 * The pages ship with the package in man/<section>/<title>, written in the -man subset
 * troff.ts renders. A title is found by its file name or by any name its NAME line lists
 * (`bind, mount, unmount \- change name space`), in the section asked for or else in
 * sections 1 to 9 in order, as Plan 9's man looks. A title ants-rc has no page for goes,
 * with the same arguments, to the first `man` among the host directories behind /bin, so
 * `man vim` still works. -k lists the pages whose names or description hold every word
 * given; -w prints the page's file instead of the page. The pages are read through the
 * namespace as '#U' files, so a process without the host device (rfork m) has none.
 */
import { fileURLToPath } from 'node:url';
import type { ProcLike, Shell } from '../types.js';
import { cmd, getopts, readAll, usage } from './lib.js';
import { nameLine, render } from './troff.js';
import { OREAD } from '../../ns/types.js';

const USAGE = 'usage: man [-kw] [section] title ...';

interface Entry {
  section: string;
  file: string;
  names: string[];
  desc: string;
}

/** The package's man/ directory seen from here: the source, the tsc build, or the bundle. */
const DIRS = ['../../man', '../../../man'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));

/** Where a host path is reached in p's namespace: through #U, else as itself (no namespace). */
async function hostName(p: ProcLike, path: string): Promise<string | undefined> {
  for (const n of ['#U' + path, path]) {
    try {
      await p.vfs.stat(n);
      return n;
    } catch {
      // not reachable this way
    }
  }
  return undefined;
}

async function readText(p: ProcLike, path: string): Promise<string> {
  const c = await p.vfs.open(path, OREAD);
  try {
    return (await readAll(c)).toString('utf8');
  } finally {
    c.close();
  }
}

let index: Promise<Entry[]> | undefined;

/** Every page: its section, file, and the names and description of its NAME line. */
function pages(p: ProcLike): Promise<Entry[]> {
  index ??= (async () => {
    let root: string | undefined;
    for (const d of DIRS) if ((root = await hostName(p, d + '/1'))) break;
    if (!root) {
      // Not reachable from this process (rfork m, say): another may do better.
      index = undefined;
      return [];
    }
    root = root.slice(0, -2);
    const out: Entry[] = [];
    for (const sec of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
      let dirs;
      try {
        dirs = await p.vfs.readdir(`${root}/${sec}`);
      } catch {
        continue;
      }
      for (const d of dirs.map((x) => x.name).sort()) {
        const file = `${root}/${sec}/${d}`;
        const { names, desc } = nameLine(await readText(p, file));
        out.push({ section: sec, file, names: [d, ...names.filter((n) => n !== d)], desc });
      }
    }
    return out;
  })();
  return index;
}

/** Plan 9 names a command by its path (ip/ipconfig); its page by the last element. */
const matches = (e: Entry, title: string): boolean =>
  e.names.includes(title) || e.names.includes(title.slice(title.lastIndexOf('/') + 1));

/** Hand the arguments to the host's man, if the host has one behind /bin. */
async function hostMan(p: ProcLike, argv: string[], sh: Shell): Promise<string | undefined> {
  const dirs = p.vfs.hostPaths?.('/bin') ?? [];
  for (const d of dirs) {
    const m = await hostName(p, `${d}/man`);
    if (!m) continue;
    await sh.runArgv(p, [m, ...argv.slice(1)], true);
    return p.status;
  }
  return undefined;
}

export const man = cmd('man', async (p, argv, sh) => {
  const o = getopts(argv, 'kw');
  if (!o || o.args.length === 0) return usage(p, USAGE);
  const all = await pages(p);
  if (o.has.has('k')) {
    const words = o.args.map((w) => w.toLowerCase());
    let found = false;
    for (const e of all) {
      const hay = `${e.names.join(' ')} ${e.desc}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) continue;
      found = true;
      await p.write(1, `${e.names[0]}(${e.section})\t${e.names.join(', ')} - ${e.desc}\n`);
    }
    return found ? '' : 'no match';
  }
  let args = o.args;
  let section: string | undefined;
  if (args.length > 1 && /^[1-9]$/.test(args[0])) {
    section = args[0];
    args = args.slice(1);
  }
  const want: Entry[] = [];
  for (const title of args) {
    const e = all.find((x) => (section === undefined || x.section === section) && matches(x, title));
    if (!e) {
      // Not one of ours: the host's man has the whole command line (`man 1 vim`).
      const st = await hostMan(p, argv, sh);
      if (st !== undefined) return st;
      await p.err(`man: no entry for ${title}${section ? ` in section ${section}` : ''}`);
      return 'no entry';
    }
    want.push(e);
  }
  for (const e of want) {
    if (o.has.has('w')) await p.write(1, e.file.replace(/^#U/, '') + '\n');
    else await p.write(1, render(await readText(p, e.file)));
  }
  return '';
});
