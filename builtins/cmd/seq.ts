/*
 * seq [-w] [-fformat] [first [incr]] last, as Plan 9's: the numbers are doubles stepped
 * from first while they do not pass last; printed %g, or with -w in a %W.Pf wide enough
 * for every value (spaces then turned to zeros), or with -f in a print(3) format.
 * An unknown flag ends the flags, so negative numbers are numbers.
 */
import { cmd, getopts, Out, usage, Exit } from './lib.js';

const USAGE = 'usage: seq [-fformat] [-w] [first [incr]] last';

/** C's %e mantissa/exponent form with prec digits: 1.50e+02. */
function fmtE(x: number, prec: number, upper: boolean): string {
  const s = x.toExponential(prec);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  const e = `e${m[2]}${m[3]!.padStart(2, '0')}`;
  return m[1] + (upper ? e.toUpperCase() : e);
}

/** C's %g: %e or %f, whichever suits the exponent, trailing zeros dropped unless alt. */
export function fmtG(x: number, prec = 6, alt = false, upper = false): string {
  if (prec === 6 && !alt && Number.isInteger(x) && Math.abs(x) < 1e6) return Object.is(x, -0) ? '-0' : String(x);
  if (!Number.isFinite(x)) return String(x);
  const P = prec === 0 ? 1 : prec;
  const X = x === 0 ? 0 : Number(x.toExponential(P - 1).split('e')[1]);
  let s = P > X && X >= -4 ? x.toFixed(P - 1 - X) : fmtE(x, P - 1, upper);
  if (!alt) {
    const [mant, exp] = s.split(/(?=[eE])/);
    let m = mant!;
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    s = m + (exp ?? '');
  }
  return s;
}

/** One print(3) conversion of a double: %[-+ 0#][width][.prec](e|f|g|E|G|d). */
export function cfmt(format: string, x: number): string {
  return format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d*))?([efgEGdiux%])/g, (all, flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const p = prec === undefined ? 6 : Number(prec || '0');
    let s: string;
    switch (verb) {
      case 'f':
        s = x.toFixed(Math.min(p, 100));
        break;
      case 'e':
      case 'E':
        s = fmtE(x, Math.min(p, 100), verb === 'E');
        break;
      case 'g':
      case 'G':
        s = fmtG(x, Math.min(p, 100), flags.includes('#'), verb === 'G');
        break;
      case 'x':
        s = Math.trunc(x).toString(16);
        break;
      default:
        s = String(Math.trunc(x));
    }
    if (flags.includes('+') && x >= 0) s = '+' + s;
    else if (flags.includes(' ') && x >= 0) s = ' ' + s;
    const w = Number(width || '0');
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0')) {
        const sign = /^[-+ ]/.test(s) ? s[0]! : '';
        s = sign + s.slice(sign.length).padStart(w - sign.length, '0');
      } else s = s.padStart(w);
    }
    return s;
  });
}

export const seq = cmd('seq', async (p, argv) => {
  const o = getopts(argv, 'wf:', true);
  if (!o || o.args.length < 1 || o.args.length > 3) return usage(p, USAGE);
  const a = o.args;
  const num = (s: string) => parseFloat(s) || 0;
  const max = num(a[a.length - 1]!);
  const min = a.length > 1 ? num(a[0]!) : 1;
  const incr = a.length > 2 ? num(a[1]!) : 1;
  if (incr === 0) {
    await p.err('seq: zero increment');
    throw new Exit('zero increment');
  }
  const w = o.has.has('w');
  const more = (v: number) => (incr > 0 ? v <= max : v >= max);
  let format: (v: number) => string;
  const f = o.val.get('f');
  if (f) {
    const fmt = f[f.length - 1]!;
    format = (v) => cfmt(fmt, v);
  } else {
    format = (v) => fmtG(v);
    if (w) {
      // Survey every value for the widest integer part and the longest fraction.
      let maxw = 0;
      let maxp = 0;
      let exp = false;
      for (let v = min; more(v); v += incr) {
        const s = fmtG(v);
        if (s.includes('e')) {
          exp = true;
          break;
        }
        const dot = s.indexOf('.');
        maxw = Math.max(maxw, dot < 0 ? s.length : dot);
        maxp = Math.max(maxp, dot < 0 ? 0 : s.length - dot - 1);
      }
      if (!exp) {
        const width = maxp > 0 ? maxw + maxp + 1 : maxw;
        format = (v) => v.toFixed(maxp).padStart(width);
      }
    }
  }
  const out = new Out(p);
  for (let v = min; more(v); v += incr) {
    let s = format(v);
    if (w) s = s.replace(/^ +/, (sp) => '0'.repeat(sp.length));
    const pw = out.put(s.endsWith('\n') ? s : s + '\n');
    if (pw) {
      await pw;
      if (p.signal.aborted) throw new Exit('interrupted');
    }
  }
  await out.flush();
  return '';
});
