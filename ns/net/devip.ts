/*
 * `#I<n>`: stack n as files (ip(3)), a FileServer like every device.
 *
 *   arp cs iproute ipselftab ndb
 *   ipifc/{clone,stats,N/{ctl,local,status}}
 *   tcp/{clone,stats,N/{ctl,data,err,listen,local,remote,status}}      udp/ the same
 *
 * Opening a clone file reserves a conversation (or interface) and the fid becomes its
 * ctl, whose read gives the number. Opening listen waits for a call and the fid becomes
 * the new conversation's ctl — so open is where this device blocks, which is why a
 * device's open is async: over 9P (the shared daemon) it is simply an outstanding Topen.
 * A conversation stays in use while any of its ctl, data, err files is open. cs is the connection server (cs.ts); each open of it has its own answers.
 */
import { Eisdir, Eperm } from '../errors.js';
import { type Dir, type Fid, type FileServer, NsError, OREAD, OTRUNC, type OpenResult, type Qid, type Signal } from '../types.js';
import type { Conv, Proto } from './conv.js';
import { csTranslate } from './cs.js';
import { DIRPERM, dirOf, type Gen, genDirRead, genWalk, isDir, qid, readText } from './devgen.js';
import type { Ipifc, Stack } from './stack.js';

const TOP = ['arp', 'cs', 'iproute', 'ipselftab', 'ndb'] as const;
const PROTOS = ['ipifc', 'tcp', 'udp'] as const;
const CONVFILES = ['ctl', 'data', 'err', 'listen', 'local', 'remote', 'status'] as const;
const IFCFILES = ['ctl', 'local', 'status'] as const;

type Top = (typeof TOP)[number];
type ProtoName = (typeof PROTOS)[number];
type ConvFile = (typeof CONVFILES)[number];

export type Loc =
  | { k: 'root' }
  | { k: 'top'; f: Top }
  | { k: 'proto'; p: ProtoName }
  | { k: 'pfile'; p: ProtoName; f: 'clone' | 'stats' }
  | { k: 'conv'; p: ProtoName; x: number }
  | { k: 'cfile'; p: ProtoName; x: number; f: ConvFile };

const PI: Record<ProtoName, number> = { ipifc: 1, tcp: 2, udp: 3 };

/**
 * A TCP conversation file from its qid path (proto << 24 | (conv + 1) << 8 | file):
 * which conversation (a key) and which file. What a session reading the stack over 9P
 * (netdclient.ts) uses to know a data file and the ctl beside it.
 */
export function tcpConvFile(path: number): { conv: number; file: string } | undefined {
  if (path >>> 24 !== PI.tcp || (path & 0xffff00) === 0) return undefined;
  const f = CONVFILES[(path & 0xff) - 1];
  return f && { conv: path >>> 8, file: f };
}

function gen(stack: Stack): Gen<Loc> {
  const nconv = (p: ProtoName): number => (p === 'ipifc' ? stack.ifcs.length : stack[p].convs.length);
  return {
    info(l) {
      switch (l.k) {
        case 'root': return { name: '#I' + stack.n, qid: qid(0, true), perm: DIRPERM };
        case 'top': return { name: l.f, qid: qid(1 + TOP.indexOf(l.f)), perm: l.f === 'ipselftab' ? 0o444 : l.f === 'cs' || l.f === 'ndb' ? 0o666 : 0o664 };
        case 'proto': return { name: l.p, qid: qid(PI[l.p] << 24, true), perm: DIRPERM };
        case 'pfile': return { name: l.f, qid: qid((PI[l.p] << 24) | (l.f === 'clone' ? 1 : 2)), perm: l.f === 'clone' ? 0o666 : 0o444 };
        case 'conv': return { name: String(l.x), qid: qid((PI[l.p] << 24) | ((l.x + 1) << 8), true), perm: DIRPERM };
        case 'cfile': {
          const perm = l.f === 'ctl' || l.f === 'data' || l.f === 'err' || l.f === 'listen' ? 0o660 : 0o444;
          return { name: l.f, qid: qid((PI[l.p] << 24) | ((l.x + 1) << 8) | (1 + CONVFILES.indexOf(l.f))), perm };
        }
      }
    },
    children(l) {
      switch (l.k) {
        case 'root': return [...PROTOS.map((p): Loc => ({ k: 'proto', p })), ...TOP.map((f): Loc => ({ k: 'top', f }))];
        case 'proto': {
          const out: Loc[] = [];
          for (let x = 0; x < nconv(l.p); x++) out.push({ k: 'conv', p: l.p, x });
          out.push({ k: 'pfile', p: l.p, f: 'clone' }, { k: 'pfile', p: l.p, f: 'stats' });
          return out;
        }
        case 'conv': return (l.p === 'ipifc' ? IFCFILES : CONVFILES).map((f): Loc => ({ k: 'cfile', p: l.p, x: l.x, f }));
        default: return [];
      }
    },
    child(l, name) {
      switch (l.k) {
        case 'root':
          if ((PROTOS as readonly string[]).includes(name)) return { k: 'proto', p: name as ProtoName };
          if ((TOP as readonly string[]).includes(name)) return { k: 'top', f: name as Top };
          return undefined;
        case 'proto':
          if (name === 'clone' || name === 'stats') return { k: 'pfile', p: l.p, f: name };
          if (/^(0|[1-9]\d*)$/.test(name) && Number(name) < nconv(l.p)) return { k: 'conv', p: l.p, x: Number(name) };
          return undefined;
        case 'conv': {
          const files: readonly string[] = l.p === 'ipifc' ? IFCFILES : CONVFILES;
          return files.includes(name) ? { k: 'cfile', p: l.p, x: l.x, f: name as ConvFile } : undefined;
        }
        default: return undefined;
      }
    },
    parent(l) {
      switch (l.k) {
        case 'cfile': return { k: 'conv', p: l.p, x: l.x };
        case 'conv': case 'pfile': return { k: 'proto', p: l.p };
        default: return { k: 'root' };
      }
    },
  };
}

