import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentDigest } from '../../monitor/index.ts';
import { sameContent } from '../../monitor/content-digest.ts';
import { propertyRuns } from '../support/property-runs.ts';

/** The same JSON content with the keys of every object, at every depth, in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value === 'object' && value !== null) {
    // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
    return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reverseKeys(item)]));
  }
  return value;
}

describe('contentDigest: key order does not matter', () => {
  it('is equal for the same object with top-level keys in another order', () => {
    expect(contentDigest({ proc: 'p', seq: 1, action: 'A' })).toBe(contentDigest({ action: 'A', seq: 1, proc: 'p' }));
  });

  it('is equal for the same content with nested keys in another order', () => {
    const a = { params: { id: 1, version: 2, tags: [{ x: 1, y: 2 }] }, vc: { p: 1, q: 3 } };
    const b = { vc: { q: 3, p: 1 }, params: { tags: [{ y: 2, x: 1 }], version: 2, id: 1 } };
    expect(contentDigest(a)).toBe(contentDigest(b));
  });

  it('treats -0 and 0 as the same number, as JSON does', () => {
    expect(contentDigest(JSON.parse('{"x":-0}'))).toBe(contentDigest(JSON.parse('{"x":0}')));
  });

  it('is the same for the same value digested twice', () => {
    const value = { a: [1, 'two', null, true], b: { c: {} } };
    const first = contentDigest(value);
    contentDigest({ something: 'else' });
    expect(contentDigest(value)).toBe(first);
  });
});

describe('contentDigest: any difference in content changes it', () => {
  it('tells the number 1 from the string "1"', () => {
    expect(contentDigest({ id: 1 })).not.toBe(contentDigest({ id: '1' }));
  });

  it('tells true from false', () => {
    expect(contentDigest({ done: true })).not.toBe(contentDigest({ done: false }));
  });

  it('tells a null field from a missing one', () => {
    expect(contentDigest({ a: 1, b: null })).not.toBe(contentDigest({ a: 1 }));
  });

  it('tells a change in a nested param', () => {
    const a = { action: 'CreateContent', params: { id: 1, meta: { version: 1 } } };
    const b = { action: 'CreateContent', params: { id: 1, meta: { version: 2 } } };
    expect(contentDigest(a)).not.toBe(contentDigest(b));
  });

  it('keeps array order', () => {
    expect(contentDigest([1, 2, 3])).not.toBe(contentDigest([3, 2, 1]));
    expect(contentDigest({ list: ['a', 'b'] })).not.toBe(contentDigest({ list: ['b', 'a'] }));
  });

  it('tells values swapped between keys', () => {
    expect(contentDigest({ a: 1, b: 2 })).not.toBe(contentDigest({ a: 2, b: 1 }));
  });

  it('tells a renamed key', () => {
    expect(contentDigest({ a: 1 })).not.toBe(contentDigest({ b: 1 }));
  });

  it('tells an empty array from an empty object, and an empty string from null', () => {
    expect(contentDigest([])).not.toBe(contentDigest({}));
    expect(contentDigest('')).not.toBe(contentDigest(null));
  });

  it('tells a field moved into a nested object', () => {
    expect(contentDigest({ a: { b: 1 } })).not.toBe(contentDigest({ a: {}, b: 1 }));
  });
});

describe('contentDigest: the value', () => {
  it.each<[string, unknown]>([
    ['an event', { sw: 1, proc: 'p', seq: 1, vc: { p: 1 }, action: 'A', params: {} }],
    ['null', null],
    ['a string', 'text'],
    ['a number', 1.5],
    ['an empty object', {}],
    ['a nested array', [[[]]]],
  ])('is a safe integer for %s', (_name, value) => {
    expect(Number.isSafeInteger(contentDigest(value))).toBe(true);
  });

  it('is a non-negative safe integer for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const digest = contentDigest(value);
        expect(Number.isSafeInteger(digest)).toBe(true);
        expect(digest).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('contentDigest: properties', () => {
  it('keeps the digest when the keys of every object are reordered', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(contentDigest(reverseKeys(value))).toBe(contentDigest(value));
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('keeps the digest through JSON.stringify and JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reparsed: unknown = JSON.parse(JSON.stringify(value));
        expect(contentDigest(reparsed)).toBe(contentDigest(value));
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

/** The reference for sameContent: JSON text with the keys of every object sorted (and -0 as 0). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('sameContent: the exact comparison behind a digest match', () => {
  // A small alphabet, so that equal and nearly equal pairs come up often.
  const small = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(0, -0, 1, 'a', 'b', true, null), fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', '__proto__'), tie('value'), { maxKeys: 3 })),
  })).value;

  it('agrees with comparing canonical JSON text', () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(sameContent(a, b)).toBe(canonical(a) === canonical(b));
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('holds for any value and its copy with every object\'s keys reversed', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => sameContent(reverseKeys(value), value)), { numRuns: propertyRuns(200) });
  });

  it('tells apart values a digest might confuse: an array from an object, a missing key from a null one', () => {
    expect(sameContent([1], { 0: 1 })).toBe(false);
    expect(sameContent({ a: null }, {})).toBe(false);
    expect(sameContent({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
  });
});
