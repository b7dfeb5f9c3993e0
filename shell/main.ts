/*
 * ants-rc [--net=local|daemon] [--root ROOT [--rootspec SPEC]] [-ceiIlpvx] [-c command] [file [arg ...]]
 * ants-rc --netd dir        (the shared /net daemon, which sessions start themselves)
 * ants-rc --hubd srvname    (a hub host, which `hub` starts: shell/hubd.ts)
 * ants-rc --help | --version
 *
 * Batch use (-c, a script file, a script on standard input) loads only the interpreter.
 * Interactive use on a terminal reads lines with a plain line reader here; the full-screen
 * UI is a separate leaf loaded only when wanted.
 */
import * as fs from 'node:fs';
import { AntsMachine, exitCode } from './machine.js';
import { FdTable } from './proc.js';
import { runInput, streamLines } from './input.js';
import { HostVfs, stdioChan } from '../ns/hostvfs.js';
import type { Vfs } from '../ns/vfs.js';
// The kernel is the default, so it is in the first chunk: a dynamic import would cost
// a separate file read and compile at every start.
import type { Kernel } from '../ns/kernel.js';
import { bootKernel } from './kboot.js';
import { settleNetd } from '../ns/net/devices.js';
import type { KProc } from '../ns/proc.js';
import { cleanname } from '../ns/vfs.js';
import { ttyIn } from '../ns/ttyin.js';
import { isatty } from 'node:tty';
import { defaultSrvDir, srvDirFault } from '../ns/dev/srv.js';

const USAGE = 'usage: ants-rc [--net=local|daemon] [--root ROOT [--rootspec SPEC]] [-ceiIlpvx] [-c command] [file [arg ...]]';

const HELP = `${USAGE}
Plan 9's rc with per-process namespaces. With no command or file, read commands from
standard input (interactively on a terminal).
  -c cmd   run cmd            -e  exit when a command fails   -x  print commands as run
  -i / -I  force / refuse interactive mode                    -v  echo input as read
  -l       run $home/lib/profile first                       -p  take no functions from the environment
  --net=local    a private /net instead of the user's shared daemon
  --root ROOT    boot on the 9P file server ROOT (a /srv name or a dial string; also
                 $ANTS_ROOT), --rootspec SPEC its attach name; \`admin\` for the admin namespace
  --help, --version
Manual pages: man rc, man ants-rc, man -k word.
`;

/** The version in package.json, seen from the source, the build or the bundle. */
function version(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      return JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8')).version;
    } catch {
      // not there: try the next place
    }
  }
  return 'unknown';
}

interface Args {
  flags: Set<string>;
  command: string | null;
  file: string | null;
  args: string[];
  root?: string;
  rootspec?: string;
}

function parseArgs(argv: string[]): Args | string {
  const flags = new Set<string>();
  let command: string | null = null;
  const long: { root?: string; rootspec?: string } = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    const opt = /^--(root|rootspec)(=.*)?$/.exec(a);
    if (opt) {
      const val = opt[2] !== undefined ? opt[2].slice(1) : argv[++i];
      if (!val) return `ants-rc: --${opt[1]} needs a value\n${USAGE}`;
      long[opt[1] as 'root' | 'rootspec'] = val;
      continue;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const f = a[j];
      if (!'ceiIlpvxdsr'.includes(f)) return `ants-rc: bad flag -${f}\n${USAGE}`;
      if (f === 'c') {
        const rest = a.slice(j + 1);
        if (rest) command = rest;
        else if (i + 1 < argv.length) command = argv[++i];
        else return `ants-rc: -c needs a command\n${USAGE}`;
        flags.add('c');
        break;
      }
      flags.add(f);
    }
  }
  const rest = argv.slice(i);
  if (command !== null) return { flags, command, file: null, args: rest, ...long };
  return { flags, command: null, file: rest[0] ?? null, args: rest.slice(1), ...long };
}

