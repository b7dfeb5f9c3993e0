// The .rcspec format: small rc scripts with their expected stdout, stderr and
// exit status, checked against the reference rc and against ants-rc.
//
//   #### a short name of the case
//   script lines (everything up to the first line starting with "## ")
//   ## stdout: one line of expected stdout        (shorthand for a one-line block)
//   ## STDOUT:
//   literal lines ...
//   ## END
//   ## stderr: ... / ## STDERR: ... ## END
//   ## status: 1                                 (exit status of the shell; default 0)
//   ## stdin: one line / ## STDIN: ... ## END     (default: empty)
//   ## flags: -e                                 (shell flags before the script name)
//   ## args: a b c                               (arguments after the script name)
//   ## setup: touch a.c                          (a /bin/sh command run first in the case's dir)
//   ## ref: skip <why>                           (the reference rc cannot run the case)
//   ## ref-path: plan9                           (the reference run puts /usr/lib/plan9/bin first
//                                                 in PATH, so it uses 9base's Plan 9 programs; in
//                                                 a file's preamble it applies to every case)
//   ## ants-stdout: / ants-STDOUT: / ants-stderr: / ants-STDERR: / ants-status:
//   ## why: <reason>                             (required with any ants-... or ref: skip)
//
// Lines before the first case must be blank or comments starting with "#".
// Unspecified stdout and stderr mean "empty". Trailing blank lines of a script
// are dropped; expected blocks are exact. Every block line stands for itself
// followed by a newline, so expected output always ends in a newline (or is
// empty).

export interface Expect {
  stdout: string;
  stderr: string;
  status: number;
}

export interface SpecCase {
  /** The file the case came from (as given to parseSpec). */
  file: string;
  /** 1-based line number of the case's "#### " line. */
  line: number;
  name: string;
  /** The script text, ending in a newline. */
  script: string;
  /** What the reference rc prints; what ants-rc prints unless overridden. */
  expect: Expect;
  /** Where ants-rc deliberately differs from the reference. */
  ants: Partial<Expect>;
  /** Text for the shell's standard input; undefined means empty. */
  stdin?: string;
  flags: string[];
  args: string[];
  setup?: string;
  /** Set when the reference cannot run the case: the reason. */
  refSkip?: string;
  /** 'plan9': the reference run finds 9base's Plan 9 programs (/usr/lib/plan9/bin) first. */
  refPath?: 'plan9';
  why?: string;
}

export class SpecFormatError extends Error {
  constructor(
    readonly file: string,
    readonly lineNo: number,
    message: string,
  ) {
    super(`${file}:${lineNo}: ${message}`);
    this.name = 'SpecFormatError';
  }
}

/** What ants-rc is expected to print: the overrides where present, else the base. */
export function antsExpect(c: SpecCase): Expect {
  return {
    stdout: c.ants.stdout ?? c.expect.stdout,
    stderr: c.ants.stderr ?? c.expect.stderr,
    status: c.ants.status ?? c.expect.status,
  };
}

/** The one normalization applied to the reference's stderr: `rc (<anything>): ` becomes `rc: `. */
export function normalizeRefStderr(s: string): string {
  return s.replace(/rc \([^()\n]*\): /g, 'rc: ');
}

const ONE_LINE_KEYS = new Set([
  'stdout',
  'stderr',
  'status',
  'stdin',
  'flags',
  'args',
  'setup',
  'ref',
  'ref-path',
  'why',
  'ants-stdout',
  'ants-stderr',
  'ants-status',
]);
const BLOCK_KEYS = new Set(['STDOUT', 'STDERR', 'STDIN', 'ants-STDOUT', 'ants-STDERR']);

/** Which field a key sets; the one-line and block forms of a field are the same field. */
function fieldOf(key: string): string {
  return key.replace(/^(ants-)?(STDOUT|STDERR|STDIN)$/, (_m, a: string | undefined, b: string) => (a ?? '') + b.toLowerCase());
}

const CASE_RE = /^#### (.*)$/;
const DIRECTIVE_RE = /^## ([A-Za-z][A-Za-z-]*):(?: (.*))?$/;

function parseStatus(v: string, fail: (m: string) => never): number {
  if (!/^\d{1,3}$/.test(v) || Number(v) > 255) fail(`status must be an integer 0..255, got "${v}"`);
  return Number(v);
}

