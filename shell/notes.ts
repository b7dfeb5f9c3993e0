/*
 * Note groups. In Plan 9 an interrupt (DEL, Ctrl-C) is posted to a note group, not to
 * the machine: the window's foreground processes get it and nobody else. ants-rc runs
 * many shells in one Node process (nested rc, rerootwin, admin, hub shells), so the
 * interrupt state lives here, one per group: a flag the shell's check points read (the
 * command line unwinds with RcInterrupt), an AbortSignal that every blocking wait of the
 * group's processes races (a pipe read, a 9P request, a sleep), the handler function to
 * run instead when the shell defined sigint, and the host programs started in the group,
 * which get the signal itself. `&` and `rfork s` start a new group; fork() shares the
 * parent's. The terminal's interrupts go to one group, the console's foreground
 * (Machine.fg).
 */
import type { FnDef, HostKid } from './proc.js';

export class NoteGroup {
  private ctl = new AbortController();
  private quitCtl = new AbortController();
  /** sigint/sighup/… to run at the group's next check point instead of unwinding. */
  pendingHandler: FnDef | null = null;
  /** Host programs running in this group: an interrupt signals them too. */
  readonly hosts = new Set<HostKid>();

  /** interrupted, as a plain field: every command's check point reads it. */
  private flag = false;

  /** Set by an interrupt until the group's shell has unwound its command line. */
  get interrupted(): boolean {
    return this.flag;
  }

  set interrupted(v: boolean) {
    this.flag = v;
    if (v) this.ctl.abort();
    else {
      if (this.ctl.signal.aborted) this.ctl = new AbortController();
      if (this.quitCtl.signal.aborted) this.quitCtl = new AbortController();
    }
  }

  /**
   * Aborted by a quit (Ctrl-\): the last resort when an interrupt is not enough. The
   * shell's top-level loop stops waiting for the command line (which may be stuck in a
   * wait nothing will ever end) and prompts again; what it ran is left to die of the
   * interrupt and kill posted with it.
   */
  get quitSignal(): AbortSignal {
    return this.quitCtl.signal;
  }

  quit(): void {
    this.interrupt();
    for (const k of this.hosts) k.kill('SIGKILL');
    this.quitCtl.abort();
  }

  /** Aborted by the next interrupt: what a blocking wait races. */
  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  /** Post an interrupt (or the terminal's hangup or terminate): host programs get the signal, in-process waits abort. */
  interrupt(sig: NodeJS.Signals = 'SIGINT'): void {
    for (const k of this.hosts) k.kill(sig);
    this.interrupted = true;
  }
}
