// The README is a test: every rc example in README.md is typed, one command at a time, into
// a fresh interactive ants-rc (the plain reader, `-i` on a pipe) started in the repository
// with a scratch $home (holding an empty lib/) and $NAMESPACE, and what it prints (standard
// output and error together) is compared with the lines shown under the command.
//
// In a ```rc block a line starting `% ` is typed; so are the lines after it while the command
// is incomplete (a here document's body and its terminator); the lines up to the next `% `
// are its output. Placeholders in output: `<home>` is the scratch $home, `<date>` a date as
// ls -l prints one, `<…>` any text on the rest of the line, and any other `<word>` one blank-free
// word (a pid, an address, a user name). A command whose comment says `not run:` needs a
// second machine or a host service; it is shown, not typed, and the reason is its comment.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseLines } from '../shell/parse.js';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'ants-rc.js');
const MARK = '\u0001readme-prompt\u0001';

interface Example {
  line: number;
  input: string;
  output: string[];
  notRun?: string;
}

interface Block {
  file: string;
  line: number;
  examples: Example[];
}

/** The ```rc blocks of a Markdown file, as typed commands and the output shown under each. */
export function rcBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```rc') continue;
    const block: Block = { file, line: i + 1, examples: [] };
    // A block inside a list item is indented as its fence is.
    const indent = lines[i].indexOf('`');
    let j = i + 1;
    for (let k = j; k < lines.length && lines[k].trim() !== '```'; k++) lines[k] = lines[k].slice(indent);
    while (j < lines.length && lines[j].trim() !== '```') {
      if (!lines[j].startsWith('% ')) throw new Error(`${file}:${j + 1}: output with no command before it`);
      const ex: Example = { line: j + 1, input: lines[j].slice(2) + '\n', output: [] };
      j++;
      while (j < lines.length && lines[j].trim() !== '```' && needsMore(ex.input)) ex.input += lines[j++] + '\n';
      while (j < lines.length && lines[j].trim() !== '```' && !lines[j].startsWith('% ')) ex.output.push(lines[j++]);
      const skip = /#\s*not run:\s*(.*)$/.exec(ex.input.split('\n')[0]);
      if (skip) ex.notRun = skip[1];
      block.examples.push(ex);
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/** A regular expression for shown output, its placeholders opened up. */
export function shownToRegExp(shown: string, home: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let re = '';
  let last = 0;
  for (const m of shown.matchAll(/<(home|date|…|[a-z][a-z0-9-]*)>/g)) {
    re += esc(shown.slice(last, m.index));
    const name = m[1];
    re += name === 'home' ? esc(home) : name === 'date' ? '[A-Z][a-z]{2} +\\d{1,2} +(\\d\\d:\\d\\d|\\d{4})' : name === '…' ? '[^\\n]*' : '\\S+';
    last = m.index + m[0].length;
  }
  return new RegExp('^' + re + esc(shown.slice(last)) + '$');
}

/** Type each example into one fresh ants-rc, waiting for the prompt between them; the output of each. */
async function session(examples: Example[], home: string): Promise<string[]> {
  const p = spawn('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, BIN, '-i'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      NAMESPACE: path.join(home, '.ns'),
      LANG: 'C.UTF-8',
      ANTS_NET: 'local',
    },
  });
  let out = '';
  const waiters: Array<() => void> = [];
  p.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    for (const w of waiters.splice(0)) w();
  });
  const ended = new Promise<void>((res) => p.on('close', () => res()));
  const prompts = () => out.split(MARK).length - 1;
  const until = (n: number) =>
    new Promise<void>((res) => {
      const check = () => (prompts() >= n || p.exitCode !== null ? res() : waiters.push(check));
      check();
      void ended.then(res);
      // A hang guard, not a timing: a command that never gives the prompt back fails its example.
      setTimeout(res, 20_000).unref();
    });
  p.stdin.write(`prompt=('${MARK}' '')\n`);
  await until(1);
  const run = examples.filter((e) => !e.notRun);
  for (let i = 0; i < run.length; i++) {
    p.stdin.write(run[i].input);
    await until(i + 2);
    if (prompts() < i + 2) break;
  }
  p.kill('SIGKILL');
  await ended;
  return out.split(MARK).slice(1);
}

const docs = ['README.md'];
for (const doc of docs) {
  describe(doc, () => {
    for (const b of rcBlocks(doc, fs.readFileSync(path.join(ROOT, doc), 'utf8'))) {
      test(`the rc example at line ${b.line}`, async () => {
        const home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-readme-')));
        fs.mkdirSync(path.join(home, 'lib'));
        try {
          const got = await session(b.examples, home);
          // One transcript each, so a failure shows every example of the block; where a
          // command's output matches, the shown text stands in for it.
          let want = '';
          let have = '';
          b.examples
            .filter((e) => !e.notRun)
            .forEach((e, i) => {
              const shown = e.output.map((l) => l + '\n').join('');
              const out = got[i] ?? '(the prompt never came back)\n';
              want += `${doc}:${e.line}: % ${e.input}${shown}`;
              have += `${doc}:${e.line}: % ${e.input}${shownToRegExp(shown, home).test(out) ? shown : out}`;
            });
          expect(have).toBe(want);
        } finally {
          // A hub host told to quit ends a moment later, taking its files out of $NAMESPACE
          // as the directory is being removed: try again rather than fail on that race.
          fs.rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
        }
      }, 60_000);
      for (const e of b.examples.filter((x) => x.notRun)) test.skip(`${doc}:${e.line}: not run: ${e.notRun}`, () => {});
    }
  });
}

test('the README convention: commands, continuation lines, output, placeholders, not run', () => {
  const [b] = rcBlocks('x.md', '```rc\n% cat <<END\n<home> x\nEND\n<home> x\n% echo hi # not run: needs a host\nhi\n```\n');
  expect(b.examples).toEqual([
    { line: 2, input: 'cat <<END\n<home> x\nEND\n', output: ['<home> x'] },
    { line: 6, input: 'echo hi # not run: needs a host\n', output: ['hi'], notRun: 'needs a host' },
  ]);
  expect(shownToRegExp('--rw- M <n> <user> 3 <date> /h/<home>/<…>\n', '/h').test('--rw- M 12 glenda 3 Nov  3 10:00 /h//h/a b\n')).toBe(true);
  expect(shownToRegExp('<pid>\n', '/h').test('1 2\n')).toBe(false);
});

/** The input stops inside a command or a here document: a reader asks for more. */
function needsMore(text: string): boolean {
  const p = parseLines(text);
  return (p.error?.incomplete ?? false) || (!p.error && (p.openHeredoc === true || text.endsWith('\\\n')));
}