/**
 * Whether fd 0 is a terminal, asked as Node's process.stdin unless fd 0 is a file or one
 * of Linux's memory devices (major 1: /dev/null, /dev/zero …). Making process.stdin for a
 * pipe, socket or terminal puts fd 0 in non-blocking mode, which the shell's reads of it
 * count on: a blocking read would hold its libuv pool thread, and the process's exit,
 * until input came. For a file or /dev/null it changes nothing and would only load
 * Node's streams, a cost to every script run that way.
 */
function stdinIsTTY(): boolean {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(0);
  } catch {
    return false;
  }
  if (st.isFile() || (process.platform === 'linux' && st.isCharacterDevice() && (Math.floor(st.rdev / 256) & 0xfff) === 1)) return false;
  return process.stdin.isTTY === true;
}

/**
 * The first process: the kernel with its devices, and a process on it in the boot
 * namespace (ns/lib/namespace plus the host's $PATH directories in /bin, ns/boot.ts).
 * ANTS_NS=host runs on the bare host file system instead: no namespace, no /proc, and
 * the ants commands found before $path.
 */
async function bootSession(net: 'local' | 'daemon'): Promise<{ vfs: Vfs; kernel?: Kernel; kproc?: KProc }> {
  if (process.env.ANTS_NS === 'host') return { vfs: new HostVfs() };
  const { kernel, kproc } = await bootKernel(net, (k) => ({
    // The terminal through the shell's line discipline (interruptible); else fd 0 in the pool.
    read: (n): Promise<Buffer> =>
      isatty(0)
        ? ttyIn.read(n, k().callerSignal())
        : new Promise((res) => fs.read(0, Buffer.alloc(n), 0, n, null, (e, c, b) => res(e ? Buffer.alloc(0) : b.subarray(0, c)))),
    write: (b) => fs.writeSync(1, b),
    ctl: (msg) => {
      if (msg === 'rawon' || msg === 'rawoff') ttyIn.setRaw(msg === 'rawon');
    },
  }));
  return { vfs: kproc.ns, kernel, kproc };
}