function parseRefPath(v: string | undefined, fail: (m: string) => never): 'plan9' {
  if (v?.trim() !== 'plan9') fail(`"## ref-path:" must read "## ref-path: plan9", got "${v ?? ''}"`);
  return 'plan9';
}

function words(v: string): string[] {
  return v.split(/[ \t]+/).filter((w) => w !== '');
}

/** Parse the text of an .rcspec file. Throws SpecFormatError (with file:line) on malformed input. */
export function parseSpec(text: string, file: string): SpecCase[] {
  const lines = text.split('\n');
  // A final newline does not make an extra (empty) line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const cases: SpecCase[] = [];
  const names = new Map<string, number>();
  let i = 0;
  const fail = (lineNo: number, msg: string): never => {
    throw new SpecFormatError(file, lineNo, msg);
  };

  // Preamble: blank lines, comments, and file-wide directives (only ref-path).
  let fileRefPath: 'plan9' | undefined;
  while (i < lines.length && !CASE_RE.test(lines[i]!)) {
    const l = lines[i]!;
    if (l.trim() !== '' && !l.startsWith('#')) fail(i + 1, `text before the first case must be blank or a "#" comment: ${JSON.stringify(l)}`);
    if (l.startsWith('## ')) {
      const m = DIRECTIVE_RE.exec(l);
      if (!m || m[1] !== 'ref-path') fail(i + 1, `directive before the first "#### " case line`);
      fileRefPath = parseRefPath(m![2], (msg) => fail(i + 1, msg));
    }
    i++;
  }

  while (i < lines.length) {
    const head = CASE_RE.exec(lines[i]!)!;
    const caseLine = i + 1;
    const name = head[1]!.trim();
    if (name === '') fail(caseLine, 'case has no name');
    const prev = names.get(name);
    if (prev !== undefined) fail(caseLine, `duplicate case name "${name}" (first at line ${prev})`);
    names.set(name, caseLine);
    i++;

    // The script: up to the first "## " line or the next case.
    const script: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith('## ') && !CASE_RE.test(lines[i]!)) {
      script.push(lines[i]!);
      i++;
    }
    while (script.length > 0 && script[script.length - 1]!.trim() === '') script.pop();
    if (script.length === 0) fail(caseLine, `case "${name}" has no script`);

    const seen = new Map<string, number>();
    const values = new Map<string, string>();
    while (i < lines.length && !CASE_RE.test(lines[i]!)) {
      const l = lines[i]!;
      const lineNo = i + 1;
      i++;
      if (l.trim() === '') continue;
      const m = DIRECTIVE_RE.exec(l);
      if (!m) fail(lineNo, `expected a "## key: value" line, a block, a blank line or a "#### " case, got ${JSON.stringify(l)}`);
      const key = m![1]!;
      const rest = m![2];
      const field = fieldOf(key);
      if (!ONE_LINE_KEYS.has(key) && !BLOCK_KEYS.has(key)) {
        fail(lineNo, `unknown directive "## ${key}:"`);
      }
      const dup = seen.get(field);
      if (dup !== undefined) fail(lineNo, `"${field}" given twice in case "${name}" (also at line ${dup})`);
      seen.set(field, lineNo);
      if (BLOCK_KEYS.has(key)) {
        if (rest !== undefined && rest !== '') fail(lineNo, `"## ${key}:" starts a block; put its text on the following lines, ended by "## END"`);
        const body: string[] = [];
        for (;;) {
          if (i >= lines.length) fail(lineNo, `block "## ${key}:" has no "## END"`);
          const b = lines[i]!;
          i++;
          if (b === '## END') break;
          body.push(b + '\n');
        }
        values.set(field, body.join(''));
      } else {
        if (rest === undefined || rest === '') {
          fail(lineNo, `"## ${key}:" needs a value${field === 'stdout' || field === 'stderr' || field === 'stdin' || field.startsWith('ants-std') ? ' (for an empty line use a block)' : ''}`);
        }
        values.set(field, key === 'stdout' || key === 'stderr' || key === 'stdin' || key === 'ants-stdout' || key === 'ants-stderr' ? rest + '\n' : rest!);
      }
    }

    const lineOf = (f: string) => seen.get(f) ?? caseLine;
    const c: SpecCase = {
      file,
      line: caseLine,
      name,
      script: script.join('\n') + '\n',
      expect: {
        stdout: values.get('stdout') ?? '',
        stderr: values.get('stderr') ?? '',
        status: values.has('status') ? parseStatus(values.get('status')!, (m) => fail(lineOf('status'), m)) : 0,
      },
      ants: {},
      flags: values.has('flags') ? words(values.get('flags')!) : [],
      args: values.has('args') ? words(values.get('args')!) : [],
    };
    if (values.has('stdin')) c.stdin = values.get('stdin')!;
    if (values.has('setup')) c.setup = values.get('setup')!;
    if (values.has('ants-stdout')) c.ants.stdout = values.get('ants-stdout')!;
    if (values.has('ants-stderr')) c.ants.stderr = values.get('ants-stderr')!;
    if (values.has('ants-status')) c.ants.status = parseStatus(values.get('ants-status')!, (m) => fail(lineOf('ants-status'), m));
    if (values.has('ref')) {
      const r = /^skip\s+(\S.*)$/.exec(values.get('ref')!);
      if (!r) fail(lineOf('ref'), `"## ref:" must read "## ref: skip <why>"`);
      c.refSkip = r![1]!.trim();
    }
    if (values.has('why')) c.why = values.get('why')!.trim();
    const rp = values.has('ref-path') ? parseRefPath(values.get('ref-path'), (m) => fail(lineOf('ref-path'), m)) : fileRefPath;
    if (rp !== undefined) c.refPath = rp;
    const hasOverride = Object.keys(c.ants).length > 0;
    if ((hasOverride || c.refSkip !== undefined) && !c.why) {
      const at = hasOverride ? Math.min(...['ants-stdout', 'ants-stderr', 'ants-status'].filter((f) => seen.has(f)).map((f) => seen.get(f)!)) : lineOf('ref');
      fail(at, `case "${name}" has ${hasOverride ? 'an ants-... override' : 'a ref: skip'} but no "## why:" line`);
    }
    if (c.why && !hasOverride && c.refSkip === undefined) {
      fail(lineOf('why'), `case "${name}" has "## why:" but no ants-... override or ref: skip to explain`);
    }
    cases.push(c);
  }
  return cases;
}

