import { type Builtin, RcUsage } from './types.js';
import { printVar } from './quote.js';

/** whatis names: each as a variable, function, builtin or command path would be used. */
export const whatis: Builtin = async (p, argv, sh) => {
  if (argv.length < 2) throw new RcUsage('Usage: whatis name ...');
  let status = '';
  let out = '';
  // rc's builtins print through rc's own output, which ignores a failed write.
  const put = (s: string) => p.write(1, s).catch(() => {});
  for (const name of argv.slice(1)) {
    let found = false;
    const v = p.vars.get(name);
    if (v && v.v.length > 0) {
      out += printVar(name, v.v) + '\n';
      found = true;
    }
    const fn = sh.printFn(p, name);
    if (fn !== undefined) {
      out += fn + '\n';
      found = true;
    } else if (sh.isBuiltin(name)) {
      out += `builtin ${name}\n`;
      found = true;
    } else if (!found) {
      const path = await sh.findCommand(p, name);
      if (path !== undefined) {
        out += path + '\n';
        found = true;
      }
    }
    if (!found) {
      if (out) await put(out);
      out = '';
      await p.err(`${name}: not found`);
      status = 'not found';
    }
  }
  if (out) await put(out);
  return status;
};
