/*
 * The interactive session: edit a line in Ink, run it, repeat.
 *
 * Who owns the terminal is the whole design. While lines are edited the UI holds it: the
 * tty is raw, bracketed paste is on, the UI reads stdin and Ink draws below the cursor;
 * keys typed between lines (after a dropped line, before a continuation) stay with the
 * UI. When a line is to run, the UI draws it one last time (prompt and coloured text, no
 * cursor or status line), takes Ink down, and releases the terminal: cooked mode, and
 * Node no longer reading the tty at all (pausing a stream is not enough: libuv would go
 * on reading ahead into its buffer, stealing keystrokes meant for the command). The
 * command then runs exactly as in shell/plain.ts, a host program inheriting the real
 * terminal — vim, less and top set the modes they want — and an interrupt arrives as
 * SIGINT, which shell/main.ts hands to the machine. Afterwards the UI takes the terminal
 * back and draws a fresh prompt.
 *
 * While editing, Ctrl-C is a key (raw mode) and drops the line; Ctrl-D on an empty line
 * ends the session with sigexit, as end of input does.
 *
 * A nested session (rerootwin, admin, newns: Shell.interact) runs in this same Session,
 * with its proc as the foreground: the prompt, colouring, completion and status line
 * follow that proc and its namespace, history stays the top session's (on the host). Its
 * Ctrl-D and exit return to the command that started it, never end ants-rc.
 */
import type { AntsMachine } from '../machine.js';
import type { Proc } from '../proc.js';
import { syntaxMessage } from '../machine.js';
import { parseLines } from '../parse.js';
import { RcError, RcExit, RcInterrupt } from '../proc.js';
import { builtins } from '../../builtins/index.js';
import { KeyDecoder, type Key } from './keys.js';
import { complete, initial, reduce, suggestion, type EditorState } from './editor.js';
import { History, historyFile } from './history.js';
import { cleanPrompt, highlight, type CommandKind, type Span } from './highlight.js';
import { completions } from './complete.js';
import { Jobs, statusInfo, statusText } from './status.js';
import type { View } from './app.js';
import { ttyIn } from '../../ns/ttyin.js';

type AppModule = typeof import('./app.js');
type Outcome = { kind: 'line'; text: string } | { kind: 'cancel' } | { kind: 'eof' };

/**
 * Load Ink, React and chalk. React chooses its production build by NODE_ENV when first
 * loaded; Ink decides once, by CI variables, to draw only final frames (right for a log,
 * wrong for a terminal); yoga, Ink's layout engine, decodes its inlined WebAssembly
 * itself unless fetch exists (and fetch would load Node's whole HTTP client). None of
 * this may leak into what commands see (their environment comes from rc variables), and
 * process.env is restored at once.
 */
async function loadApp(): Promise<AppModule> {
  const env = process.env;
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) if (k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k.startsWith('CI_')) saved[k] = env[k];
  saved.NODE_ENV = env.NODE_ENV;
  for (const k of Object.keys(saved)) delete env[k];
  env.NODE_ENV = saved.NODE_ENV ?? 'production';
  const g = globalThis as { fetch?: unknown };
  const fetch = g.fetch;
  g.fetch = undefined;
  try {
    return await import('./app.js');
  } finally {
    g.fetch = fetch;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  }
}

/**
 * Stop or restart libuv reading the tty under process.stdin (see the comment at the top).
 * Node does the same for a paused stdin, but a tick later; the command may be running by
 * then.
 */
/** Typed-ahead keys as the text a reader of the terminal would have got (Enter as \r, as typed). */
function keysText(ks: Key[]): string {
  let s = '';
  for (const k of ks) {
    if (k.name === 'insert' || k.name === 'paste') s += k.text;
    else if (k.name === 'enter') s += '\r';
    else if (k.name === 'tab') s += '\t';
  }
  return s;
}

function stdinReading(on: boolean): void {
  const stdin = process.stdin as unknown as { _handle?: { reading: boolean; readStart(): number; readStop(): number }; _readableState?: { reading: boolean } };
  const h = stdin._handle;
  if (!h || h.reading === on) return;
  h.reading = on;
  if (on) h.readStart();
  else {
    h.readStop();
    if (stdin._readableState) stdin._readableState.reading = false;
  }
}

