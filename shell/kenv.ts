/*
 * `#e` for a shell process: rc's variables ARE the files. A ProcEnv is the env group the
 * kernel shows for a proc, read and written straight through to the proc's variables
 * (and functions, as `fn#name`), so `echo -n x > /env/v` sets $v and `ls /env` lists
 * them. Each rc process already has its own copy of its variables (rc copies them at
 * fork, as Plan 9 rc does when it re-exports them at every exec), which is why rfork e
 * and E need no further copy here.
 */
import { EnvGroup } from '../ns/proc.js';
import type { Proc } from './proc.js';
import { printCmd } from './print.js';

/**
 * Bytes written to #e that are not a NUL-terminated list read back as written (as Plan 9's
 * #e keeps a file's bytes). They are kept by the value they became, which forked procs
 * share until either sets the variable again.
 */
const written = new WeakMap<string[], Buffer>();

export class ProcEnv extends EnvGroup {
  constructor(private readonly p: Proc) {
    super();
  }

  override get(name: string): string[] | undefined {
    if (name.startsWith('fn#')) {
      const t = this.getFn(name.slice(3));
      return t === undefined ? undefined : [t];
    }
    return this.p.vars.has(name) || name === 'status' ? this.p.peek(name) : undefined;
  }

  override set(name: string, value: string[]): void {
    if (!name.startsWith('fn#')) this.p.set(name, value);
  }

  override delete(name: string): boolean {
    if (name.startsWith('fn#')) return this.p.fns.delete(name.slice(3));
    const had = this.p.vars.has(name);
    this.p.unset(name);
    return had;
  }

  override readFile(name: string): Buffer | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    const cur = this.p.vars.get(name)?.v;
    return (cur && written.get(cur)) ?? EnvGroup.encode(v);
  }

  override writeFile(name: string, b: Buffer): void {
    const value = EnvGroup.decode(b);
    this.set(name, value);
    if (b.length > 0 && b[b.length - 1] !== 0) written.set(value, Buffer.from(b));
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  override names(): string[] {
    const out = [...this.p.vars.keys()].filter((k) => k !== '*' || this.p.vars.get(k)!.v.length > 0);
    for (const f of this.p.fns.keys()) out.push('fn#' + f);
    return out;
  }

  override getFn(name: string): string | undefined {
    const fn = this.p.fns.get(name);
    return fn ? `fn ${name} {${printCmd(fn.body)}}\n` : undefined;
  }

  override setFn(): void {
    /* functions are defined by rc's fn, not by writing #e */
  }

  override copy(): EnvGroup {
    const g = new EnvGroup();
    for (const n of this.names()) {
      const v = this.get(n);
      if (v) g.set(n, v.slice());
    }
    return g;
  }
}