export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--netd') return (await import('../ns/net/netd.js')).runNetd(argv.slice(1));
  if (argv[0] === '--hubd') return (await import('./hubd.js')).runHubd(argv.slice(1));
  if (argv[0] === '--help' || argv[0] === '--version') {
    process.stdout.write(argv[0] === '--help' ? HELP : `ants-rc ${version()}\n`);
    return 0;
  }
  // Where /net lives: the user's shared daemon unless --net=local or ANTS_NET=local.
  let net: 'local' | 'daemon' = process.env.ANTS_NET === 'local' ? 'local' : 'daemon';
  while (argv[0]?.startsWith('--net=')) {
    const m = argv[0].slice(6);
    if (m !== 'local' && m !== 'daemon') {
      process.stderr.write(`ants-rc: bad net mode ${m}\n${USAGE}\n`);
      return 1;
    }
    net = m;
    argv = argv.slice(1);
  }
  const a = parseArgs(argv);
  if (typeof a === 'string') {
    process.stderr.write(a + '\n');
    return 1;
  }
  // --root ROOT [--rootspec SPEC], or $ANTS_ROOT: boot on a root file server (rootboot.ts).
  const root = a.root ?? (process.env.ANTS_ROOT || undefined);
  const rootspec = a.rootspec ?? '';
  const fds = new FdTable();
  for (const fd of [0, 1, 2]) fds.set(fd, stdioChan(fd));
  const isTTY = stdinIsTTY();
  const interactive = a.flags.has('i') || (a.command === null && a.file === null && isTTY && !a.flags.has('I'));
  // A srv directory someone else could plant sockets in: a script stops here; a user at a
  // terminal is told, and gets a /srv without host sockets and a /net that says why it fails.
  const fault = process.env.ANTS_NS === 'host' ? undefined : srvDirFault(defaultSrvDir());
  if (fault) {
    process.stderr.write(`ants-rc: ${fault}\n`);
    if (!interactive) return 1;
  }
  const { vfs, kernel, kproc } = await bootSession(net);
  const m = new AntsMachine({
    vfs,
    kernel,
    kproc,
    cwd: cleanname(process.cwd()),
    fds,
    // $NAMESPACE names the srv directory in use, so scripts and plan9port's 9p find it.
    env: kernel?.srv.dir ? { ...process.env, NAMESPACE: kernel.srv.dir } : process.env,
    interactive,
    flags: a.flags,
  });
  const p = m.root;
  // Interrupts go to the foreground command; the shell lives on (see AntsMachine.note).
  process.on('SIGINT', () => m.note('SIGINT'));
  process.on('SIGHUP', () => m.note('SIGHUP'));
  process.on('SIGTERM', () => m.note('SIGTERM'));
  process.on('SIGPIPE', () => {});
  // Ctrl-\ abandons the foreground command line; it never ends the session.
  process.on('SIGQUIT', () => m.quit());
  // Last line of defence: a fault of ours is one line on stderr, never a stack trace.
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`ants-rc: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.ANTS_DEBUG) console.error(e);
  });

  let status: string;
  try {
    if (root !== undefined && kernel) {
      const why = await (await import('./rootboot.js')).bootRoot(m, root, rootspec);
      if (why !== undefined) {
        process.stderr.write(`ants-rc: can't mount root ${root}: ${why}\n`);
        if (!interactive) return 1;
        process.stderr.write('ants-rc: admin namespace: `rerootwin ROOT` starts a user environment; exit leaves\n');
      } else if (interactive) process.stderr.write(`ants-rc: root ${root} on /root; \`admin\` for the admin namespace\n`);
    }
    if (a.flags.has('l')) {
      // A login shell first runs $home/lib/profile (through the namespace), as rc -l does.
      const home = p.get('home')[0];
      const profile = home ? await (await import('../ns/nsfile.js')).readWhole(p.vfs, home + '/lib/profile').catch(() => undefined) : undefined;
      if (profile !== undefined) await m.runScript(profile, home + '/lib/profile', false);
    }
    if (a.command !== null) {
      p.set('0', ['ants-rc']);
      p.set('*', a.args);
      status = await m.runScript(a.command, null);
    } else if (a.file !== null) {
      let src: string;
      try {
        src = fs.readFileSync(a.file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const msg = code === 'ENOENT' ? `'${a.file}' does not exist` : code === 'EACCES' ? 'permission denied' : (e as Error).message;
        process.stderr.write(`ants-rc: can't open ${a.file}: ${msg}\n`);
        return 1;
      }
      p.set('0', [a.file]);
      p.set('*', a.args);
      status = await m.runScript(src, a.file);
    } else if (interactive) {
      p.set('0', ['ants-rc']);
      p.set('*', a.args);
      if (process.stdin.isTTY && process.stdout.isTTY && process.env.TERM !== 'dumb' && !a.flags.has('I')) {
        const { runUI } = await import('./ui/index.js');
        status = await runUI(m);
      } else {
        const { runPlain } = await import('./plain.js');
        status = await runPlain(m);
      }
    } else {
      p.set('0', ['ants-rc']);
      p.set('*', a.args);
      // A script on standard input runs a command at a time as it arrives.
      const stdin = fds.get(0)!;
      status = await runInput(m, p, streamLines((n) => stdin.read(n)), { interactive: false, top: true });
    }
    await m.drain();
    // What the session wrote to the shared /net reaches the daemon before the program goes.
    if (kernel) await settleNetd(kernel);
  } catch (e) {
    // Never a JavaScript stack for a user: say what broke, in one line.
    process.stderr.write(`ants-rc: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.ANTS_DEBUG) console.error(e);
    return 1;
  }
  return exitCode(status);
}
