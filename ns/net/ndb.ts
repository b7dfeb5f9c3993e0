/*
 * A small ndb(6): entries of attr=value tuples, an entry being a line that starts at the
 * left margin plus the indented lines after it (`#` starts a comment). The services the
 * connection server translates come from SERVICES (a slice of Plan 9's /lib/ndb/common);
 * host names from a stack's /net/ndb text (where ipconfig leaves its lease and users add
 * `sys=name ip=addr` entries) and the built-in `localhost`.
 */

export type Tuple = [attr: string, val: string];
export type Entry = Tuple[];

export function parseNdb(text: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '');
    if (line.trim() === '') continue;
    if (!/^[ \t]/.test(line) || !cur) out.push((cur = []));
    for (const m of line.matchAll(/([^\s=]+)(?:=("[^"]*"|\S*))?/g)) {
      cur.push([m[1]!, (m[2] ?? '').replace(/^"(.*)"$/, '$1')]);
    }
  }
  return out;
}

/** Values of rattr in the entries where attr=val. */
export function ndbGet(db: Entry[], attr: string, val: string, rattr: string): string[] {
  const out: string[] = [];
  for (const e of db) {
    if (!e.some(([a, v]) => a === attr && v === val)) continue;
    for (const [a, v] of e) if (a === rattr) out.push(v);
  }
  return out;
}

export const SERVICES = `
tcp=echo port=7
tcp=discard port=9
tcp=systat port=11
tcp=daytime port=13
tcp=netstat port=15
tcp=chargen port=19
tcp=ftp-data port=20
tcp=ftp port=21
tcp=ssh port=22
tcp=telnet port=23
tcp=smtp port=25
tcp=time port=37
tcp=whois port=43
tcp=domain port=53
tcp=gopher port=70
tcp=finger port=79
tcp=http port=80
tcp=pop3 port=110
tcp=sunrpc port=111
tcp=ident port=113
tcp=nntp port=119
tcp=imap4 port=143
tcp=ldap port=389
tcp=https port=443
tcp=exec port=512 restricted
tcp=login port=513 restricted
tcp=shell port=514 restricted
tcp=printer port=515 restricted
tcp=9fs port=564
tcp=whoami port=565
tcp=guard port=566
tcp=ticket port=567
tcp=fmclient port=5356
tcp=venti port=17034
tcp=cpu port=17013
tcp=rexexec port=17009
tcp=ncpu port=17010
tcp=cdb port=17011
tcp=exportfs port=17007
tcp=rstyx port=17008
tcp=rcpu port=17019
tcp=9p port=564
udp=echo port=7
udp=daytime port=13
udp=domain port=53
udp=dns port=53
udp=bootps port=67
udp=bootpc port=68
udp=tftp port=69
udp=ntp port=123
udp=syslog port=514
udp=dhcp6c port=546
udp=dhcp6s port=547
sys=localhost ip=127.0.0.1
`;

export const builtinDb: Entry[] = parseNdb(SERVICES);
