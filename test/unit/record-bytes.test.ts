import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, decodeRecordBytes, invalidUtf8Offset } from '../../monitor/index.ts';
import { propertyRuns } from '../support/property-runs.ts';

const origin = { source: 'topic', partition: 0, offset: '7' };

/** The reference: the first bad sequence starts where the longest valid prefix ends (UTF-8 resynchronizes). */
function longestValidPrefix(bytes: Uint8Array): number {
  for (let end = bytes.length; end >= 0; end--) if (isUtf8(bytes.subarray(0, end))) return end;
  return 0;
}

// Valid text around the byte patterns that break UTF-8: stray continuation bytes, overlong forms,
// surrogates, code points past U+10FFFF, truncated sequences, bytes that never occur.
const pieces = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => [...Buffer.from(s)]),
  fc.constantFrom([0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
    [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xff], [0xfe]),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
);
const records = fc.array(pieces, { maxLength: 8 }).map((parts) => Uint8Array.from(parts.flat()));

describe('invalidUtf8Offset', () => {
  it('is -1 exactly for UTF-8, else where the longest valid prefix ends (fast-check against isUtf8)', () => {
    fc.assert(
      fc.property(records, (bytes) => {
        const offset = invalidUtf8Offset(bytes);
        if (isUtf8(bytes)) expect(offset).toBe(-1);
        else expect(offset).toBe(longestValidPrefix(bytes));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('names the first bad byte of typical breakages', () => {
    expect(invalidUtf8Offset(Buffer.from('{"id":"Łódź"}'))).toBe(-1);
    expect(invalidUtf8Offset(Uint8Array.from([0x61, 0xff]))).toBe(1);
    expect(invalidUtf8Offset(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong "\0"
    expect(invalidUtf8Offset(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0); // a surrogate
    expect(invalidUtf8Offset(Uint8Array.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2); // cut short
  });
});

describe('decodeRecordBytes', () => {
  it('decodes a UTF-8 record as decodeEvent does', () => {
    const text = '{"sw":1,"proc":"ł","seq":1,"vc":{"ł":1},"action":"A","params":{"id":"é"}}';
    expect(decodeRecordBytes(Buffer.from(text), origin)).toMatchObject({ type: 'event', event: { proc: 'ł', params: { id: 'é' } }, text });
  });

  it('rejects a record that is not UTF-8 instead of reading U+FFFD into it, naming the byte', () => {
    const bytes = Buffer.concat([Buffer.from('{"sw":1,"proc":"a","seq":1,"vc":{"a":1},"action":"A","params":{"id":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
    expect(decodeRecordBytes(bytes, origin)).toEqual({
      type: 'diagnostic', kind: 'malformed', origin, field: '(event)',
      expected: 'UTF-8 text', got: `bytes that are not UTF-8 (0xff at byte ${bytes.indexOf(0xff)} of ${bytes.length})`,
    });
  });

  it('rejects a record over the size limit before reading it', () => {
    const limits = { ...DEFAULT_LIMITS, maxEventBytes: 10 };
    expect(decodeRecordBytes(Buffer.from('{"sw":1,"proc":"a"}'), origin, limits)).toMatchObject({ kind: 'malformed', expected: 'at most 10 bytes', got: '19 bytes' });
  });
});