export class IpServer implements FileServer {
  readonly g: Gen<Loc>;

  constructor(readonly stack: Stack) {
    this.g = gen(stack);
  }

  attachSync(uname: string): IpFid {
    return new IpFid(this, { k: 'root' }, uname);
  }

  async attach(uname: string): Promise<Fid> {
    return this.attachSync(uname);
  }
}

const writable = (mode: number): boolean => (mode & 3) === 1 || (mode & 3) === 2 || (mode & OTRUNC) !== 0;

class IpFid implements Fid {
  /** The conversation or interface this open fid holds in use. */
  private held?: Conv | Ipifc;
  private dirState = {};
  private csAnswers: string[] = [];

  constructor(
    private readonly srv: IpServer,
    private loc: Loc,
    private readonly uname: string,
  ) {}

  get qid(): Qid {
    return this.srv.g.info(this.loc).qid;
  }

  private get stack(): Stack {
    return this.srv.stack;
  }

  walkSync(names: string[]): { fid?: Fid; qids: Qid[] } {
    const { locs, qids } = genWalk(this.srv.g, this.loc, names);
    if (locs.length < names.length) return { qids };
    return { fid: new IpFid(this.srv, locs.length > 0 ? locs[locs.length - 1]! : this.loc, this.uname), qids };
  }

  async walk(names: string[]): Promise<{ fid?: Fid; qids: Qid[] }> {
    return this.walkSync(names);
  }

  private proto(p: 'tcp' | 'udp'): Proto {
    return this.stack[p];
  }

  private conv(l: { p: ProtoName; x: number }): Conv | Ipifc {
    return l.p === 'ipifc' ? this.stack.ifcs[l.x]! : this.proto(l.p).convs[l.x]!;
  }

  async open(mode: number): Promise<OpenResult> {
    const l = this.loc;
    const info = this.srv.g.info(l);
    if (isDir(info.qid)) {
      if ((mode & 3) !== OREAD && (mode & 3) !== 3) throw new NsError(Eisdir);
    } else if (writable(mode) && (info.perm & 0o222) === 0) throw new NsError(Eperm);
    if (l.k === 'pfile' && l.f === 'clone') {
      const c = l.p === 'ipifc' ? this.stack.cloneIfc() : this.proto(l.p).clone(this.uname);
      this.held = c;
      this.loc = { k: 'cfile', p: l.p, x: c.x, f: 'ctl' };
    } else if (l.k === 'cfile' && l.f === 'listen') {
      const nc = await (this.conv(l) as Conv).listen();
      nc.owner = this.uname;
      this.held = nc;
      this.loc = { k: 'cfile', p: l.p, x: nc.x, f: 'ctl' };
    } else if (l.k === 'cfile' && (l.f === 'ctl' || l.f === 'data' || l.f === 'err')) {
      const c = this.conv(l);
      c.inuse++;
      this.held = c;
    } else if (l.k === 'top' && l.f === 'ndb' && (mode & OTRUNC) !== 0) {
      this.stack.ndb = '';
    }
    return { qid: this.qid, iounit: 0 };
  }

