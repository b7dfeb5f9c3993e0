// rerootwin in the Ink UI (issue 15): the session moves onto a root served by a second
// ants-rc process (srvfs in a private $NAMESPACE) and keeps its terminal. The same Ink
// session goes on with the rerooted shell as its foreground: the status line says
// `root NAME`, Tab completes the root's files, Ctrl-C ends a command there without
// leaving the root, and Ctrl-D comes back to the caller's namespace.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atPrompt, BIN, row, Screen, status, statusHas, statusLacks } from './pty.js';

const ENTER = '\r';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const TAB = '\t';
const UP = '\x1b[A';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));

const screens: Screen[] = [];
const servers: ChildProcess[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
  for (const p of servers.splice(0)) p.kill('SIGKILL');
});


/** A second ants-rc serving dir as /srv/name in the srv directory ns; resolves once it is posted. */
async function serve(home: string, ns: string, name: string, dir: string): Promise<void> {
  const up = path.join(home, 'up');
  const p = spawn(process.execPath, [BIN, '-c', `srvfs ${name} ${dir}; touch ${up}; sleep 1000`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NAMESPACE: ns, ANTS_NET: 'local' },
    stdio: 'ignore',
  });
  servers.push(p);
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(up)) {
    if (Date.now() > deadline || p.exitCode !== null) throw new Error(`the server for ${name} never posted it`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!built)('rerootwin in the Ink UI', () => {
  it('status line, completion of the root’s files, Ctrl-C on the root, Ctrl-D back', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-reroot-ui-'));
    const ns = path.join(home, 'ns');
    fs.mkdirSync(ns, { mode: 0o700 });
    const root = path.join(home, 'fs');
    // The root has a home for this user, so $home moves there; history must not.
    for (const d of ['lib', 'bin', path.join('usr', os.userInfo().username)]) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'rootfile-unique.txt'), 'on the served root\n');
    await serve(home, ns, 'fsR', root);

    const s = new Screen({ home, env: { NAMESPACE: ns, ANTS_NET: 'local' } });
    screens.push(s);
    await s.waitFor(atPrompt('%'));
    await s.type('rerootwin fsR; echo rerootwin said $status', ENTER);
    await s.waitFor((l) => atPrompt('%')(l) && statusHas('root fsR')(l));
    // The label and $rootsrc name the same root: said once.
    expect(status(s.lines()).split('root fsR').length).toBe(2);

    // History is still the host's: the line typed before is there, and what is typed here goes to it.
    await s.type('echo home $home', ENTER);
    await s.waitFor(row(`home /usr/${os.userInfo().username}`));
    await s.waitFor(atPrompt('%'));
    await s.type(UP, UP);
    await s.waitFor(row('% rerootwin fsR; echo rerootwin said $status'));
    await s.type(CTRL_C);
    await s.waitFor(atPrompt('%'));
    expect(fs.readFileSync(path.join(home, 'lib/ants/history'), 'utf8')).toContain('echo home $home\n');

    // Tab asks the rerooted namespace: /lib is the served root's.
    await s.type('cat /lib/rootfile-u', TAB);
    await s.waitFor(row('% cat /lib/rootfile-unique.txt'));
    await s.type(ENTER);
    await s.waitFor(row('on the served root'));

    // Ctrl-C ends a command busy on the root; the session stays there and the root still answers.
    await s.waitFor(atPrompt('%'));
    await s.type('echo started; while() cat /lib/rootfile-unique.txt >/dev/null; echo after', ENTER);
    await s.waitFor(row('started'));
    s.write(CTRL_C);
    await s.waitFor((l) => atPrompt('%')(l) && status(l).endsWith('root fsR · status interrupted'), 10_000);
    expect(s.lines()).not.toContain('after');
    await s.type('wc -l /lib/rootfile-unique.txt', ENTER);
    await s.waitFor((l) => l.some((r) => /^ *1 \/lib\/rootfile-unique\.txt$/.test(r.trimEnd())));
    await s.waitFor((l) => atPrompt('%')(l) && statusHas('root fsR')(l));

    // Ctrl-D: back in the caller's namespace, whose command goes on.
    await s.type(CTRL_D);
    await s.waitFor(row('rerootwin said'));
    await s.waitFor((l) => atPrompt('%')(l) && statusLacks('root fsR')(l));
    await s.type('test -e /lib/rootfile-unique.txt || echo host root again', ENTER);
    await s.waitFor(row('host root again'));
  });
});
