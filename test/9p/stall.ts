/*
 * A scripted 9P server for client tests, on a Unix socket: a root directory holding one
 * file, `slow`, whose Tread and Tstat are never answered (a stalled server, seen from
 * the wire). Everything received is kept in order, so a test can see that a Tflush went
 * out for the stalled request; Tflush is answered, as a live server answers it.
 * `mute` makes it accept connections and answer nothing at all; freeze() makes it mute
 * from then on (a stopped server, as the wire sees it).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decode, encode } from '../../ns/9p/codec.js';
import type { Fcall } from '../../ns/9p/fcall.js';
import { Conn } from '../../ns/9p/transport.js';
import type { Dir, Qid } from '../../ns/types.js';

const ROOT: Qid = { type: 0x80, vers: 0, path: 0 };
const SLOW: Qid = { type: 0, vers: 0, path: 1 };

function dirOf(q: Qid, name: string): Dir {
  return {
    type: 0, dev: 0, qid: q, mode: q.type === 0x80 ? 0x800001ed : 0o644, atime: 0, mtime: 0, length: 0,
    name, uid: 'glenda', gid: 'glenda', muid: 'glenda',
  };
}

export class StallServer {
  /** Every T-message received, on every connection, in order. */
  readonly got: Fcall[] = [];
  readonly sock: string;
  /** Connections accepted, and how many of them have closed. */
  accepted = 0;
  closed = 0;
  private readonly dir: string;
  private readonly server: net.Server;
  private readonly waiters: Array<() => void> = [];
  private readonly conns = new Set<Conn>();

  private constructor(private mute: boolean) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ants-stall-'));
    this.sock = path.join(this.dir, 'srv');
    this.server = net.createServer((s) => this.accept(s));
  }

  static async start(opts: { mute?: boolean; sock?: string } = {}): Promise<StallServer> {
    const st = new StallServer(opts.mute ?? false);
    const at = opts.sock ?? st.sock;
    (st as { sock: string }).sock = at;
    await new Promise<void>((r) => st.server.listen(at, r));
    return st;
  }

  private accept(s: net.Socket): void {
    this.accepted++;
    const fids = new Map<number, Qid>();
    const conn = new Conn(s, (m) => {
      const f = decode(m);
      this.got.push(f);
      for (const w of this.waiters.splice(0)) w();
      if (!this.mute) {
        const r = this.answer(f, fids);
        if (r) conn.send([encode(r)]);
      }
    }, () => {
      this.conns.delete(conn);
      this.closed++;
      for (const w of this.waiters.splice(0)) w();
    }, 1 << 20);
    this.conns.add(conn);
  }

  private answer(f: Fcall, fids: Map<number, Qid>): Fcall | undefined {
    const tag = f.tag;
    switch (f.type) {
      case 'Tversion':
        return { type: 'Rversion', tag, msize: Math.min(f.msize, 8192 + 24), version: '9P2000' };
      case 'Tattach':
        fids.set(f.fid, ROOT);
        return { type: 'Rattach', tag, qid: ROOT };
      case 'Twalk': {
        const from = fids.get(f.fid);
        if (!from) return { type: 'Rerror', tag, ename: 'unknown fid' };
        if (f.wname.length === 0) {
          fids.set(f.newfid, from);
          return { type: 'Rwalk', tag, wqid: [] };
        }
        if (from !== ROOT || f.wname[0] !== 'slow') return { type: 'Rerror', tag, ename: 'file does not exist' };
        if (f.wname.length > 1) return { type: 'Rwalk', tag, wqid: [SLOW] };
        fids.set(f.newfid, SLOW);
        return { type: 'Rwalk', tag, wqid: [SLOW] };
      }
      case 'Topen': {
        const q = fids.get(f.fid);
        return q ? { type: 'Ropen', tag, qid: q, iounit: 0 } : { type: 'Rerror', tag, ename: 'unknown fid' };
      }
      case 'Tread':
        if (fids.get(f.fid) === SLOW) return undefined;
        return { type: 'Rread', tag, data: Buffer.alloc(0) };
      case 'Tstat': {
        const q = fids.get(f.fid);
        if (q === SLOW) return undefined;
        return q ? { type: 'Rstat', tag, stat: dirOf(q, '/') } : { type: 'Rerror', tag, ename: 'unknown fid' };
      }
      case 'Tclunk':
        fids.delete(f.fid);
        return { type: 'Rclunk', tag };
      case 'Tflush':
        return { type: 'Rflush', tag };
      default:
        return { type: 'Rerror', tag, ename: 'permission denied' };
    }
  }

  freeze(): void {
    this.mute = true;
  }

  /** Wait until a message received satisfies pred (or a connection closes, for closes()). */
  async until(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** The first message received of a type, with more conditions. */
  find<T extends Fcall['type']>(type: T, pred: (f: Extract<Fcall, { type: T }>) => boolean = () => true): Extract<Fcall, { type: T }> | undefined {
    return this.got.find((f): f is Extract<Fcall, { type: T }> => f.type === type && pred(f as Extract<Fcall, { type: T }>));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        fs.rmSync(this.dir, { recursive: true, force: true });
        resolve();
      });
      for (const c of this.conns) c.close();
    });
  }
}
