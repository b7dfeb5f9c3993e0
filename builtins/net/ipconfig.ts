/*
 * ip/ipconfig [-x netroot] [-g gateway] [-m mtu] [type [device]] [add|del|unbind] [local [mask [remote]]]
 *
 * ipconfig(8), by writing ip(3)'s files under netroot (default /net): find the interface
 * bound to device (type ether: default NETROOT/ether0; type loopback) or bind a new one
 * from ipifc/clone, then `add` the address — or, given none on an ether, lease one from
 * the segment's emulated DHCP service (the interface's `dhcp` message). -g adds the
 * default route; what was configured is added to NETROOT/ndb as ipconfig leaves it.
 * `del` removes an address, `unbind` takes the interface off its device. Silent on
 * success, as ipconfig is.
 */
import type { ProcLike } from '../types.js';
import { cmd, errText, Exit, getopts, usage } from '../cmd/lib.js';
import { OREAD, ORDWR, OWRITE } from '../../ns/types.js';
import { OAPPEND, type Vfs } from '../../ns/vfs.js';
import { readAll } from './dial.js';

const USAGE = 'usage: ip/ipconfig [-x netroot] [-g gateway] [-m mtu] [type [device]] [add|del|unbind] [local [mask [remote]]]';
const TYPES = ['ether', 'loopback', 'gbe'];
const VERBS = ['add', 'del', 'remove', 'unbind'];

async function readText(vfs: Vfs, path: string): Promise<string> {
  const c = await vfs.open(path, OREAD);
  try {
    return await readAll(c);
  } finally {
    c.close();
  }
}

async function writeText(vfs: Vfs, path: string, text: string): Promise<void> {
  const c = await vfs.open(path, OWRITE);
  try {
    await c.write(Buffer.from(text));
  } finally {
    c.close();
  }
}

/** The interface bound to dev: its directory, or undefined. */
async function findIfc(vfs: Vfs, netroot: string, dev: string): Promise<string | undefined> {
  const dirs = (await vfs.readdir(netroot + '/ipifc')).map((d) => d.name).filter((n) => /^\d+$/.test(n));
  for (const n of dirs) {
    const st = await readText(vfs, `${netroot}/ipifc/${n}/status`).catch(() => '');
    if (/^device (\S*)/.exec(st)?.[1] === dev) return `${netroot}/ipifc/${n}`;
  }
  return undefined;
}

export const ipconfig = cmd('ipconfig', async (p: ProcLike, argv) => {
  const o = getopts(argv, 'x:g:m:DNPdnprSu');
  if (!o) return usage(p, USAGE);
  const netroot = (o.val.get('x')?.[0] ?? '/net').replace(/\/$/, '');
  const args = [...o.args];
  let type = 'ether';
  let dev: string | undefined;
  if (args[0] !== undefined && TYPES.includes(args[0])) {
    type = args.shift()!;
    if (args[0] !== undefined && (args[0].startsWith('/') || args[0].startsWith('#'))) dev = args.shift();
  }
  let verb = 'add';
  if (args[0] !== undefined && VERBS.includes(args[0])) verb = args.shift()!;
  if (args.length > 3) return usage(p, USAGE);
  const [local, mask, remote] = args;
  if (type === 'gbe') type = 'ether';
  dev ??= type === 'loopback' ? 'loopback' : `${netroot}/ether0`;
  const vfs = p.vfs;
  const fail = async (why: string): Promise<never> => {
    await p.err(`ipconfig: ${why}`);
    throw new Exit(why);
  };

  let ifc: string | undefined;
  try {
    ifc = await findIfc(vfs, netroot, dev);
  } catch (e) {
    return fail(`can't open ${netroot}/ipifc: ${errText(e)}`);
  }
  try {
    if (verb === 'unbind') {
      if (!ifc) return fail(`${dev} is not bound`);
      await writeText(vfs, ifc + '/ctl', 'unbind');
      return '';
    }
    if (verb === 'del' || verb === 'remove') {
      if (!ifc) return fail(`${dev} is not bound`);
      if (!local) return usage(p, USAGE);
      await writeText(vfs, ifc + '/ctl', `remove ${local}${mask ? ' ' + mask : ''}`);
      return '';
    }
    if (!ifc) {
      const c = await vfs.open(netroot + '/ipifc/clone', ORDWR);
      try {
        const n = (await c.read(32)).toString().trim();
        await c.write(Buffer.from(type === 'loopback' ? 'bind loopback' : `bind ether ${dev}`));
        ifc = `${netroot}/ipifc/${n}`;
      } finally {
        c.close();
      }
    }
    const mtu = o.val.get('m')?.[0];
    if (mtu) await writeText(vfs, ifc + '/ctl', `mtu ${mtu}`);
    let addr = local;
    let amask = mask;
    if (local) {
      await writeText(vfs, ifc + '/ctl', ['add', local, mask, remote].filter((x) => x !== undefined).join(' '));
    } else if (type === 'ether') {
      await writeText(vfs, ifc + '/ctl', 'dhcp');
      const lines = (await readText(vfs, ifc + '/status')).split('\n').filter((l) => l.startsWith('\t'));
      const f = lines[lines.length - 1]?.trim().split(/\s+/);
      addr = f?.[0];
      amask = f?.[1];
    }
    const gw = o.val.get('g')?.[0];
    if (gw) await writeText(vfs, netroot + '/iproute', `add 0.0.0.0 0.0.0.0 ${gw}`);
    if (addr && local) {
      const entry = `ip=${addr}${amask ? ' ipmask=' + amask : ''}${gw ? ' ipgw=' + gw : ''}\n`;
      const ndb = await readText(vfs, netroot + '/ndb').catch(() => '');
      if (!ndb.includes(entry)) {
        const c = await vfs.open(netroot + '/ndb', ORDWR | OAPPEND);
        try {
          await c.write(Buffer.from(entry));
        } finally {
          c.close();
        }
      }
    }
    return '';
  } catch (e) {
    if (e instanceof Exit) throw e;
    return fail(errText(e));
  }
});
