// Colouring the line: which words are commands, and how each is told apart.
import { describe, expect, it } from 'vitest';
import { commandWords, highlight, type CommandKind } from '../../shell/ui/highlight.js';

const kinds: Record<string, CommandKind> = { echo: 'builtin', ls: 'command', f: 'function', nosuch: 'unknown' };
const classify = (n: string): CommandKind => kinds[n] ?? 'pending';
const styles = (src: string) => highlight(src, classify).map((s) => `${s.style}:${s.text}`);

describe('highlight', () => {
  it('tells builtins, functions, found and unknown commands apart', () => {
    expect(styles('echo x')).toEqual(['builtin:echo', 'plain: x']);
    expect(styles('ls; f | nosuch')).toEqual(['command:ls', 'op:;', 'plain: ', 'function:f', 'plain: ', 'op:|', 'plain: ', 'unknown:nosuch']);
  });
  it('colours keywords, quotes, variables and comments', () => {
    expect(styles("if(~ $x 'a b') echo # c")).toEqual([
      'keyword:if',
      'op:(',
      'keyword:~',
      'plain: ',
      'var:$x',
      'plain: ',
      "quote:'a b'",
      'op:)',
      'plain: ',
      'builtin:echo',
      'plain: ',
      'comment:# c',
    ]);
  });
  it('marks an open quote, an unclosed brace and a stray closer', () => {
    expect(styles("echo 'abc")).toContain("error:'abc");
    expect(styles('{ echo')[0]).toBe('error:{');
    expect(styles('echo }')).toContain('error:}');
  });
  it('finds command words after assignments, pipes, braces and if not', () => {
    expect(commandWords('x=1 ls | wc -l; { cat } && if not grep a b')).toEqual(['ls', 'wc', 'cat', 'grep']);
    expect(commandWords('for(i in a b) echo $i')).toEqual(['echo']);
    expect(commandWords('x=(a b) y=c ls')).toEqual(['ls']);
    expect(commandWords('fn foo { bar }')).toEqual(['bar']);
    expect(commandWords('echo `{date} >file')).toEqual(['echo', 'date']);
    expect(commandWords('switch($x){\ncase a b\n\tls\n}')).toEqual(['ls']);
  });
});
