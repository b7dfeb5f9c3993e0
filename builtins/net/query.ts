/*
 * Looking at the network:
 *
 *   ndb/csquery [-s] [server] [addr ...]   (csquery)
 *       ask the connection server (default /net/cs) to translate each addr, or each line
 *       of standard input after a `> ` prompt; prints the answers, one per line.
 *       -s: say nothing, only set the status.
 *   netstat [-in] [-p proto] [netroot]
 *       the conversations of netroot (default /net): protocol, number, user, state,
 *       local port, remote port, remote address; -i the interfaces instead.
 */
import { cmd, errText, getopts, Out, usage } from '../cmd/lib.js';
import type { ProcLike } from '../types.js';
import { OREAD, ORDWR } from '../../ns/types.js';
import type { Vfs } from '../../ns/vfs.js';
import { readAll } from './dial.js';

async function ask(p: ProcLike, out: Out, server: string, addr: string, quiet: boolean): Promise<boolean> {
  let c;
  try {
    c = await p.vfs.open(server, ORDWR);
  } catch (e) {
    await p.err(`csquery: can't open ${server}: ${errText(e)}`);
    return false;
  }
  try {
    await c.write(Buffer.from(addr));
    for (let b = await c.read(1024); b.length > 0; b = await c.read(1024)) if (!quiet) await out.put(b.toString() + '\n');
    return true;
  } catch (e) {
    if (!quiet) {
      await out.flush();
      await p.err(`translating ${addr}: ${errText(e)}`);
    }
    return false;
  } finally {
    c.close();
  }
}

export const csquery = cmd('csquery', async (p, argv) => {
  const o = getopts(argv, 's');
  if (!o) return usage(p, 'usage: ndb/csquery [-s] [/net/cs [addr...]]');
  const args = [...o.args];
  const server = args[0]?.startsWith('/') || args[0]?.startsWith('#') ? args.shift()! : '/net/cs';
  const quiet = o.has.has('s');
  const out = new Out(p);
  let ok = true;
  if (args.length > 0) {
    for (const a of args) ok = (await ask(p, out, server, a, quiet)) && ok;
  } else {
    let rest = '';
    for (;;) {
      if (!quiet) {
        await out.put('> ');
        await out.flush();
      }
      const b = await p.read(0, 4096);
      if (b.length === 0) break;
      rest += b.toString();
      let nl;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (line) ok = (await ask(p, out, server, line, quiet)) && ok;
      }
    }
    if (rest.trim()) ok = (await ask(p, out, server, rest.trim(), quiet)) && ok;
    if (!quiet) await out.put('\n');
  }
  await out.flush();
  return ok ? '' : 'errors';
});

async function text(vfs: Vfs, path: string): Promise<string> {
  const c = await vfs.open(path, OREAD);
  try {
    return await readAll(c);
  } finally {
    c.close();
  }
}

const nums = (vfs: Vfs, dir: string): Promise<string[]> =>
  vfs.readdir(dir).then((ds) => ds.map((d) => d.name).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b)), () => []);

export const netstat = cmd('netstat', async (p, argv) => {
  const o = getopts(argv, 'inp:');
  if (!o || o.args.length > 1) return usage(p, 'usage: netstat [-in] [-p proto] [network-dir]');
  const root = (o.args[0] ?? '/net').replace(/\/$/, '');
  const out = new Out(p);
  if (o.has.has('i')) {
    await out.put(`${'Device'.padEnd(16)} ${'Mtu'.padEnd(5)} ${'In'.padEnd(8)} ${'Out'.padEnd(8)} ${'Address'.padEnd(16)} Mask\n`);
    for (const n of await nums(p.vfs, root + '/ipifc')) {
      const st = await text(p.vfs, `${root}/ipifc/${n}/status`).catch(() => '');
      const dev = /^device (\S*)/.exec(st)?.[1] ?? '';
      const mtu = /maxtu (\d+)/.exec(st)?.[1] ?? '0';
      const pin = /pktin (\d+)/.exec(st)?.[1] ?? '0';
      const pout = /pktout (\d+)/.exec(st)?.[1] ?? '0';
      for (const l of st.split('\n').filter((x) => x.startsWith('\t'))) {
        const [addr, mask] = l.trim().split(/\s+/);
        await out.put(`${dev.padEnd(16)} ${mtu.padEnd(5)} ${pin.padEnd(8)} ${pout.padEnd(8)} ${(addr ?? '').padEnd(16)} ${mask ?? ''}\n`);
      }
    }
    await out.flush();
    return '';
  }
  const protos = o.val.get('p') ?? ['tcp', 'udp'];
  for (const proto of protos) {
    for (const n of await nums(p.vfs, `${root}/${proto}`)) {
      const d = `${root}/${proto}/${n}`;
      const [st, local, remote] = await Promise.all(['status', 'local', 'remote'].map((f) => text(p.vfs, `${d}/${f}`).catch(() => '')));
      const state = st.split(' ')[0] ?? '';
      if (state === 'Closed') continue;
      const user = (await p.vfs.stat(`${d}/ctl`).catch(() => undefined))?.uid ?? '';
      const lport = local.trim().split('!')[1] ?? '';
      const [raddr, rport] = remote.trim().split('!');
      await out.put(`${proto.padEnd(4)} ${n.padEnd(4)} ${user.padEnd(10)} ${state.padEnd(12)} ${lport.padEnd(6)} ${(rport ?? '').padEnd(6)} ${raddr ?? ''}\n`);
    }
  }
  await out.flush();
  return '';
});
