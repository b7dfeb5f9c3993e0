/* Bad input never throws anything but NsError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packDir, unpackDirs } from '../../ns/dirfmt.js';
import { NsError, OREAD } from '../../ns/types.js';
import { setup } from './helpers.js';

const settle = async (p: () => Promise<unknown>): Promise<void> => {
  try {
    await p();
  } catch (e) {
    expect(e).toBeInstanceOf(NsError);
    expect((e as Error).message).not.toMatch(/TypeError|ReferenceError|Cannot read properties|\n\s+at /);
  }
};

describe('robustness', () => {
  it('any ns line, any path: only NsErrors', async () => {
    const { ns } = await setup();
    const word = fc.oneof(
      fc.constantFrom('bind', 'mount', 'unmount', 'cd', '-a', '-b', '-c', '-abc', '#', '#|', '#c', '#s/ramfs', '/tmp', "'", '/', '..', '#U', '#p/1/ns'),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 5 }), async (ws) => {
        const line = ws.join(' ');
        await settle(() => ns.applyNsLine(line));
        await settle(() => ns.stat(line));
        await settle(() => ns.open(ws.join('/'), OREAD).then((c) => c.close()));
        await settle(() => ns.readdir('/' + ws.join('/')));
        expect(typeof (ns.hostPath(line) ?? '')).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('malformed stat buffers: malformed stat buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        try {
          unpackDirs(Buffer.from(b));
        } catch (e) {
          expect(e).toBeInstanceOf(NsError);
        }
      }),
    );
  });

  it('stat entries round-trip: unpack(pack(d)) = d', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const dir = fc.record({
      type: fc.integer({ min: 0, max: 0xffff }), dev: u32,
      qid: fc.record({ type: fc.integer({ min: 0, max: 255 }), vers: u32, path: fc.maxSafeNat() }),
      mode: u32, atime: u32, mtime: u32, length: fc.maxSafeNat(),
      name: fc.string({ maxLength: 20 }), uid: fc.string({ maxLength: 8 }), gid: fc.string({ maxLength: 8 }), muid: fc.string({ maxLength: 8 }),
    });
    fc.assert(fc.property(fc.array(dir, { maxLength: 4 }), (ds) => {
      const b = Buffer.concat(ds.map(packDir));
      expect(unpackDirs(b)).toEqual(ds);
    }));
  });
});
