/*
 * How Plan 9 programs print file metadata: the 11-character mode of ls -l (dirmodefmt),
 * ctime's date, ls's short date, and rc-style quoting of names (%q).
 */
import { DMAPPEND, DMAUTH, DMDIR, DMEXCL } from '../../ns/types.js';

/** `d-rwxr-xr-x`: type (d, a, A or -), exclusive (l or -), then rwx for owner, group, others. */
export function modeString(m: number): string {
  let s = m & DMDIR ? 'd' : m & DMAPPEND ? 'a' : m & DMAUTH ? 'A' : '-';
  s += m & DMEXCL ? 'l' : '-';
  for (const shift of [6, 3, 0]) {
    const b = (m >>> shift) & 7;
    s += (b & 4 ? 'r' : '-') + (b & 2 ? 'w' : '-') + (b & 1 ? 'x' : '-');
  }
  return s;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** The zone name ctime prints for a local offset (minutes east of GMT). */
function zoneName(d: Date, offset: number): string {
  if (offset === 0) return 'GMT';
  try {
    const z = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value;
    if (z && /^[A-Z]{3,5}$/.test(z)) return z;
  } catch {
    /* no Intl data */
  }
  const a = Math.abs(offset);
  return (offset < 0 ? '-' : '+') + two(Math.floor(a / 60)) + two(a % 60);
}

/** ctime(2): `Thu Jan  1 00:00:00 GMT 1970` for seconds since the epoch, local or GMT. */
export function ctime(secs: number, gmt = false): string {
  const d = new Date(secs * 1000);
  const offset = gmt ? 0 : -d.getTimezoneOffset();
  const t = new Date(d.getTime() + offset * 60000);
  return (
    `${DAYS[t.getUTCDay()]} ${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ` +
    `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} ${zoneName(d, offset)} ${t.getUTCFullYear()}`
  );
}

/** ls's date: `Nov 22 10:00` within six months past or a day ahead of now, else `Nov 22  2019`. */
export function lsTime(secs: number, now: number): string {
  const t = ctime(secs).slice(4);
  const year = t.slice(t.lastIndexOf(' '));
  if (secs < now - 180 * 24 * 60 * 60 || now + 24 * 60 * 60 < secs) return t.slice(0, 7) + year.padStart(5, ' ');
  return t.slice(0, 12);
}

/** Characters that make rc (and so Plan 9's %q) quote a word. */
const SPECIAL = "`^#*[]=|\\?${}()'<>&;";

/** A name as rc would read it back: quoted in '…' (with '' for ') when it needs to be. */
export function quote(s: string): string {
  let need = s === '';
  for (const c of s) {
    if (c <= ' ' || SPECIAL.includes(c)) {
      need = true;
      break;
    }
  }
  return need ? `'${s.replace(/'/g, "''")}'` : s;
}
