/*
 * The hub host: `ants-rc --hubd NAME [locked]`, a headless ants-rc (daemon.ts) serving a
 * hubfs on $NAMESPACE/NAME (posted in its own /srv as NAME too, and mounted on /n/NAME
 * of its first process) and running the rc shells of the groups asked for, each with
 * standard input, output and error on the hubs GROUP0, GROUP1 and GROUP2, so a shell
 * outlives every terminal and any number of clients can attach (builtins/hub.ts).
 *
 * A client asks for a shell by writing to ctl, in one write:
 *   new GROUP
 *   <namespace text>            (the caller's /proc/N/ns, optional)
 * If GROUP has a live shell this does nothing; otherwise the hubs GROUP0 GROUP1 GROUP2
 * GROUP0.note and GROUP.status are made (GROUP0, its note hub and the status hub afresh,
 * so a new shell never runs the last one's input or notes again) and the shell starts:
 *  - in a note group of its own; each line `interrupt` written to GROUP0.note interrupts
 *    its foreground command (the shell lives on), another note (`hangup`, `kill`) ends it;
 *  - reading a command at a time from GROUP0 (shell/input.ts), prompt `GROUP% `;
 *  - in a namespace replayed from the text (ns/nsfile.ts newns); a line that cannot be
 *    replayed here (an in-process mount of the caller's) is written on its standard error,
 *    never dropped silently;
 *  - with /dev/cons on the hubs (reads share fd 0's place in GROUP0, writes go to GROUP1)
 *    and TERM=dumb, since host programs have no terminal here.
 * GROUP.status reads `running PID`, then `exited STATUS` when the shell has ended: what
 * an attached client waits for to say so. Every other ctl message is the hubfs's.
 *
 * The host registers `NAME pid` in $NAMESPACE/hubs (ns/hubreg.ts) while it runs, and ends
 * when its last shell has exited and no client has been connected for $ANTS_HUBD_IDLE
 * ms, or on the hubfs's `quit` (which ends its shells with a hangup).
 */
import type { Namespace } from '../ns/namespace.js';
import { MCREATE, MREPL } from '../ns/mount.js';
import { defaultSrvDir } from '../ns/dev/srv.js';
import { mkqid, type Node, TreeFid } from '../ns/dev/tree.js';
import { Eintr } from '../ns/errors.js';
import { hubRegister, hubUnregister, validGroup } from '../ns/hubreg.js';
import { newns } from '../ns/nsfile.js';
import { Hubfs } from '../ns/srv/hubfs.js';
import { type FileServer, NsError, OREAD, OWRITE } from '../ns/types.js';
import type { Chan } from '../ns/vfs.js';
import { Daemon } from '../ns/daemon.js';
import { bootHeadless, daemonize, msFromEnv } from './daemon.js';
import { runInput, streamLines } from './input.js';
import type { AntsMachine } from './machine.js';
import { NoteGroup } from './notes.js';
import { type Proc, RcExit } from './proc.js';

/** How long a host with no shells and no clients stays (ms). */
export const HUBD_IDLE = 10_000;

interface Shell {
  group: string;
  proc: Proc;
  input: Input;
  /** Stops the note reader. */
  stop: AbortController;
}

export class HubHost {
  readonly shells = new Map<string, Shell>();
  /** What clients attach to: the hubfs with `new` handled on ctl. */
  readonly server: FileServer;
  private readonly mnt: string;

  constructor(
    readonly m: AntsMachine,
    readonly name: string,
    readonly hubfs: Hubfs,
  ) {
    this.mnt = '/n/' + name;
    this.server = hubfs;
    // `new GROUP` and the caller's namespace text on the lines after it.
    hubfs.addControl('new', (rest) => {
      const nl = rest.indexOf('\n');
      return this.newShell((nl < 0 ? rest : rest.slice(0, nl)).trim(), nl < 0 ? '' : rest.slice(nl + 1));
    });
  }

  private get ns(): Namespace {
    return this.m.root.vfs as Namespace;
  }

  /** Mount the hubfs where the host's own processes reach its hubs. */
  async mount(): Promise<void> {
    await this.ns.mountServer(this.server, this.mnt, MREPL | MCREATE, '', '#s/' + this.name);
  }

  /** Make path a fresh, empty hub (afresh: its readers get end of file and its backlog goes). */
  private async hub(file: string, afresh: boolean): Promise<void> {
    const path = `${this.mnt}/${file}`;
    if (afresh) await this.ns.remove(path).catch(() => {});
    else if (await this.ns.stat(path).then(() => true, () => false)) return;
    (await this.ns.create(path, OWRITE, 0o600)).close();
  }

