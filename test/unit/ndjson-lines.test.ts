import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NdjsonLineSplitter } from '../../adapters/ndjson-lines.ts';
import type { NdjsonLine } from '../../adapters/ndjson-lines.ts';
import { propertyRuns } from '../support/property-runs.ts';

/** Every line the splitter gives for `chunks`, the end included. */
function splitAll(chunks: ReadonlyArray<string | Buffer>, maxLineBytes: number): NdjsonLine[] {
  const splitter = new NdjsonLineSplitter(maxLineBytes);
  const lines: NdjsonLine[] = [];
  for (const chunk of chunks) lines.push(...splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  lines.push(...splitter.end());
  return lines;
}

/** The UTF-8 bytes of `text` cut at the given byte positions (any order, repeats allowed). */
function cutAt(text: string | Buffer, positions: readonly number[]): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const cuts = [...new Set(positions.map((p) => p % (bytes.length + 1)))].sort((x, y) => x - y);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe('NdjsonLineSplitter: lines', () => {
  it('splits one chunk into numbered lines', () => {
    const splitter = new NdjsonLineSplitter(100);
    expect(splitter.push(Buffer.from('{"a":1}\n{"b":2}\n'))).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
    ]);
    expect(splitter.end()).toEqual([]);
  });

  it('holds a partial line until its newline arrives', () => {
    const splitter = new NdjsonLineSplitter(100);
    expect(splitter.push(Buffer.from('{"a"'))).toEqual([]);
    expect(splitter.push(Buffer.from(':1}'))).toEqual([]);
    expect(splitter.push(Buffer.from('\n'))).toEqual([{ line: 1, text: '{"a":1}' }]);
  });

  it('strips CRLF line endings', () => {
    expect(splitAll(['a\r\nb\r\n'], 100)).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
    ]);
  });

  it('strips a CR that arrives in the chunk before its LF', () => {
    expect(splitAll(['a\r', '\nb\r', '\n'], 100)).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
    ]);
  });

  it('strips only the last CR of a line', () => {
    expect(splitAll(['a\rb\r\r\n'], 100)).toEqual([{ line: 1, text: 'a\rb\r' }]);
  });

  it('skips blank and whitespace-only lines but still counts them', () => {
    expect(splitAll(['first\n\n   \n\t \r\nlast\n'], 100)).toEqual([
      { line: 1, text: 'first' },
      { line: 5, text: 'last' },
    ]);
  });

  it('keeps leading and trailing spaces of a non-blank line', () => {
    expect(splitAll(['  {"a":1}  \n'], 100)).toEqual([{ line: 1, text: '  {"a":1}  ' }]);
  });

  it('returns the last line without a trailing newline from end()', () => {
    const splitter = new NdjsonLineSplitter(100);
    expect(splitter.push(Buffer.from('one\ntwo'))).toEqual([{ line: 1, text: 'one' }]);
    expect(splitter.end()).toEqual([{ line: 2, text: 'two' }]);
  });

  it('returns nothing more from a second end()', () => {
    const splitter = new NdjsonLineSplitter(100);
    splitter.push(Buffer.from('one'));
    expect(splitter.end()).toEqual([{ line: 1, text: 'one' }]);
    expect(splitter.end()).toEqual([]);
  });

  it('returns nothing from end() when the input ended with a newline', () => {
    const splitter = new NdjsonLineSplitter(100);
    splitter.push(Buffer.from('one\n'));
    expect(splitter.end()).toEqual([]);
  });
});

describe('NdjsonLineSplitter: over-long lines', () => {
  it('accepts a line of exactly maxLineBytes', () => {
    expect(splitAll(['12345\n'], 5)).toEqual([{ line: 1, text: '12345' }]);
  });

  it('counts a line over maxLineBytes instead of returning its text', () => {
    const lines = splitAll(['abc\n0123456789\nxyz\n'], 5);
    expect(lines).toEqual([
      { line: 1, text: 'abc' },
      { line: 2, oversizeBytes: 10 },
      { line: 3, text: 'xyz' },
    ]);
    expect(lines[1]).not.toHaveProperty('text');
  });

  it('counts an over-long line that spans chunks and continues correctly after it', () => {
    expect(splitAll(['ok\n0123', '4567', '89\nnext\n'], 5)).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, oversizeBytes: 10 },
      { line: 3, text: 'next' },
    ]);
  });

  it('counts an over-long last line without a trailing newline', () => {
    expect(splitAll(['ok\n0123', '456789'], 5)).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, oversizeBytes: 10 },
    ]);
  });

  it('reduces a 10 MB line fed in 1 KB chunks to one oversize record', () => {
    const splitter = new NdjsonLineSplitter(1000);
    const chunk = 'x'.repeat(1024);
    const chunks = 10 * 1024;
    const lines: NdjsonLine[] = [];
    for (let i = 0; i < chunks; i++) lines.push(...splitter.push(Buffer.from(chunk)));
    lines.push(...splitter.push(Buffer.from('\n{"after":true}\n')));
    lines.push(...splitter.end());
    expect(lines).toEqual([
      { line: 1, oversizeBytes: 10 * 1024 * 1024 },
      { line: 2, text: '{"after":true}' },
    ]);
  });
});