  async create(): Promise<OpenResult> {
    throw new NsError(Eperm);
  }

  async read(offset: number, count: number, signal?: Signal): Promise<Buffer> {
    const l = this.loc;
    const s = this.stack;
    switch (l.k) {
      case 'root': case 'proto': case 'conv':
        return genDirRead(this.srv.g, l, this.dirState, offset, count, this.uname, 0x49);
      case 'top':
        switch (l.f) {
          case 'arp': return readText(s.arpText(), offset, count);
          case 'iproute': return readText(s.routeText(), offset, count);
          case 'ipselftab': return readText(s.selftabText(), offset, count);
          case 'ndb': return readText(s.ndb, offset, count);
          case 'cs': {
            const a = this.csAnswers.shift();
            return a === undefined ? Buffer.alloc(0) : readText(a, 0, count);
          }
        }
        break;
      case 'pfile':
        if (l.f === 'stats') return readText(l.p === 'ipifc' ? s.ipifcStats() : this.proto(l.p).statsText(), offset, count);
        break;
      case 'cfile': {
        const c = this.conv(l);
        switch (l.f) {
          case 'ctl': return readText(String(l.x), offset, count);
          case 'status': return readText(c.statusText(), offset, count);
          case 'local': return readText(c.localText(), offset, count);
          case 'remote': return readText((c as Conv).remoteText(), offset, count);
          case 'err': return readText((c as Conv).error, offset, count);
          case 'data': return (c as Conv).read(count, signal);
          default: break;
        }
      }
    }
    throw new NsError(Eperm);
  }

  async write(offset: number, data: Buffer): Promise<number> {
    const l = this.loc;
    const s = this.stack;
    if (l.k === 'top') {
      switch (l.f) {
        case 'arp': s.arpCtl(data.toString()); return data.length;
        case 'iproute': s.routeCtl(data.toString()); return data.length;
        case 'ndb': {
          const cur = Buffer.from(s.ndb);
          if (offset > cur.length || offset + data.length > 65536) throw new NsError('i/o error');
          s.ndb = Buffer.concat([cur.subarray(0, offset), data]).toString();
          return data.length;
        }
        case 'cs':
          this.csAnswers = [];
          this.csAnswers = await csTranslate(s, data.toString());
          return data.length;
        default: break;
      }
    }
    if (l.k === 'cfile') {
      const c = this.conv(l);
      if (l.f === 'ctl') {
        await c.ctl(data.toString());
        return data.length;
      }
      if (l.f === 'data' && l.p !== 'ipifc') return (c as Conv).write(data);
    }
    if (isDir(this.qid)) throw new NsError(Eisdir);
    throw new NsError(Eperm);
  }

  /** A TCP conversation's data gives what is queued as it is; anything else reads as usual. */
  async readv(offset: number, count: number, signal?: Signal): Promise<Buffer[]> {
    const l = this.loc;
    if (l.k === 'cfile' && l.f === 'data' && l.p === 'tcp') return (this.conv(l) as Conv).readv(count, signal);
    const b = await this.read(offset, count, signal);
    return b.length > 0 ? [b] : [];
  }

  /** A TCP conversation's data takes pieces as they are; anything else joins them. */
  async writev(offset: number, pieces: Buffer[]): Promise<number> {
    const l = this.loc;
    if (l.k === 'cfile' && l.f === 'data' && l.p === 'tcp') return (this.conv(l) as Conv).write(pieces);
    return this.write(offset, Buffer.concat(pieces));
  }

  async stat(): Promise<Dir> {
    const d = dirOf(this.srv.g, this.loc, this.uname, 0x49);
    if (this.loc.k === 'top' && this.loc.f === 'ndb') d.length = Buffer.byteLength(this.stack.ndb);
    if (this.loc.k === 'cfile' && this.loc.f === 'data' && this.loc.p !== 'ipifc') d.length = (this.conv(this.loc) as Conv).rq.bytes;
    return d;
  }

  async wstat(): Promise<void> {
    throw new NsError(Eperm);
  }

  async remove(): Promise<void> {
    await this.clunk();
    throw new NsError(Eperm);
  }

  async clunk(): Promise<void> {
    const h = this.held;
    this.held = undefined;
    if (h) this.release(h);
  }

  private release(c: Conv | Ipifc): void {
    if (c.inuse > 0) c.inuse--;
    if (c.inuse === 0 && 'close' in c) c.close();
  }
}
