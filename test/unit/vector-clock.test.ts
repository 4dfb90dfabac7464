import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockLessOrEqual, clockSum, compareClocks, concurrent, happenedBefore, mergeClocks } from '../../instrumentation/index.ts';
import type { ClockOrder, VectorClock } from '../../instrumentation/index.ts';
import { propertyRuns } from '../support/property-runs.ts';

const PROCS = ['a', 'b', 'c'] as const;
const smallClock = fc.dictionary(fc.constantFrom(...PROCS), fc.integer({ min: 0, max: 3 }));

/** The slow reference: both clocks expanded to full vectors over PROCS, then compared entry by entry. */
function referenceOrder(a: VectorClock, b: VectorClock): ClockOrder {
  const full = (clock: VectorClock): number[] => PROCS.map((proc) => clock[proc] ?? 0);
  const x = full(a);
  const y = full(b);
  const xLessOrEqual = x.every((value, i) => value <= (y[i] ?? 0));
  const yLessOrEqual = y.every((value, i) => value <= (x[i] ?? 0));
  if (xLessOrEqual && yLessOrEqual) return 'equal';
  if (xLessOrEqual) return 'before';
  if (yLessOrEqual) return 'after';
  return 'concurrent';
}

describe('clockLessOrEqual', () => {
  it('counts omitted entries as 0', () => {
    expect(clockLessOrEqual({ a: 1 }, { a: 1, b: 0 })).toBe(true);
    expect(clockLessOrEqual({ a: 1, b: 0 }, { a: 1 })).toBe(true);
  });

  it('holds when every entry is at most the other', () => {
    expect(clockLessOrEqual({ a: 1, b: 2 }, { a: 1, b: 3, c: 1 })).toBe(true);
  });

  it('fails when one entry is larger', () => {
    expect(clockLessOrEqual({ a: 2 }, { a: 1, b: 5 })).toBe(false);
  });

  it('fails when an entry the other omits is positive', () => {
    expect(clockLessOrEqual({ a: 1, b: 1 }, { a: 1 })).toBe(false);
  });

  it('treats the empty clock as below every clock', () => {
    expect(clockLessOrEqual({}, { a: 3 })).toBe(true);
    expect(clockLessOrEqual({}, {})).toBe(true);
  });
});

