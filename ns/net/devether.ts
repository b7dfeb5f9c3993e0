/*
 * `#l<n>`: ether n as files (ether(3)). The device root holds one directory, etherN:
 *
 *   etherN/{addr,clone,ifstats,stats,M/{ctl,data,ifstats,stats,type}}
 *
 * Opening clone reserves a connection M and the fid becomes its ctl (read: M). ctl takes
 * `connect TYPE` (-1: all types) and `promiscuous`; data reads a whole frame per read and
 * writes one frame per write (ether.ts). A connection is free again when its last file
 * is closed.
 */
import { Eisdir, Eperm } from '../errors.js';
import { type Dir, type Fid, type FileServer, NsError, OREAD, OTRUNC, type OpenResult, type Qid } from '../types.js';
import { DIRPERM, dirOf, type Gen, genDirRead, genWalk, isDir, qid, readText } from './devgen.js';
import type { Ether, EtherConn } from './ether.js';

const TOP = ['addr', 'clone', 'ifstats', 'stats'] as const;
const CFILES = ['ctl', 'data', 'ifstats', 'stats', 'type'] as const;

type Loc =
  | { k: 'root' }
  | { k: 'dir' }
  | { k: 'top'; f: (typeof TOP)[number] }
  | { k: 'conn'; x: number }
  | { k: 'cfile'; x: number; f: (typeof CFILES)[number] };

function gen(e: Ether): Gen<Loc> {
  return {
    info(l) {
      switch (l.k) {
        case 'root': return { name: '#l' + e.n, qid: qid(0, true), perm: DIRPERM };
        case 'dir': return { name: 'ether' + e.n, qid: qid(1, true), perm: DIRPERM };
        case 'top': return { name: l.f, qid: qid(2 + TOP.indexOf(l.f)), perm: l.f === 'clone' ? 0o666 : 0o444 };
        case 'conn': return { name: String(l.x), qid: qid((l.x + 1) << 8, true), perm: DIRPERM };
        case 'cfile': return { name: l.f, qid: qid(((l.x + 1) << 8) | (1 + CFILES.indexOf(l.f))), perm: l.f === 'ctl' || l.f === 'data' ? 0o666 : 0o444 };
      }
    },
    children(l) {
      switch (l.k) {
        case 'root': return [{ k: 'dir' }];
        case 'dir': return [...e.conns.map((_c, x): Loc => ({ k: 'conn', x })), ...TOP.map((f): Loc => ({ k: 'top', f }))];
        case 'conn': return CFILES.map((f): Loc => ({ k: 'cfile', x: l.x, f }));
        default: return [];
      }
    },
    child(l, name) {
      switch (l.k) {
        case 'root': return name === 'ether' + e.n ? { k: 'dir' } : undefined;
        case 'dir':
          if ((TOP as readonly string[]).includes(name)) return { k: 'top', f: name as (typeof TOP)[number] };
          if (/^(0|[1-9]\d*)$/.test(name) && Number(name) < e.conns.length) return { k: 'conn', x: Number(name) };
          return undefined;
        case 'conn': return (CFILES as readonly string[]).includes(name) ? { k: 'cfile', x: l.x, f: name as (typeof CFILES)[number] } : undefined;
        default: return undefined;
      }
    },
    parent(l) {
      switch (l.k) {
        case 'cfile': return { k: 'conn', x: l.x };
        case 'conn': case 'top': return { k: 'dir' };
        default: return { k: 'root' };
      }
    },
  };
}

export class EtherServer implements FileServer {
  readonly g: Gen<Loc>;

  constructor(readonly ether: Ether) {
    this.g = gen(ether);
  }

  attachSync(uname: string): Fid {
    return new EtherFid(this, { k: 'root' }, uname);
  }

  async attach(uname: string): Promise<Fid> {
    return this.attachSync(uname);
  }
}

class EtherFid implements Fid {
  private held?: EtherConn;
  private dirState = {};

