// Each command's --help lists its options as a column: a new option (or a shared block of them)
// written with another width shows here, not as a ragged page.
import { describe, expect, it } from 'vitest';
import { specwatch } from '../support/run-cli.ts';

/** The column each option line's description starts at, per line of the help's "Options:" block. */
function descriptionColumns(help: string): Array<{ line: string; column: number | undefined }> {
  const lines = help.split('\n');
  const start = lines.indexOf('Options:');
  const block = lines.slice(start + 1, lines.indexOf('', start));
  return block.filter((line) => /^ {2}-/.test(line)).map((line) => {
    const gap = / {2,}(?=\S)/.exec(line.slice(2));
    return { line, column: gap === null ? undefined : 2 + gap.index + gap[0].length };
  });
}

describe('--help', () => {
  it.each(['order', 'check', 'ltl', 'timeline', 'publish', 'monitor'])('of %s lines its options up in one column', (command) => {
    const help = specwatch([command, '--help']);
    expect(help.status).toBe(0);
    const options = descriptionColumns(help.stdout);
    expect(options.length).toBeGreaterThan(1);
    const column = options.find((o) => o.line.includes('--help'))!.column;
    expect(options.filter((o) => o.column !== column).map((o) => o.line)).toEqual([]);
  });
});