class Session {
  readonly history: History;
  private readonly decoder = new KeyDecoder();
  private typeahead: Key[] = [];
  private ring: readonly string[] = [];
  private readonly kinds = new Map<string, CommandKind>();
  private readonly jobs: Jobs;
  private redraw: () => void = () => {};
  /** A prompt was drawn before Ink was loaded (see runUI). */
  early = false;
  /** The proc whose session has the terminal: the top shell, or a nested session's. */
  fg: Proc;
  /** The nested session's name on the status line. */
  label = '';
  /** SIGINTs since the running line started (shell/main.ts gives them to the machine). */
  interrupts = 0;

  constructor(
    private readonly m: AntsMachine,
    private readonly app: AppModule,
  ) {
    this.fg = m.root;
    this.history = new History(historyFile(m.root.get('home')[0]));
    this.jobs = new Jobs(() => this.redraw());
  }

  /** A command word's kind for colouring; unknown names are looked up and drawn again. */
  private classify = (name: string): CommandKind => {
    const p = this.fg;
    if (p.fns.has(name)) return 'function';
    if (builtins.has(name)) return 'builtin';
    const k = this.kinds.get(name);
    if (k) return k;
    this.kinds.set(name, 'pending');
    this.m.findCommand(p, name).then(
      (path) => {
        this.kinds.set(name, path ? 'command' : 'unknown');
        this.redraw();
      },
      () => this.kinds.set(name, 'unknown'),
    );
    return 'pending';
  };

  private view(st: EditorState, cont: boolean, active: boolean): View {
    const p = this.fg;
    const pr = p.get('prompt');
    const width = process.stdout.columns || 80;
    let spans: Span[];
    if (st.search) {
      const q = st.search.query;
      const at = st.search.index >= 0 ? st.buf.indexOf(q) : -1;
      spans =
        at >= 0 && q !== ''
          ? [
              { text: st.buf.slice(0, at), style: 'plain' },
              { text: q, style: 'match' },
              { text: st.buf.slice(at + q.length), style: 'plain' },
            ]
          : [{ text: st.buf, style: 'plain' }];
    } else spans = highlight(st.buf, this.classify);
    return {
      prompt: cont ? (pr[1] ?? '\t') : (pr[0] ?? '% '),
      prompt2: pr[1] ?? '\t',
      spans,
      cursor: st.cur,
      suggestion: active ? suggestion(st, this.history.entries) : '',
      search: st.search ? { query: st.search.query, found: st.search.index >= 0 } : null,
      menu: active && st.menu ? { labels: st.menu.items.map((i) => i.label), selected: st.menu.selected } : null,
      status: active ? statusText(statusInfo(p, this.jobs, this.label), width) : null,
      width,
      active,
    };
  }

  private draw(st: EditorState, cont: boolean, active: boolean): { text: string; cursor: { x: number; y: number } | undefined; widths: number[] } {
    const f = this.app.layout(this.view(st, cont, active));
    return { text: this.app.paint(f.rows), cursor: f.cursor, widths: this.app.widths(f.rows) };
  }

  /** Where decoded keys go: the line being edited, or typeahead between lines. */
  private sink: ((ks: Key[]) => void) | null = null;
  private escTimer: NodeJS.Timeout | undefined;
  private held = false;

  private onData = (chunk: string | Buffer) => {
    if (this.escTimer) clearTimeout(this.escTimer);
    this.deliver(this.decoder.push(chunk.toString()));
    if (this.decoder.waiting) this.escTimer = setTimeout(() => this.deliver(this.decoder.flush()), 40);
  };

  private deliver(ks: Key[]): void {
    if (ks.length === 0) return;
    if (this.sink) this.sink(ks);
    else if (ks.some((k) => k.name === 'C-c')) {
      // Ctrl-C after Enter, before the command has the terminal: it is for the command.
      this.typeahead = [];
      this.interruptNext = true;
    } else this.typeahead.push(...ks);
  }

  /** A Ctrl-C typed between a line's Enter and its command's start. */
  private interruptNext = false;

  /** Take the terminal: raw mode, bracketed paste, our reader on stdin. */
  hold(): void {
    if (this.held) return;
    this.held = true;
    ttyIn.edit(true);
    const stdin = process.stdin;
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    process.stdout.write('\x1b[?2004h');
    stdinReading(true);
    stdin.on('data', this.onData);
    stdin.resume();
    // Keys typed after an in-process command's last line read (ns/ttyin.ts) are the editor's.
    const ahead = ttyIn.take();
    if (ahead !== '') this.onData(ahead);
  }

