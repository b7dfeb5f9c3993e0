// Programs after a reroot: host programs see only host files (test/hostpolicy/*.rcspec,
// run by ants-rc with $ANTS_BIN naming it, so a case can start a second ants-rc to serve
// a directory), and /dev/consctl's raw mode lasting while the consctl that asked is open.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Kernel } from '../ns/kernel.js';
import { OWRITE } from '../ns/types.js';
import { scenarioSuite } from './scenario-run.js';

const here = dirname(fileURLToPath(import.meta.url));
scenarioSuite(join(here, 'hostpolicy'), () => ({ ANTS_BIN: join(here, '..', 'bin', 'ants-rc.js') }));

describe('consctl', () => {
  async function console() {
    const heard: string[] = [];
    const k = new Kernel({
      user: 'glenda', sysname: 'cirno', srvDir: null,
      console: { read: async () => Buffer.alloc(0), write: (d) => d.length, ctl: (m) => heard.push(m) },
    });
    const p = await k.init(['rc']);
    const open = () => p.ns.open('#c/consctl', OWRITE);
    return { heard, open };
  }

  test('rawon holds the console raw until rawoff', async () => {
    const { heard, open } = await console();
    const c = await open();
    await c.write(Buffer.from('rawon'));
    expect(heard).toEqual(['rawon']);
    await c.write(Buffer.from('rawoff\n'));
    expect(heard).toEqual(['rawon', 'rawoff']);
    c.close();
    expect(heard).toEqual(['rawon', 'rawoff']);
  });

  test('closing the consctl that asked for raw mode ends it, once the last such is closed', async () => {
    const { heard, open } = await console();
    const a = await open();
    const b = await open();
    await a.write(Buffer.from('rawon\n'));
    await b.write(Buffer.from('rawon\n'));
    a.close();
    expect(heard).toEqual(['rawon']);
    b.close();
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual(['rawon', 'rawoff']);
  });

  test('other messages pass through; a consctl that never asked changes nothing when closed', async () => {
    const { heard, open } = await console();
    const c = await open();
    await c.write(Buffer.from('holdon\n'));
    c.close();
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual(['holdon']);
  });
});