describe('compareClocks', () => {
  it('calls clocks equal when they differ only by entries of 0', () => {
    expect(compareClocks({ a: 1 }, { a: 1, b: 0 })).toBe('equal');
    expect(compareClocks({ a: 0 }, {})).toBe('equal');
  });

  it('calls identical clocks equal', () => {
    expect(compareClocks({ a: 2, b: 1 }, { b: 1, a: 2 })).toBe('equal');
  });

  it('says before when the first is below the second', () => {
    expect(compareClocks({ a: 1 }, { a: 1, b: 1 })).toBe('before');
    expect(compareClocks({ a: 1, b: 2 }, { a: 2, b: 2 })).toBe('before');
  });

  it('says after when the first is above the second', () => {
    expect(compareClocks({ a: 2, b: 1 }, { a: 1 })).toBe('after');
  });

  it('says concurrent when each has an entry larger than the other', () => {
    expect(compareClocks({ a: 2, b: 0 }, { a: 1, b: 1 })).toBe('concurrent');
    expect(compareClocks({ a: 1 }, { b: 1 })).toBe('concurrent');
  });

  it('agrees with the full-vector reference on small clocks', () => {
    fc.assert(
      fc.property(smallClock, smallClock, (a, b) => {
        expect(compareClocks(a, b)).toBe(referenceOrder(a, b));
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('is antisymmetric: swapping the clocks swaps before and after', () => {
    const swapped: Record<ClockOrder, ClockOrder> = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' };
    fc.assert(
      fc.property(smallClock, smallClock, (a, b) => {
        expect(compareClocks(b, a)).toBe(swapped[compareClocks(a, b)]);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('happenedBefore', () => {
  it('holds when the first clock is strictly below the second', () => {
    expect(happenedBefore({ a: 1 }, { a: 2 })).toBe(true);
    expect(happenedBefore({ a: 1 }, { a: 1, b: 1 })).toBe(true);
  });

  it('does not hold for equal clocks, omitted zeros included', () => {
    expect(happenedBefore({ a: 1 }, { a: 1 })).toBe(false);
    expect(happenedBefore({ a: 1 }, { a: 1, b: 0 })).toBe(false);
  });

  it('does not hold backwards or for concurrent clocks', () => {
    expect(happenedBefore({ a: 2 }, { a: 1 })).toBe(false);
    expect(happenedBefore({ a: 1 }, { b: 1 })).toBe(false);
  });

  it('matches compareClocks saying before', () => {
    fc.assert(
      fc.property(smallClock, smallClock, (a, b) => {
        expect(happenedBefore(a, b)).toBe(referenceOrder(a, b) === 'before');
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('concurrent', () => {
  it('holds when neither clock is below the other', () => {
    expect(concurrent({ a: 1, b: 0 }, { b: 1 })).toBe(true);
  });

  it('does not hold for ordered or equal clocks', () => {
    expect(concurrent({ a: 1 }, { a: 2 })).toBe(false);
    expect(concurrent({ a: 2 }, { a: 1 })).toBe(false);
    expect(concurrent({ a: 1 }, { a: 1, b: 0 })).toBe(false);
  });
});

describe('mergeClocks', () => {
  it('takes the component-wise maximum over the union of the keys', () => {
    expect(mergeClocks({ a: 3, b: 1 }, { b: 2, c: 5 })).toEqual({ a: 3, b: 2, c: 5 });
  });

  it('keeps the larger entry of the first clock', () => {
    expect(mergeClocks({ a: 4 }, { a: 2 })).toEqual({ a: 4 });
  });

  it('does not mutate its inputs', () => {
    const a = Object.freeze({ a: 1, b: 4 });
    const b = Object.freeze({ b: 2, c: 3 });
    const merged = mergeClocks(a, b);
    expect(a).toEqual({ a: 1, b: 4 });
    expect(b).toEqual({ b: 2, c: 3 });
    expect(merged).not.toBe(a);
    expect(merged).not.toBe(b);
  });

  it('returns a new clock even when the second is empty', () => {
    const a = { a: 1 };
    const merged = mergeClocks(a, {});
    expect(merged).toEqual({ a: 1 });
    merged['a'] = 9;
    expect(a).toEqual({ a: 1 });
  });

  it('is the least upper bound of both clocks', () => {
    fc.assert(
      fc.property(smallClock, smallClock, (a, b) => {
        const merged = mergeClocks(a, b);
        expect(clockLessOrEqual(a, merged)).toBe(true);
        expect(clockLessOrEqual(b, merged)).toBe(true);
        for (const proc of PROCS) expect(merged[proc] ?? 0).toBe(Math.max(a[proc] ?? 0, b[proc] ?? 0));
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('clockSum', () => {
  it('adds up every entry', () => {
    expect(clockSum({ a: 3, b: 4, c: 0 })).toBe(7);
  });

  it('is 0 for the empty clock', () => {
    expect(clockSum({})).toBe(0);
  });

  it('strictly increases along happens-before', () => {
    fc.assert(
      fc.property(smallClock, smallClock, fc.constantFrom(...PROCS), (a, other, proc) => {
        // A later event of `proc` after receiving `other`: merge, then count the new event.
        const merged = mergeClocks(a, other);
        const b = { ...merged, [proc]: (merged[proc] ?? 0) + 1 };
        expect(happenedBefore(a, b)).toBe(true);
        expect(clockSum(a)).toBeLessThan(clockSum(b));
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('process names that are also Object.prototype names', () => {
  it('counts only own entries, so "constructor" and "toString" are ordinary processes', () => {
    expect(compareClocks({ constructor: 1 }, { x: 1 })).toBe('concurrent');
    expect(happenedBefore({ toString: 1 }, { x: 1 })).toBe(false);
    expect(clockLessOrEqual({ constructor: 5 }, {})).toBe(false);
  });

  it('merges a "__proto__" entry as a plain entry', () => {
    const merged = mergeClocks({}, JSON.parse('{"__proto__":1}') as Record<string, number>);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(clockSum(merged)).toBe(1);
  });
});