  constructor(
    private readonly srv: EtherServer,
    private loc: Loc,
    private readonly uname: string,
  ) {}

  get qid(): Qid {
    return this.srv.g.info(this.loc).qid;
  }

  walkSync(names: string[]): { fid?: Fid; qids: Qid[] } {
    const { locs, qids } = genWalk(this.srv.g, this.loc, names);
    if (locs.length < names.length) return { qids };
    return { fid: new EtherFid(this.srv, locs.length > 0 ? locs[locs.length - 1]! : this.loc, this.uname), qids };
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return this.walkSync(names);
  }

  async open(mode: number): Promise<OpenResult> {
    const l = this.loc;
    const info = this.srv.g.info(l);
    const w = (mode & 3) === 1 || (mode & 3) === 2 || (mode & OTRUNC) !== 0;
    if (isDir(info.qid)) {
      if ((mode & 3) !== OREAD && (mode & 3) !== 3) throw new NsError(Eisdir);
    } else if (w && (info.perm & 0o222) === 0) throw new NsError(Eperm);
    const e = this.srv.ether;
    if (l.k === 'top' && l.f === 'clone') {
      const c = e.clone();
      this.held = c;
      this.loc = { k: 'cfile', x: c.x, f: 'ctl' };
    } else if (l.k === 'cfile' && (l.f === 'ctl' || l.f === 'data')) {
      const c = e.conns[l.x]!;
      c.inuse++;
      this.held = c;
    }
    return { qid: this.qid, iounit: 0 };
  }

  async create(): Promise<OpenResult> {
    throw new NsError(Eperm);
  }

  async read(offset: number, count: number): Promise<Buffer> {
    const l = this.loc;
    const e = this.srv.ether;
    switch (l.k) {
      case 'root': case 'dir': case 'conn':
        return genDirRead(this.srv.g, l, this.dirState, offset, count, this.uname, 0x6c);
      case 'top':
        if (l.f === 'addr') return readText(e.addr, offset, count);
        if (l.f === 'stats') return readText(e.statsText(), offset, count);
        if (l.f === 'ifstats') return readText(`driver: ants-ether\nmtu: ${e.mtu}\n`, offset, count);
        break;
      case 'cfile': {
        const c = e.conns[l.x]!;
        switch (l.f) {
          case 'ctl': return readText(String(l.x), offset, count);
          case 'type': return readText(String(c.type), offset, count);
          case 'stats': return readText(`in: ${c.inFrames}\nout: ${c.outFrames}\n`, offset, count);
          case 'ifstats': return readText(`driver: ants-ether\nmtu: ${e.mtu}\n`, offset, count);
          case 'data': {
            const d = await c.rq.get();
            if (!d) return Buffer.alloc(0);
            return d.data.length > count ? d.data.subarray(0, count) : d.data;
          }
        }
      }
    }
    throw new NsError(Eperm);
  }

  async write(_offset: number, data: Buffer): Promise<number> {
    const l = this.loc;
    if (l.k === 'cfile') {
      const c = this.srv.ether.conns[l.x]!;
      if (l.f === 'ctl') {
        c.ctl(data.toString());
        return data.length;
      }
      if (l.f === 'data') return c.write(data);
    }
    if (isDir(this.qid)) throw new NsError(Eisdir);
    throw new NsError(Eperm);
  }

  async stat(): Promise<Dir> {
    return dirOf(this.srv.g, this.loc, this.uname, 0x6c);
  }

  async wstat(): Promise<void> {
    throw new NsError(Eperm);
  }

  async remove(): Promise<void> {
    await this.clunk();
    throw new NsError(Eperm);
  }

  async clunk(): Promise<void> {
    const c = this.held;
    this.held = undefined;
    if (!c) return;
    if (c.inuse > 0) c.inuse--;
    if (c.inuse === 0) c.close();
  }
}