describe('NdjsonLineSplitter: chunk boundaries do not matter', () => {
  // Printable text without line breaks, or whitespace-only text (a blank line).
  const lineText = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/[^\S \t]/.test(s)),
    fc.constantFrom('', ' ', '  \t'),
  );
  const inputs = fc.record({
    lines: fc.array(fc.record({ text: lineText, crlf: fc.boolean() }), { maxLength: 12 }),
    finalNewline: fc.boolean(),
    maxLineBytes: fc.integer({ min: 0, max: 30 }),
    cuts: fc.array(fc.nat(), { maxLength: 10 }),
  });

  it('gives the same lines and line numbers as one chunk, and as the line-by-line reference', () => {
    fc.assert(
      fc.property(inputs, ({ lines, finalNewline, maxLineBytes, cuts }) => {
        const raw = lines.map(({ text, crlf }) => (crlf ? `${text}\r` : text));
        const input = raw.join('\n') + (finalNewline && raw.length > 0 ? '\n' : '');

        const expected: NdjsonLine[] = [];
        raw.forEach((units, i) => {
          const text = units.endsWith('\r') ? units.slice(0, -1) : units;
          if (Buffer.byteLength(text) > maxLineBytes) expected.push({ line: i + 1, oversizeBytes: Buffer.byteLength(text) });
          else if (!/^[ \t]*$/.test(text)) expected.push({ line: i + 1, text });
        });

        const whole = splitAll([input], maxLineBytes);
        expect(whole).toEqual(expected);
        expect(splitAll(cutAt(input, cuts), maxLineBytes)).toEqual(whole);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('gives the same lines when fed one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(lineText, { maxLength: 8 }), (lines) => {
        const input = Buffer.from(lines.join('\n'));
        const bytes = Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1));
        expect(splitAll(bytes, 8)).toEqual(splitAll([input], 8));
      }),
      { numRuns: propertyRuns(100) },
    );
  });

  it('decodes a multi-byte character split across two chunks', () => {
    const bytes = Buffer.from('{"name":"Łódź"}\n');
    const cut = bytes.indexOf(Buffer.from('ó')) + 1;
    const splitter = new NdjsonLineSplitter(100);
    expect([...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))]).toEqual([{ line: 1, text: '{"name":"Łódź"}' }]);
  });

  it('gives a line that is not UTF-8 as its bytes, wherever the chunks are cut (fast-check against a per-line reference)', () => {
    const bad = fc.constantFrom([0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]);
    const line = fc.tuple(lineText, fc.option(fc.tuple(bad, fc.nat()), { freq: 2 })).map(([text, broken]) => {
      const bytes = [...Buffer.from(text)];
      if (broken !== null) bytes.splice(broken[1] % (bytes.length + 1), 0, ...broken[0]);
      return Buffer.from(bytes);
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), fc.integer({ min: 0, max: 30 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, maxLineBytes, cuts) => {
        const input = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
        const expected: NdjsonLine[] = [];
        lines.forEach((bytes, i) => {
          if (bytes.length > maxLineBytes) expected.push({ line: i + 1, oversizeBytes: bytes.length });
          else if (!isUtf8(bytes)) expected.push({ line: i + 1, notUtf8: bytes });
          else if (!/^[ \t]*$/.test(bytes.toString())) expected.push({ line: i + 1, text: bytes.toString() });
        });
        expect(splitAll([input], maxLineBytes)).toEqual(expected);
        expect(splitAll(cutAt(input, cuts), maxLineBytes)).toEqual(expected);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    const splitter = new NdjsonLineSplitter(10);
    expect(splitter.push(Buffer.from('ééééé\néééééé\n'))).toEqual([{ line: 1, text: 'ééééé' }, { line: 2, oversizeBytes: 12 }]);
  });
});
