import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOCK_HEADER, decodeClockHeader, encodeClockHeader } from '../../instrumentation/clock-header.ts';
import type { VectorClock } from '../../instrumentation/vector-clock.ts';
import { propertyRuns } from '../support/property-runs.ts';

/** A clock built with own data properties, so "__proto__" is an entry like any other. */
function clockOf(entries: ReadonlyArray<readonly [string, number]>): VectorClock {
  const clock: Record<string, number> = {};
  for (const [proc, count] of entries) Object.defineProperty(clock, proc, { value: count, enumerable: true, writable: true, configurable: true });
  return clock;
}

const entriesOf = (clock: VectorClock): Array<[string, number]> => Object.keys(clock).map((proc) => [proc, clock[proc]!]);

// Names with the separators, the escape character, unicode (surrogate pairs included) and the
// names a plain object would mistake for its prototype.
const procName = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(',', '=', '%', ' ', '@', 'é', '😀', 'a', '%2C') }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'worker-17@3fa9c2d1', '%', ',', '='),
);
const clock = fc
  .uniqueArray(fc.tuple(procName, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })), { selector: ([proc]) => proc, maxLength: 30 })
  .map(clockOf);

describe('clock header', () => {
  it('is named specwatch-clock', () => {
    expect(CLOCK_HEADER).toBe('specwatch-clock');
  });

  it('encodes entries as proc=count, percent-encoding the name and keeping @ readable', () => {
    expect(encodeClockHeader({ 'api@19c2': 40, 'worker-1@7f3a': 12 })).toBe('api@19c2=40,worker-1@7f3a=12');
    expect(encodeClockHeader({ 'a,b=c%': 1, 'é': 2 })).toBe('a%2Cb%3Dc%25=1,%C3%A9=2');
  });

  it('omits entries of 0, and the empty clock is the empty value', () => {
    expect(encodeClockHeader({ a: 0, b: 3 })).toBe('b=3');
    expect(encodeClockHeader({})).toBe('');
    expect(decodeClockHeader('')).toEqual({});
  });

  it('round-trips every clock, names included', () => {
    fc.assert(
      fc.property(clock, (c) => {
        const decoded = decodeClockHeader(encodeClockHeader(c));
        expect(decoded).toBeDefined();
        expect(entriesOf(decoded!)).toEqual(entriesOf(c));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('keeps "__proto__" and "constructor" as own data properties', () => {
    const decoded = decodeClockHeader('__proto__=3,constructor=2')!;
    expect(Object.hasOwn(decoded, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toBe(3);
    expect(Object.getOwnPropertyDescriptor(decoded, 'constructor')?.value).toBe(2);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('accepts spaces around entries, as repeated HTTP headers are joined with ", "', () => {
    expect(entriesOf(decodeClockHeader('a=1, b=2 ,\tc=3')!)).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  it('accepts any valid percent-encoding and entries of 0', () => {
    expect(entriesOf(decodeClockHeader('%61%40x=1,b=0')!)).toEqual([['a@x', 1], ['b', 0]]);
  });

  it.each([
    ['no =', 'a'],
    ['empty name', '=1'],
    ['empty count', 'a='],
    ['empty entry', 'a=1,,b=2'],
    ['trailing comma', 'a=1,'],
    ['leading comma', ',a=1'],
    ['two =', 'a=1=2'],
    ['negative', 'a=-1'],
    ['plus sign', 'a=+1'],
    ['fraction', 'a=1.5'],
    ['exponent', 'a=1e3'],
    ['hex', 'a=0x10'],
    ['leading zero', 'a=01'],
    ['not a number', 'a=NaN'],
    ['infinity', 'a=Infinity'],
    ['beyond 2^53 - 1', 'a=9007199254740992'],
    ['space inside the count', 'a=1 2'],
    ['space inside the name', 'a b=1'],
    ['duplicate name', 'a=1,b=2,a=3'],
    ['duplicate name, spelt differently', 'a=1,%61=2'],
    ['duplicate "__proto__"', '__proto__=1,__proto__=2'],
    ['bad escape', 'a%2=1'],
    ['escape of invalid UTF-8', '%FF=1'],
    ['lone surrogate escape', '%ED%A0%80=1'],
    ['raw non-ASCII name', 'é=1'],
    ['control character', 'a\u0001=1'],
    ['name over 200 characters', `${'x'.repeat(201)}=1`],
  ])('rejects %s', (_why, text) => {
    expect(decodeClockHeader(text)).toBeUndefined();
  });

  it('rejects more entries than the limit, 1024 by default', () => {
    const entries = (n: number): string => Array.from({ length: n }, (_, i) => `p${i}=1`).join(',');
    expect(Object.keys(decodeClockHeader(entries(1024))!)).toHaveLength(1024);
    expect(decodeClockHeader(entries(1025))).toBeUndefined();
    expect(decodeClockHeader(entries(3), { maxEntries: 2 })).toBeUndefined();
    expect(decodeClockHeader(entries(2), { maxEntries: 2 })).toBeDefined();
  });

  it('rejects text longer than the limit, 64 KiB by default', () => {
    const long = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(200, 'x')}=1`).join(','); // 80 KB
    expect(long.length).toBeGreaterThan(64 * 1024);
    expect(decodeClockHeader(long)).toBeUndefined();
    expect(decodeClockHeader(long, { maxLength: 100_000 })).toBeDefined();
    expect(decodeClockHeader('abc=1', { maxLength: 4 })).toBeUndefined();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('a', '=', ',', '%', '1', '0', '-', ' ', 'F') })), (text) => {
        const decoded = decodeClockHeader(text);
        if (decoded !== undefined) for (const proc of Object.keys(decoded)) expect(Number.isSafeInteger(decoded[proc]) && decoded[proc]! >= 0).toBe(true);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });
});
