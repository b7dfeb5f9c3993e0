/*
 * The 9P codec's laws: decode(encode(m)) = m for every message type; encodeParts is
 * encode split at the payload; and any byte string — random, or a valid message cut
 * short, lengthened or corrupted — decodes or throws P9Error, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodeParts, P9Error } from '../../ns/9p/codec.js';
import { type Fcall, type FcallType, TYPES } from '../../ns/9p/fcall.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.maxSafeNat();
const u64n = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const str = fc.string({ unit: 'binary', maxLength: 40 });
const qid = fc.record({ type: u8, vers: u32, path: u64 });
const data = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
const dir = fc.record({
  type: u16, dev: u32, qid, mode: u32, atime: u32, mtime: u32, length: u64,
  name: str, uid: str, gid: str, muid: str,
});
const attr = fc.record({
  valid: u64, qid, mode: u32, uid: u32, gid: u32, nlink: u64, rdev: u64, size: u64, blksize: u64, blocks: u64,
  atimeSec: u64, atimeNsec: u64, mtimeSec: u64, mtimeNsec: u64, ctimeSec: u64, ctimeNsec: u64,
  btimeSec: u64, btimeNsec: u64, gen: u64, dataVersion: u64,
});
const setattr = fc.record({
  valid: u32, mode: u32, uid: u32, gid: u32, size: u64, atimeSec: u64, atimeNsec: u64, mtimeSec: u64, mtimeNsec: u64,
});
const statfs = fc.record({
  type: u32, bsize: u32, blocks: u64, bfree: u64, bavail: u64, files: u64, ffree: u64, fsid: u64, namelen: u32,
});
const dirent = fc.record({ qid, offset: u64n, dtype: u8, name: str });
const none = fc.constant({});

/** The body of each message type. */
const BODIES: Record<FcallType, fc.Arbitrary<object>> = {
  Tversion: fc.record({ msize: u32, version: str }),
  Rversion: fc.record({ msize: u32, version: str }),
  Tauth: fc.record({ afid: u32, uname: str, aname: str, nUname: u32 }, { requiredKeys: ['afid', 'uname', 'aname'] }),
  Rauth: fc.record({ aqid: qid }),
  Tattach: fc.record({ fid: u32, afid: u32, uname: str, aname: str, nUname: u32 }, { requiredKeys: ['fid', 'afid', 'uname', 'aname'] }),
  Rattach: fc.record({ qid }),
  Rerror: fc.record({ ename: str }),
  Tflush: fc.record({ oldtag: u16 }),
  Rflush: none,
  Twalk: fc.record({ fid: u32, newfid: u32, wname: fc.array(str, { maxLength: 16 }) }),
  Rwalk: fc.record({ wqid: fc.array(qid, { maxLength: 16 }) }),
  Topen: fc.record({ fid: u32, mode: u8 }),
  Ropen: fc.record({ qid, iounit: u32 }),
  Tcreate: fc.record({ fid: u32, name: str, perm: u32, mode: u8 }),
  Rcreate: fc.record({ qid, iounit: u32 }),
  Tread: fc.record({ fid: u32, offset: u64, count: u32 }),
  Rread: fc.record({ data }),
  Twrite: fc.record({ fid: u32, offset: u64, data }),
  Rwrite: fc.record({ count: u32 }),
  Tclunk: fc.record({ fid: u32 }),
  Rclunk: none,
  Tremove: fc.record({ fid: u32 }),
  Rremove: none,
  Tstat: fc.record({ fid: u32 }),
  Rstat: fc.record({ stat: dir }),
  Twstat: fc.record({ fid: u32, stat: dir }),
  Rwstat: none,
  Tlerror: none,
  Rlerror: fc.record({ ecode: u32 }),
  Tstatfs: fc.record({ fid: u32 }),
  Rstatfs: fc.record({ statfs }),
  Tlopen: fc.record({ fid: u32, flags: u32 }),
  Rlopen: fc.record({ qid, iounit: u32 }),
  Tlcreate: fc.record({ fid: u32, name: str, flags: u32, mode: u32, gid: u32 }),
  Rlcreate: fc.record({ qid, iounit: u32 }),
  Trename: fc.record({ fid: u32, dfid: u32, name: str }),
  Rrename: none,
  Tgetattr: fc.record({ fid: u32, mask: u64 }),
  Rgetattr: fc.record({ attr }),
  Tsetattr: fc.record({ fid: u32, attr: setattr }),
  Rsetattr: none,
  Treaddir: fc.record({ fid: u32, offset: u64n, count: u32 }),
  Rreaddir: fc.record({ entries: fc.array(dirent, { maxLength: 8 }) }),
  Tfsync: fc.record({ fid: u32 }),
  Rfsync: none,
  Tmkdir: fc.record({ dfid: u32, name: str, mode: u32, gid: u32 }),
  Rmkdir: fc.record({ qid }),
  Trenameat: fc.record({ olddirfid: u32, oldname: str, newdirfid: u32, newname: str }),
  Rrenameat: none,
  Tunlinkat: fc.record({ dirfid: u32, name: str, flags: u32 }),
  Runlinkat: none,
};

