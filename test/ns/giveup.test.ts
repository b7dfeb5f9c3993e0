/*
 * A reader that gives up takes nothing (issue 12): a read waiting on a queue, when its
 * signal fires, fails with `interrupted` and leaves the queue as it was, so what is
 * written next goes whole to the next reader. The shell's pipes, #| and a conversation's
 * queue alike.
 */
import { describe, expect, it } from 'vitest';
import { Pipe } from '../../ns/dev/pipe.js';
import { ByteQueue } from '../../ns/net/queue.js';
import { PipeBuf } from '../../ns/pipebuf.js';
import { fails } from './helpers.js';

interface Reads {
  read(n: number, signal?: AbortSignal): Promise<Buffer>;
  write(b: Buffer): Promise<unknown>;
}

async function givenUpTakesNothing(q: Reads): Promise<void> {
  const ac = new AbortController();
  const gaveUp = fails(q.read(100, ac.signal));
  const second = q.read(100);
  ac.abort();
  expect(await gaveUp).toBe('interrupted');
  await q.write(Buffer.from('all of it'));
  expect((await second).toString()).toBe('all of it');
  // A signal fired before the read starts: nothing is taken even with data there.
  await q.write(Buffer.from('still there'));
  expect(await fails(q.read(100, AbortSignal.abort()))).toBe('interrupted');
  expect((await q.read(100)).toString()).toBe('still there');
}

describe('a read given up takes nothing', () => {
  it('from a shell pipe (PipeBuf)', async () => {
    const p = new PipeBuf();
    const { r, w } = p.ends();
    await givenUpTakesNothing({ read: (n, s) => p.read(n, s), write: (b) => w.write(b) });
    r.close();
  });

  it('from #| (a pipe device queue)', async () => {
    const p = new Pipe();
    const a = p.open(0);
    const b = p.open(1);
    await givenUpTakesNothing({ read: (n, s) => b.read(0, n, s), write: (d) => a.write(0, d) });
  });

  it('from a conversation queue, and getv too', async () => {
    const q = new ByteQueue(1 << 16);
    await givenUpTakesNothing({ read: (n, s) => q.get(n, s), write: (b) => q.put(b) });
    const ac = new AbortController();
    const gaveUp = fails(q.getv(100, ac.signal));
    ac.abort();
    expect(await gaveUp).toBe('interrupted');
    q.push(Buffer.from('v'));
    expect((await q.getv(100)).map(String)).toEqual(['v']);
  });
});