  /**
   * Give the terminal to a command: cooked mode, and Node not reading the tty. An
   * interrupt that came while the line was edited (in raw mode: from kill, not the
   * keyboard) is not for the command.
   */
  release(): void {
    if (!this.held) return;
    this.held = false;
    const stdin = process.stdin;
    stdin.off('data', this.onData);
    if (this.escTimer) clearTimeout(this.escTimer);
    stdin.pause();
    stdinReading(false);
    // What was typed ahead goes to the command if it reads the terminal in-process;
    // whatever it leaves comes back to the editor at the next hold().
    ttyIn.give(keysText(this.typeahead));
    this.typeahead = [];
    this.fg.ng.interrupted = false;
    if (this.interruptNext) {
      this.interruptNext = false;
      this.m.note('SIGINT');
    }
    stdin.setRawMode(false);
    ttyIn.edit(false);
    process.stdout.write('\x1b[?2004l');
  }

  /**
   * Edit one line; resolves when it is submitted, dropped, or input ends, leaving its
   * last frame (no cursor, menu or status line) on the screen and the terminal still
   * held, so keys typed before a command starts or before a continuation line are kept.
   */
  edit(cont: boolean): Promise<Outcome> {
    const out = process.stdout;
    this.kinds.clear();
    this.history.reload();
    if (this.early) {
      // Take over the line the early prompt was drawn on.
      out.write('\r\x1b[K');
      this.early = false;
    } else if (!cont) freshLine();
    this.hold();
    return new Promise<Outcome>((resolve, reject) => {
      let st: EditorState = { ...initial(), ring: this.ring };
      let done = false;
      let shown = this.draw(st, cont, true);
      let ink = this.app.mount(shown.text, shown.cursor);

      // A fault in the UI ends the session with a one-line error (shell/main.ts), never a
      // stack on the screen from an event handler.
      const fail = (e: unknown) => {
        if (done) return;
        done = true;
        this.sink = null;
        this.redraw = () => {};
        out.off('resize', resized);
        try {
          ink.unmount();
        } catch {
          /* going anyway */
        }
        reject(e);
      };
      const guard =
        <A extends unknown[]>(f: (...a: A) => void) =>
        (...a: A) => {
          try {
            f(...a);
          } catch (e) {
            fail(e);
          }
        };

      const render = () => {
        if (done) return;
        // The terminal re-wraps its screen a moment before SIGWINCH tells Node: look at
        // the size now (this emits 'resize' if it changed), so no frame is drawn for a
        // width that is gone.
        (out as unknown as { _refreshSize?: () => void })._refreshSize?.();
        if (done) return;
        shown = this.draw(st, cont, true);
        ink.rerender(shown.text, shown.cursor);
      };
      this.redraw = guard(render);

      // On a resize the terminal re-wraps the frame on screen, which Ink's own redraw
      // (erase as many rows as it wrote) does not allow for: erase from where the frame's
      // top now is, and draw it afresh with a new Ink. This runs before Ink's handler,
      // which then finds nothing of its own left to do.
      const resized = guard(() => {
        if (done) return;
        const up = shown.cursor ? this.app.rowsAboveCursor(shown.widths, shown.cursor, out.columns || 80) : 0;
        out.write((up > 0 ? `\x1b[${up}A` : '') + '\r\x1b[J');
        ink.forget();
        shown = this.draw(st, cont, true);
        ink = this.app.mount(shown.text, shown.cursor);
      });

      const finish = (o: Outcome) => {
        done = true;
        this.redraw = () => {};
        this.sink = null;
        this.ring = st.ring;
        out.off('resize', resized);
        const d = this.draw({ ...st, search: null, menu: null }, cont, false);
        ink.rerender(d.text, undefined);
        ink.unmount();
        resolve(o);
      };

      const keys = guard((ks: Key[]) => {
        for (let i = 0; i < ks.length; i++) {
          if (done) {
            // Keys after the Enter are typed ahead for the next line (Ctrl-C: for the command).
            this.deliver(ks.slice(i));
            return;
          }
          const k = ks[i];
          // A history walk or search begins: take in what other sessions added.
          if ((k.name === 'up' || k.name === 'down' || k.name === 'C-p' || k.name === 'C-n') && !st.walk) this.history.reload();
          if (k.name === 'C-r' && !st.search) this.history.reload();
          const r = reduce(st, k, this.history.entries);
          st = r.state;
          switch (r.effect) {
            case 'submit':
              finish({ kind: 'line', text: st.buf });
              break;
            case 'cancel':
              finish({ kind: 'cancel' });
              break;
            case 'eof':
              finish({ kind: 'eof' });
              break;
            case 'complete': {
              const { buf, cur } = st;
              completions(this.fg, builtins.keys(), buf, cur).then(
                guard((c) => {
                  if (done) return;
                  st = complete(st, c);
                  render();
                }),
                () => {},
              );
              break;
            }
            case 'clear': {
              // Take the frame down, clear the screen, and draw it again at the top.
              ink.rerender('', undefined);
              ink.unmount();
              out.write('\x1b[H\x1b[2J');
              shown = this.draw(st, cont, true);
              ink = this.app.mount(shown.text, shown.cursor);
              break;
            }
          }
        }
        render();
      });

      out.prependListener('resize', resized);
      this.sink = keys;
      if (this.typeahead.length > 0) {
        const ks = this.typeahead;
        this.typeahead = [];
        keys(ks);
      }
    });
  }
}