const message = (type: FcallType): fc.Arbitrary<Fcall> =>
  fc.tuple(u16, BODIES[type]).map(([tag, body]) => ({ type, tag, ...body }) as Fcall);
const anyMessage = fc.constantFrom(...(Object.keys(TYPES) as FcallType[])).chain(message);

/** decode must succeed or throw P9Error. */
function decodesOrBotches(b: Buffer): void {
  try {
    decode(b);
  } catch (e) {
    if (!(e instanceof P9Error)) throw e;
  }
}

describe('9P codec', () => {
  for (const type of Object.keys(TYPES) as FcallType[]) {
    it(`decode(encode(m)) = m for ${type}`, () => {
      fc.assert(
        fc.property(message(type), (m) => {
          const b = encode(m);
          expect(b.readUInt32LE(0)).toBe(b.length);
          expect(b[4]).toBe(TYPES[type]);
          expect(decode(b)).toEqual(m);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('encodeParts is encode, split before a Twrite or Rread payload', () => {
    fc.assert(
      fc.property(anyMessage, (m) => {
        const parts = encodeParts(m);
        expect(Buffer.concat(parts)).toEqual(encode(m));
        if ((m.type === 'Twrite' || m.type === 'Rread') && m.data.length > 0) expect(parts[1]).toBe(m.data);
      }),
    );
  });

  it('random byte strings decode or throw P9Error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (a) => decodesOrBotches(Buffer.from(a))), { numRuns: 2000 });
  });

  it('random bodies behind a valid header decode or throw P9Error', () => {
    const framed = fc.tuple(fc.constantFrom(...Object.values(TYPES)), u16, fc.uint8Array({ maxLength: 120 })).map(([t, tag, body]) => {
      const b = Buffer.alloc(7 + body.length);
      b.writeUInt32LE(b.length, 0);
      b[4] = t;
      b.writeUInt16LE(tag, 5);
      b.set(body, 7);
      return b;
    });
    fc.assert(fc.property(framed, decodesOrBotches), { numRuns: 3000 });
  });

  it('valid messages cut short, extended or corrupted decode or throw P9Error', () => {
    fc.assert(
      fc.property(anyMessage, fc.nat(), fc.nat(), u8, (m, cut, at, byte) => {
        const b = encode(m);
        const short = b.subarray(0, cut % b.length);
        decodesOrBotches(short);
        const fixed = Buffer.from(short);
        if (fixed.length >= 4) fixed.writeUInt32LE(fixed.length, 0);
        decodesOrBotches(fixed);
        const long = Buffer.concat([b, Buffer.from([byte])]);
        long.writeUInt32LE(long.length, 0);
        decodesOrBotches(long);
        const bad = Buffer.from(b);
        if (bad.length > 4) bad[4 + (at % (bad.length - 4))] = byte;
        decodesOrBotches(bad);
      }),
      { numRuns: 2000 },
    );
  });

  it('a size field that disagrees with the buffer is a botch', () => {
    const b = encode({ type: 'Tclunk', tag: 1, fid: 2 });
    b.writeUInt32LE(b.length + 1, 0);
    expect(() => decode(b)).toThrow(P9Error);
    expect(() => decode(b)).toThrow('9P protocol botch');
  });

  it('an unknown type number is named', () => {
    const b = Buffer.from([7, 0, 0, 0, 99, 0, 0]);
    expect(() => decode(b)).toThrow('unknown 9P message type');
  });
});