  /** ctl `new GROUP` with the caller's namespace text: start the group's shell unless it runs. */
  async newShell(group: string, nstext: string): Promise<void> {
    if (!validGroup(group)) throw new NsError(`bad group name ${group}`);
    const running = this.shells.get(group);
    if (running) return running.input.reading;
    const p = this.m.root.fork();
    const stop = new AbortController();
    const sh: Shell = { group, proc: p, stop, input: new Input(p) };
    // Taken at once: a second `new` for the group meanwhile waits for this shell instead of starting one.
    this.shells.set(group, sh);
    let fds: Chan[] = [];
    try {
      p.ng = new NoteGroup();
      for (const f of ['1', '2']) await this.hub(group + f, false);
      for (const f of ['0', '0.note', '.status']) await this.hub(group + f, true);
      fds = [
        await this.ns.open(`${this.mnt}/${group}0`, OREAD),
        await this.ns.open(`${this.mnt}/${group}1`, OWRITE),
        await this.ns.open(`${this.mnt}/${group}2`, OWRITE),
      ];
      fds.forEach((c, fd) => p.setFd(fd, c));
      const failed: string[] = [];
      if (nstext.trim() !== '') {
        const r = await newns(this.ns, nstext, {
          env: (n) => (p.get(n).length ? p.get(n).join(' ') : undefined),
          debug: (msg) => failed.push(msg),
        });
        p.vfs = r.ns;
        p.cwd = r.cwd ?? '/';
      } else p.rfork('n');
      await (p.vfs as Namespace).mountServer(consServer(sh.input, fds[1], this.m.kernel!.user), '/dev/cons', MREPL, '', '#c').catch((e) => {
        failed.push(`/dev/cons: ${e instanceof Error ? e.message : String(e)}`);
      });
      for (const f of failed) await p.err(`hub: not replayed: ${f}`);
      p.set('0', ['rc']);
      p.set('*', []);
      p.set('pid', [String(p.pid)]);
      p.set('prompt', [group + '% ', '\t']);
      p.set('TERM', ['dumb']);
      await this.status(group, `running ${p.pid}`);
    } catch (e) {
      this.shells.delete(group);
      sh.input.fail();
      p.done();
      throw e;
    }
    void this.notes(sh);
    // `new` returns once the shell is reading: a client attaching next finds its prompt there.
    await Promise.race([this.run(sh), sh.input.reading]);
  }

  private async status(group: string, line: string): Promise<void> {
    const c = await this.ns.open(`${this.mnt}/${group}.status`, OWRITE);
    try {
      await c.write(Buffer.from(line + '\n'));
    } finally {
      c.close();
    }
  }

  /** Each line of GROUP0.note is a note to the shell's group. */
  private async notes(sh: Shell): Promise<void> {
    let c: Chan | undefined;
    try {
      c = await this.ns.open(`${this.mnt}/${sh.group}0.note`, OREAD);
      const next = streamLines((n) => c!.read(n, sh.stop.signal));
      for (let l = await next(); l !== null; l = await next()) {
        const note = l.trim();
        if (note === 'interrupt') sh.proc.ng.interrupt();
        else if (note !== '') {
          for (const k of sh.proc.ng.hosts) k.kill(note.includes('hangup') ? 'SIGHUP' : 'SIGTERM');
          sh.proc.kill(note);
        }
      }
    } catch {
      /* the shell is over, or its note hub went */
    } finally {
      c?.close();
    }
  }

  private async run(sh: Shell): Promise<void> {
    const p = sh.proc;
    let status: string;
    try {
      status = await runInput(this.m, p, () => sh.input.line(), { interactive: true, top: false });
    } catch (e) {
      status = e instanceof RcExit ? e.status : p.killed || (e instanceof Error ? e.message : 'failed');
    }
    p.setStatus(status);
    p.done();
    sh.input.fail();
    sh.stop.abort();
    this.shells.delete(sh.group);
    await this.status(sh.group, `exited ${status}`).catch(() => {});
  }

  /** The end of the host: every shell hangs up. */
  hangup(): void {
    for (const sh of this.shells.values()) {
      for (const k of sh.proc.ng.hosts) k.kill('SIGHUP');
      sh.proc.kill('hangup');
      sh.stop.abort();
    }
  }
}

