/*
 * Transcript tests: recorded, byte-exact 9P exchanges with the server (serving a ramfs
 * whose clock is stopped), one for each message. transcripts.txt holds them: `>` lines
 * are what the client sends and `<` lines what the server must answer, in hex with the
 * fields spaced (size type tag ...); `#` lines say what each exchange is. The requests
 * are replayed in order on one connection and every reply must match to the byte.
 *
 * UPDATE_TRANSCRIPTS=1 rewrites the file from the requests in SCRIPT below (then check
 * the diff by hand: the point of a transcript is that a person has read it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decode, encode } from '../../ns/9p/codec.js';
import { type Fcall, NOFID, NOTAG } from '../../ns/9p/fcall.js';
import { serve } from '../../ns/9p/server.js';
import { Ramfs } from '../../ns/srv/ramfs.js';

const FILE = path.join(__dirname, 'transcripts.txt');
const T = 1_700_000_000_000;

/** The exchanges: a title and the requests, each answered by one reply (Tflush by its own). */
const SCRIPT: Array<[string, (Fcall | Buffer)[]]> = [
  ['version: msize is lowered to the server\'s; 9P2000.u is answered 9P2000', [
    { type: 'Tversion', tag: NOTAG, msize: 1 << 20, version: '9P2000.u' },
    { type: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' },
  ]],
  ['auth: a server without a key needs none', [{ type: 'Tauth', tag: 1, afid: 9, uname: 'glenda', aname: '' }]],
  ['attach, and attach again to a fid in use', [
    { type: 'Tattach', tag: 1, fid: 1, afid: NOFID, uname: 'glenda', aname: '' },
    { type: 'Tattach', tag: 1, fid: 1, afid: NOFID, uname: 'glenda', aname: '' },
  ]],
  ['walk: clone; a name that is not there', [
    { type: 'Twalk', tag: 2, fid: 1, newfid: 2, wname: [] },
    { type: 'Twalk', tag: 2, fid: 1, newfid: 3, wname: ['nope'] },
  ]],
  ['create a directory, then a file in it', [
    { type: 'Tcreate', tag: 3, fid: 2, name: 'dir', perm: 0x800001ed, mode: 0 },
    { type: 'Twalk', tag: 3, fid: 1, newfid: 3, wname: ['dir'] },
    { type: 'Tcreate', tag: 3, fid: 3, name: 'file', perm: 0o644, mode: 2 },
  ]],
  ['write, then read at offsets', [
    { type: 'Twrite', tag: 4, fid: 3, offset: 0, data: Buffer.from('hello, 9P') },
    { type: 'Tread', tag: 4, fid: 3, offset: 7, count: 100 },
    { type: 'Tread', tag: 4, fid: 3, offset: 100, count: 100 },
  ]],
  ['stat, wstat (rename, truncate), stat again', [
    { type: 'Tstat', tag: 5, fid: 3 },
    { type: 'Twstat', tag: 5, fid: 3, stat: {
      type: 0xffff, dev: 0xffffffff, qid: { type: 0xff, vers: 0xffffffff, path: 2 ** 64 }, mode: 0xffffffff,
      atime: 0xffffffff, mtime: 0xffffffff, length: 5, name: 'renamed', uid: '', gid: '', muid: '' } },
    { type: 'Tstat', tag: 5, fid: 3 },
  ]],
  ['open: a walk to the file, opened for reading; a directory read', [
    { type: 'Twalk', tag: 6, fid: 1, newfid: 4, wname: ['dir', 'renamed'] },
    { type: 'Topen', tag: 6, fid: 4, mode: 0 },
    { type: 'Twrite', tag: 6, fid: 4, offset: 0, data: Buffer.from('x') },
    { type: 'Twalk', tag: 6, fid: 1, newfid: 5, wname: ['dir'] },
    { type: 'Topen', tag: 6, fid: 5, mode: 0 },
    { type: 'Tread', tag: 6, fid: 5, offset: 0, count: 8000 },
  ]],
  ['flush of a tag not in flight', [{ type: 'Tflush', tag: 7, oldtag: 1 }]],
  ['clunk, and clunk of an unknown fid', [
    { type: 'Tclunk', tag: 8, fid: 5 },
    { type: 'Tclunk', tag: 8, fid: 5 },
  ]],
  ['remove: a full directory, then its file, then it', [
    { type: 'Twalk', tag: 9, fid: 1, newfid: 6, wname: ['dir'] },
    { type: 'Tremove', tag: 9, fid: 6 },
    { type: 'Tremove', tag: 9, fid: 4 },
    { type: 'Twalk', tag: 9, fid: 1, newfid: 6, wname: ['dir'] },
    { type: 'Tremove', tag: 9, fid: 6 },
  ]],
  ['a message that does not decode; an R-message sent to the server', [
    Buffer.from('0c0000006e0a00010000000200', 'hex').subarray(0, 12),
    { type: 'Rclunk', tag: 11 },
  ]],
];

/** Hex with the 9P header split out: size type tag | body. */
function hex(b: Buffer): string {
  const h = b.toString('hex');
  return [h.slice(0, 8), h.slice(8, 10), h.slice(10, 14), h.slice(14)].filter(Boolean).join(' ');
}

function summary(b: Buffer): string {
  try {
    const f = decode(b) as Record<string, unknown>;
    return JSON.stringify(f, (k, v) => (k === 'data' && v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
  } catch {
    return '(malformed)';
  }
}

/** A server on an in-memory stream: push requests in, collect replies. */
function server(): { send(b: Buffer): void; replies: Buffer[] } {
  const replies: Buffer[] = [];
  const d = new Duplex({
    read() {},
    write(chunk: Buffer, _e, cb) {
      replies.push(Buffer.from(chunk));
      cb();
    },
    writev(chunks, cb) {
      replies.push(Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
      cb();
    },
  });
  serve(new Ramfs('glenda'), d, { msize: 8192 });
  return { send: (b) => d.push(b), replies };
}

const settle = () => new Promise((r) => setImmediate(r));

async function record(): Promise<string> {
  const s = server();
  const out: string[] = [];
  for (const [title, reqs] of SCRIPT) {
    out.push('# ' + title);
    for (const r of reqs) {
      const b = Buffer.isBuffer(r) ? r : encode(r);
      const before = s.replies.length;
      s.send(b);
      for (let i = 0; i < 20 && s.replies.length === before; i++) await settle();
      out.push('> ' + hex(b), ...s.replies.slice(before).map((rep) => '< ' + hex(rep) + '\n#   ' + summary(rep)));
    }
    out.push('');
  }
  return out.join('\n');
}

describe('9P transcripts', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T);
  });
  afterAll(() => vi.useRealTimers());

  it('the server answers each recorded request byte for byte', async () => {
    if (process.env.UPDATE_TRANSCRIPTS) fs.writeFileSync(FILE, await record());
    const text = fs.readFileSync(FILE, 'utf8');
    const s = server();
    const want: string[] = [];
    const got: string[] = [];
    let sentAny = false;
    for (const line of text.split('\n')) {
      if (line.startsWith('> ')) {
        if (sentAny) for (let i = 0; i < 20 && s.replies.length < want.length; i++) await settle();
        s.send(Buffer.from(line.slice(2).replaceAll(' ', ''), 'hex'));
        sentAny = true;
      } else if (line.startsWith('< ')) want.push(line.slice(2));
    }
    for (let i = 0; i < 20 && s.replies.length < want.length; i++) await settle();
    for (const r of s.replies) got.push(hex(r));
    expect(got).toEqual(want);
    expect(want.length).toBeGreaterThan(25);
  });
});