function formatText(key: string, text: string): string {
  if (text === '') return '';
  if (!text.endsWith('\n')) throw new Error(`cannot write ${key}: text does not end in a newline: ${JSON.stringify(text)}`);
  const body = text.slice(0, -1);
  const lines = body.split('\n');
  if (lines.some((l) => l === '## END')) throw new Error(`cannot write ${key}: a line reads "## END"`);
  if (lines.length === 1 && body !== '' && body.trim() === body) return `## ${key}: ${body}\n`;
  return `## ${key.replace(/std(out|err|in)$/, (s) => s.toUpperCase())}:\n${body}\n## END\n`;
}

/** Write a case back in the .rcspec format (the inverse of parseSpec for one case). */
export function formatCase(c: SpecCase): string {
  let out = `#### ${c.name}\n${c.script.endsWith('\n') ? c.script : c.script + '\n'}`;
  if (c.setup !== undefined) out += `## setup: ${c.setup}\n`;
  if (c.flags.length > 0) out += `## flags: ${c.flags.join(' ')}\n`;
  if (c.args.length > 0) out += `## args: ${c.args.join(' ')}\n`;
  if (c.stdin !== undefined) out += formatText('stdin', c.stdin);
  out += formatText('stdout', c.expect.stdout);
  out += formatText('stderr', c.expect.stderr);
  if (c.expect.status !== 0) out += `## status: ${c.expect.status}\n`;
  if (c.refSkip !== undefined) out += `## ref: skip ${c.refSkip}\n`;
  if (c.refPath !== undefined) out += `## ref-path: ${c.refPath}\n`;
  if (c.ants.stdout !== undefined) out += c.ants.stdout === '' ? '## ants-STDOUT:\n## END\n' : formatText('ants-stdout', c.ants.stdout);
  if (c.ants.stderr !== undefined) out += c.ants.stderr === '' ? '## ants-STDERR:\n## END\n' : formatText('ants-stderr', c.ants.stderr);
  if (c.ants.status !== undefined) out += `## ants-status: ${c.ants.status}\n`;
  if (c.why !== undefined) out += `## why: ${c.why}\n`;
  return out;
}