/**
 * A hub shell's standard input, GROUP0: the shell takes a line at a time, /dev/cons the
 * bytes asked for, and what the shell read beyond its line is /dev/cons's first (a
 * command reading the console gets the lines typed after it). An interrupt while the
 * shell waits for a line takes the read back (a hub loses nothing to it): the shell gives
 * a fresh prompt and reads on.
 */
class Input {
  private held: Buffer = Buffer.alloc(0);
  private eof = false;
  private started!: () => void;
  private failed!: (e: Error) => void;
  /** Resolves when the shell first waits for input (its first prompt is out); rejects if it never starts. */
  readonly reading = new Promise<void>((res, rej) => {
    this.started = res;
    this.failed = rej;
  });

  constructor(private readonly p: Proc) {}

  private async read(n: number): Promise<Buffer> {
    const p = this.p;
    this.started();
    for (;;) {
      try {
        return await p.read(0, n);
      } catch (e) {
        if (!(e instanceof NsError && e.message === Eintr) || p.killed) throw e;
        p.ng.interrupted = false;
        await p.err('\n' + (p.get('prompt')[0] ?? ''));
      }
    }
  }

  /** The shell could not be started. */
  fail(): void {
    this.reading.catch(() => {});
    this.failed(new NsError('hub shell failed to start'));
  }

  async line(): Promise<string | null> {
    for (;;) {
      const nl = this.held.indexOf(10);
      if (nl >= 0) {
        const l = this.held.subarray(0, nl + 1).toString('utf8');
        this.held = this.held.subarray(nl + 1);
        return l;
      }
      if (this.eof) {
        if (this.held.length === 0) return null;
        const l = this.held.toString('utf8');
        this.held = Buffer.alloc(0);
        return l;
      }
      const b = await this.read(65536);
      if (b.length === 0) this.eof = true;
      else this.held = this.held.length === 0 ? b : Buffer.concat([this.held, b]);
    }
  }

  /** A read of /dev/cons. */
  async cons(n: number, signal?: AbortSignal): Promise<Buffer> {
    if (this.held.length > 0) {
      const b = this.held.subarray(0, n);
      this.held = this.held.subarray(b.length);
      return b;
    }
    const c = this.p.fds.get(0);
    return c ? c.read(n, signal) : Buffer.alloc(0);
  }
}

/** /dev/cons of a hub shell: reads from its input (GROUP0), writes to GROUP1. */
function consServer(input: Input, output: Chan, user: string): FileServer {
  const node: Node = {
    name: 'cons',
    qid: mkqid(1, false),
    perm: 0o660,
    open: () => ({
      read: (_off, n, signal) => input.cons(n, signal as AbortSignal | undefined),
      write: (_off, data) => output.write(data),
    }),
  };
  return { attach: async () => new TreeFid(node, user) };
}

/** `ants-rc --hubd NAME [locked]`: run the hub host until it is done; the exit status. */
export async function runHubd(argv: string[]): Promise<number> {
  const name = argv[0];
  if (!name || !validGroup(name)) {
    process.stderr.write('usage: ants-rc --hubd srvname\n');
    return 1;
  }
  const dir = defaultSrvDir();
  let d: Daemon | undefined;
  let host: HubHost | undefined;
  daemonize(() => d?.close());
  let registered = false;
  const unregister = (): void => {
    if (registered) hubUnregister(dir, name, process.pid);
    registered = false;
  };
  try {
    const m = await bootHeadless();
    const hubfs = new Hubfs({ name });
    host = new HubHost(m, name, hubfs);
    const h = host;
    // Ready before the socket answers: a client's first `new` needs the hubs mounted.
    m.kernel!.srv.post(name, h.server, 0, m.kernel!.user);
    await h.mount();
    d = await Daemon.start({
      dir, name, server: h.server, idleMs: msFromEnv('ANTS_HUBD_IDLE', HUBD_IDLE), locked: argv[1] === 'locked',
      busy: () => h.shells.size > 0,
      // Out of the registry before the socket goes: once it has, `hub -l` and the directory are done with us.
      onClose: (gone) => {
        if (!gone) unregister();
      },
    });
    if (!d) return 0;
    hubRegister(dir, name, process.pid);
    registered = true;
    // Out of the registry before quit is answered; the hangup after the answer has gone.
    hubfs.onQuit(() => {
      unregister();
      setImmediate(() => d?.close());
    });
  } catch (e) {
    d?.close();
    process.stderr.write(`ants-rc: hubd ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  await d.done;
  host.hangup();
  return 0;
}
