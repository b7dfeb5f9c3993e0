// Terminal input to keys: chunks as a terminal or a paste delivers them.
import { describe, expect, it } from 'vitest';
import { KeyDecoder } from '../../shell/ui/keys.js';

const names = (raw: string | string[]) => {
  const d = new KeyDecoder();
  const out = [];
  for (const c of Array.isArray(raw) ? raw : [raw]) out.push(...d.push(c));
  out.push(...d.flush());
  return out.map((k) => ('text' in k ? `${k.name}:${k.text}` : k.name));
};

describe('key decoding', () => {
  it('keeps Backspace and Delete apart', () => {
    expect(names('\x7f')).toEqual(['backspace']);
    expect(names('\x08')).toEqual(['backspace']);
    expect(names('\x1b[3~')).toEqual(['delete']);
  });
  it('names control and Alt keys', () => {
    expect(names('\x01\x05\x0b\x15\x17\x19')).toEqual(['C-a', 'C-e', 'C-k', 'C-u', 'C-w', 'C-y']);
    expect(names('\x1bb\x1bf\x1by\x1b\x7f')).toEqual(['M-b', 'M-f', 'M-y', 'M-backspace']);
  });
  it('names arrows and Home/End in their CSI and SS3 forms', () => {
    expect(names('\x1b[A\x1b[B\x1b[C\x1b[D')).toEqual(['up', 'down', 'right', 'left']);
    expect(names('\x1bOA\x1bOD\x1bOH\x1bOF')).toEqual(['up', 'left', 'home', 'end']);
    expect(names('\x1b[1~\x1b[4~\x1b[7~\x1b[8~')).toEqual(['home', 'end', 'home', 'end']);
  });
  it('splits a typed-ahead chunk at line ends', () => {
    expect(names('echo hi\rls\r')).toEqual(['insert:echo hi', 'enter', 'insert:ls', 'enter']);
    expect(names('a\r\nb')).toEqual(['insert:a', 'enter', 'insert:b']);
  });
  it('finishes a sequence split across chunks', () => {
    expect(names(['ab\x1b', '[D'])).toEqual(['insert:ab', 'left']);
    expect(names(['\x1b[', '3~'])).toEqual(['delete']);
  });
  it('a lone ESC is Escape once flushed', () => {
    expect(names('\x1b')).toEqual(['escape']);
  });
  it('takes a bracketed paste whole, even across chunks', () => {
    expect(names('\x1b[200~line 1\nline 2\x1b[201~')).toEqual(['paste:line 1\nline 2']);
    expect(names(['\x1b[200~one\r\ntw', 'o\n\x1b[20', '1~x'])).toEqual(['paste:one\ntwo', 'insert:x']);
  });
});
