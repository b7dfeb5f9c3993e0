/*
 * p9hmac: authentication of a 9P attach with a shared secret, over Tauth's afid.
 *
 * Both ends hold the same key (a file of at least 16 random bytes, readable only by its
 * owner). After Tauth(afid, uname, aname) the client reads the afid and gets
 *     "p9hmac1 " hex(Ns)                      Ns: 32 fresh random bytes from the server
 * and writes
 *     hex(Nc) " " hex(HMAC-SHA256(key, "client" Ns Nc uname aname))
 * (Nc its own 32 fresh bytes; fields joined by NUL). The server checks the MAC in
 * constant time — a wrong one fails the write with `authentication failed` and spends the
 * afid — and then the client reads hex(HMAC-SHA256(key, "server" Ns Nc uname aname)), which
 * proves the server knows the key too. Only then does Tattach(fid, afid, uname, aname)
 * succeed, and only with the same uname and aname on the same connection. Fresh nonces on
 * both sides make a recorded exchange useless for a replay; the key never crosses the wire.
 * The session itself is not encrypted or integrity-protected: for that, carry 9P in TLS or
 * ssh; this scheme decides who may attach.
 */
import crypto from 'node:crypto';
import { type Dir, NsError, type Qid, QTAUTH } from '../types.js';

export type AuthKey = Buffer;

export const Eauthfail = 'authentication failed';
const MAGIC = 'p9hmac1 ';

/** A key from a key file's bytes and mode; refuses a file others may read (as ssh does), or a short key. */
export function parseKey(bytes: Buffer, mode: number, name: string): AuthKey {
  if ((mode & 0o077) !== 0) throw new NsError(`key file ${name} is readable by others`);
  const k = Buffer.from(bytes.toString('utf8').trim());
  if (k.length < 16) throw new NsError(`key file ${name} is too short`);
  return k;
}

function mac(key: AuthKey, who: string, ns: Buffer, nc: Buffer, uname: string, aname: string): Buffer {
  const h = crypto.createHmac('sha256', key);
  for (const part of [Buffer.from(who), ns, nc, Buffer.from(uname), Buffer.from(aname)]) {
    h.update(part);
    h.update('\0');
  }
  return h.digest();
}

let authPaths = 1;

/** The server's end of one authentication: the afid's reads and writes. */
export class AuthFid {
  readonly qid: Qid = { type: QTAUTH, vers: 0, path: authPaths++ };
  private readonly ns = crypto.randomBytes(32);
  private proof?: Buffer;
  private failed = false;
  done = false;

  constructor(
    private readonly key: AuthKey,
    readonly uname: string,
    readonly aname: string,
  ) {}

  read(count: number): Buffer {
    if (this.failed) throw new NsError(Eauthfail);
    const msg = this.proof ? Buffer.from(this.proof.toString('hex')) : Buffer.from(MAGIC + this.ns.toString('hex'));
    return msg.subarray(0, count);
  }

  write(data: Buffer): number {
    if (this.failed || this.proof) throw new NsError(Eauthfail);
    const [ncHex, macHex] = data.toString('utf8').trim().split(' ');
    const nc = Buffer.from(ncHex ?? '', 'hex');
    const got = Buffer.from(macHex ?? '', 'hex');
    const want = mac(this.key, 'client', this.ns, nc, this.uname, this.aname);
    if (nc.length !== 32 || got.length !== want.length || !crypto.timingSafeEqual(got, want)) {
      this.failed = true;
      throw new NsError(Eauthfail);
    }
    this.proof = mac(this.key, 'server', this.ns, nc, this.uname, this.aname);
    this.done = true;
    return data.length;
  }

  stat(): Dir {
    return {
      type: 0, dev: 0, qid: this.qid, mode: 0x08000000 | 0o600, atime: 0, mtime: 0, length: 0,
      name: '#¿', uid: this.uname, gid: this.uname, muid: '',
    };
  }
}

/** The client's end, given a way to read and write the afid. */
export async function clientAuth(
  key: AuthKey,
  uname: string,
  aname: string,
  read: () => Promise<Buffer>,
  write: (b: Buffer) => Promise<unknown>,
): Promise<void> {
  const hello = (await read()).toString('utf8');
  if (!hello.startsWith(MAGIC)) throw new NsError(Eauthfail);
  const ns = Buffer.from(hello.slice(MAGIC.length).trim(), 'hex');
  if (ns.length !== 32) throw new NsError(Eauthfail);
  const nc = crypto.randomBytes(32);
  await write(Buffer.from(nc.toString('hex') + ' ' + mac(key, 'client', ns, nc, uname, aname).toString('hex')));
  const proof = Buffer.from((await read()).toString('utf8').trim(), 'hex');
  const want = mac(key, 'server', ns, nc, uname, aname);
  if (proof.length !== want.length || !crypto.timingSafeEqual(proof, want)) throw new NsError(Eauthfail);
}