/**
 * If the last output did not end its line, mark that and start a fresh one (as zsh and
 * fish do): the mark and spaces wrap only when the cursor was not at the line's start,
 * and the carriage return and erase leave an empty line either way.
 */
function freshLine(): void {
  const cols = process.stdout.columns || 80;
  process.stdout.write('\x1b[7m⏎\x1b[0m' + ' '.repeat(cols - 1) + '\r\x1b[K');
}

export async function runUI(m: AntsMachine): Promise<string> {
  const p = m.root;
  // Loading Ink takes longer than starting the shell. Show the prompt now and hold the
  // keys typed meanwhile (raw mode: no echo, nothing lost); the editor takes over this
  // line when it is ready, as zsh's "instant prompt" does.
  freshLine();
  process.stdout.write(cleanPrompt(p.get('prompt')[0] ?? '% '));
  process.stdin.setRawMode(true);
  const app = await loadApp();
  const s = new Session(m, app);
  s.early = true;
  // Counted beside shell/main.ts's handler, which gives interrupts to the machine.
  const counted = () => s.interrupts++;
  process.on('SIGINT', counted);
  m.terminal = { interact: (q, o) => session(m, s, q, { nested: true, label: o.label }) };
  try {
    return await session(m, s, p, { nested: false });
  } finally {
    m.terminal = undefined;
    process.off('SIGINT', counted);
    s.release();
  }
}

/**
 * Edit and run lines in p until input ends or p exits. The top session then ends
 * ants-rc (sigexit, m.finish); a nested one gives its status back to its caller, and the
 * Session's foreground, label and interrupt count are the caller's again.
 */
async function session(m: AntsMachine, s: Session, p: Proc, o: { nested: boolean; label?: string }): Promise<string> {
  const saved = { fg: s.fg, label: s.label, interrupts: s.interrupts };
  s.fg = p;
  if (o.nested) s.label = o.label ?? '';
  try {
    return await lines(m, s, p, o.nested);
  } finally {
    if (o.nested) s.release();
    s.fg = saved.fg;
    s.label = saved.label;
    s.interrupts = saved.interrupts;
  }
}

async function lines(m: AntsMachine, s: Session, p: Proc, nested: boolean): Promise<string> {
  let pending = '';
  let ifst = { iflast: false };
  for (;;) {
    const o = await s.edit(pending !== '');
    if (o.kind === 'eof') {
      s.release();
      return nested ? p.status : m.finish(p.status);
    }
    if (o.kind === 'cancel') {
      pending = '';
      continue;
    }
    const text = pending + o.text + '\n';
    // Whether the last line was an if carries to the next, for its if not (parse.ts).
    const st = { ...ifst };
    const { lines, error, openHeredoc } = parseLines(text, st);
    if ((error && error.incomplete) || (!error && (openHeredoc || text.endsWith('\\\n')))) {
      pending = text;
      continue;
    }
    ifst = st;
    pending = '';
    s.history.add(text);
    s.release();
    let ended = false;
    s.interrupts = 0;
    try {
      for (const l of lines) await m.runLine(p, m.compile(l.cmd));
      if (error) {
        await p.err(syntaxMessage(error, null));
        p.setStatus('syntax error');
      }
    } catch (e) {
      if (e instanceof RcExit) return nested ? e.status : m.finish(e.status);
      if (!(e instanceof RcError)) throw e;
      if (e instanceof RcInterrupt) {
        p.ng.interrupted = false;
        p.setStatus('interrupted');
        await p.err('');
        ended = true;
      } else {
        await p.err(e.display());
        p.setStatus(e.message);
      }
    }
    // A Ctrl-C that ended a program or a loop without unwinding the line: the terminal
    // echoed ^C; end that line, as rc does for an interrupted line. The interrupt is
    // spent (the line is over), so saying so is not itself interrupted.
    const spent = p.ng.interrupted;
    p.ng.interrupted = false;
    if ((s.interrupts > 0 || spent) && !ended) await p.err('');
  }
}
