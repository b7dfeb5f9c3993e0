/* Quoting strings as rc words, for whatis and the printer. */

const SPECIAL = /[\s#;&|^$=`'{}()<>\\*?[\]]/;

/** A string as an rc word that reads back as exactly that string (in argument position). */
export function quote(s: string): string {
  if (s === '' || SPECIAL.test(s)) return "'" + s.replace(/'/g, "''") + "'";
  return s;
}

/** A variable as whatis shows it: x=a, x=(a 'b c'). */
export function printVar(name: string, v: string[]): string {
  if (v.length === 1) return `${quote(name)}=${quote(v[0])}`;
  return `${quote(name)}=(${v.map(quote).join(' ')})`;
}
