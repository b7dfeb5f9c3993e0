/* #| pipes: two ends, write boundaries, backpressure, end of file and closed pipes. */
import { describe, expect, it } from 'vitest';
import { PIPEQSIZE } from '../../ns/dev/pipe.js';
import { fails, setup } from './helpers.js';

describe('#| pipe', () => {
  it('what is written on one end is read on the other, one write per read', async () => {
    const { ns } = await setup();
    const [a, b] = await ns.pipe();
    await a.write(Buffer.from('one'));
    await a.write(Buffer.from('two'));
    expect((await b.read(100)).toString()).toBe('one');
    expect((await b.read(2)).toString()).toBe('tw');
    expect((await b.read(100)).toString()).toBe('o');
    await b.write(Buffer.from('back'));
    expect((await a.read(100)).toString()).toBe('back');
  });

  it('a reader sees end of file once the other end is closed and drained', async () => {
    const { ns } = await setup();
    const [a, b] = await ns.pipe();
    const pending = b.read(100);
    await a.write(Buffer.from('last'));
    a.close();
    expect((await pending).toString()).toBe('last');
    expect((await b.read(100)).length).toBe(0);
  });

  it('writing when the other end is closed fails: write on closed pipe', async () => {
    const { ns } = await setup();
    const [a, b] = await ns.pipe();
    b.close();
    expect(await fails(a.write(Buffer.from('x')))).toBe('write on closed pipe');
  });

  it('a writer waits while the pipe is full (backpressure)', async () => {
    const { ns } = await setup();
    const [a, b] = await ns.pipe();
    await a.write(Buffer.alloc(PIPEQSIZE));
    let done = false;
    const w = a.write(Buffer.from('more')).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    expect((await b.read(PIPEQSIZE)).length).toBe(PIPEQSIZE);
    await w;
    expect(done).toBe(true);
    expect((await b.read(10)).toString()).toBe('more');
  });

  it('each attach is a new pipe, with data and data1', async () => {
    const { ns } = await setup();
    expect((await ns.readdir('#|')).map((d) => d.name)).toEqual(['data', 'data1']);
    const a = await ns.open('#|/data', 2);
    const c = await ns.open('#|/data1', 2);
    await a.write(Buffer.from('x'));
    const r = c.read(10);
    const timeout = new Promise((res) => setTimeout(() => res('blocked'), 20));
    expect(await Promise.race([r, timeout])).toBe('blocked');
  });
});
