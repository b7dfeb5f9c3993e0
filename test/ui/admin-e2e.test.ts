// ants-rc --root on a terminal: the built binary in a pseudo-terminal, its root served by
// another ants-rc. The status line names the root and says when it has hung up; `admin`
// is a nested session with its own prompt and label that exit leaves; a root that
// cannot be reached leaves the user at an admin prompt, in the Ink UI and the plain reader.
import { afterEach, describe, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atPrompt, BIN, row, Screen, status, statusHas, statusLacks, type Options } from './pty.js';

const ENTER = '\r';

const built = fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'bundle', 'batch.cjs'));

const screens: Screen[] = [];
const servers: ChildProcess[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.kill();
  for (const p of servers.splice(0)) p.kill('SIGKILL');
});

function start(home: string, o: Partial<Options> = {}): Screen {
  const s = new Screen({ home, ...o, env: { ANTS_NET: 'local', NAMESPACE: path.join(home, '.ns'), ...o.env } });
  screens.push(s);
  return s;
}

/** A root served by another ants-rc as /srv/name in home's $NAMESPACE; resolves when it is up. */
async function serveRoot(home: string, name: string): Promise<ChildProcess> {
  const fsDir = path.join(home, 'fs');
  fs.mkdirSync(path.join(fsDir, 'usr'), { recursive: true });
  fs.writeFileSync(path.join(fsDir, 'usr', 'note'), 'on the root\n');
  const up = path.join(home, 'up');
  const p = spawn(process.execPath, [BIN, '-c', `srvfs ${name} ${fsDir}; touch ${up}; sleep 1000`], {
    env: { PATH: process.env.PATH, HOME: home, NAMESPACE: path.join(home, '.ns'), ANTS_NET: 'local' },
    stdio: 'ignore',
  });
  servers.push(p);
  const deadline = Date.now() + 15_000;
  while (!fs.existsSync(up)) {
    if (Date.now() > deadline) throw new Error('the root server never came up');
    await new Promise((r) => setTimeout(r, 20));
  }
  return p;
}

const mkhome = () => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ants-admin-')));

describe.skipIf(!built)('--root in the Ink UI', () => {
  it('names the root on the status line, says when it hung up, and admin comes and goes', async () => {
    const home = mkhome();
    const server = await serveRoot(home, 'fsU');
    const s = start(home, { args: ['--root', 'fsU'] });
    await s.waitFor(statusHas('root fsU'), 15_000);
    await s.waitFor(atPrompt('%'));
    await s.type('cat /usr/note', ENTER);
    await s.waitFor(row('on the root'));
    server.kill('SIGKILL');
    await s.type('ls /usr', ENTER);
    await s.waitFor(/ls: \/usr: .*i\/o on hungup channel/);
    await s.waitFor(statusHas('root fsU (hung up)'));
    await s.type('admin', ENTER);
    await s.waitFor(atPrompt('admin%'));
    await s.waitFor(statusHas('admin'));
    await s.type('ls /dev/cons /root', ENTER);
    await s.waitFor(row('/dev/cons'));
    await s.type('exit', ENTER);
    await s.waitFor(atPrompt('%'));
    await s.waitFor(statusLacks('admin'));
  }, 60_000);

  it('drops to an admin shell when the root cannot be reached', async () => {
    const home = mkhome();
    const s = start(home, { args: ['--root', 'unix!/nonexistent'] });
    await s.waitFor(row("ants-rc: can't mount root unix!/nonexistent: file does not exist"), 15_000);
    await s.waitFor(atPrompt('admin%'));
    await s.type('ls /boot/namespace.admin', ENTER);
    await s.waitFor(row('/boot/namespace.admin'));
  }, 60_000);
});

describe.skipIf(!built)('--root in the plain reader', () => {
  it('drops to an admin shell when the root cannot be reached, and admin nests there too', async () => {
    const home = mkhome();
    const s = start(home, { args: ['--root', 'unix!/nonexistent'], env: { TERM: 'dumb' } });
    await s.waitFor(row("ants-rc: can't mount root unix!/nonexistent: file does not exist"), 15_000);
    await s.waitFor((l) => l.some((r) => r.startsWith('admin%')));
    await s.type("admin -c 'echo nested $prompt(1)'", ENTER);
    await s.waitFor(row('nested admin%'));
  }, 60_000);
});
