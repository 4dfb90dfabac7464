// The checker merges explanations with `sameState` and buckets them by `stateHash`: both must
// agree with Immutable's `is` on every value, whatever shape the tries took.
import fc from 'fast-check';
import { Map, Record, is } from 'immutable';
import { describe, expect, it } from 'vitest';
import { differingKeys, sameState, stateHash } from '../../monitor/state-equality.ts';
import { propertyRuns } from '../support/property-runs.ts';

const Pair = Record<{ left: Map<number, unknown>; right: number }>({ left: Map(), right: 0 });

type Update = readonly [key: number, value: number | null];
const updates = fc.array(fc.tuple(fc.integer({ min: 0, max: 70 }), fc.option(fc.integer({ min: 0, max: 3 }))), { maxLength: 90 });

/** Sets (or, for null, deletes) keys; values nest one level: a number, or a small map. */
const apply = (map: Map<number, unknown>, list: readonly Update[]): Map<number, unknown> =>
  list.reduce((m, [k, v]) => (v === null ? m.delete(k) : m.set(k, k % 7 === 0 ? Map({ v, k: k % 3 }) : v)), map);

describe('state equality', () => {
  it('agrees with Immutable.is, and equal states hash equal', () => {
    fc.assert(
      fc.property(updates, updates, updates, fc.boolean(), (base, first, second, permute) => {
        const common = apply(Map(), base);
        // Often the same updates in another order (the merge case), else other updates.
        const other = permute ? [...first].reverse().filter(([k], i, all) => all.findIndex(([j]) => j === k) === i) : second;
        const mine = permute ? first.filter(([k], i) => first.findLastIndex(([j]) => j === k) === i) : first;
        const a = Pair({ left: apply(common, mine), right: mine.length % 2 });
        const b = Pair({ left: apply(permute ? common : apply(Map(), base), other), right: other.length % 2 });
        for (const [x, y] of [[a, b], [a.left, b.left], [a, a.set('left', apply(Map(), [...a.left.entries()].map(([k, v]) => [k, typeof v === 'number' ? v : null] as const)))]] as const) {
          expect(sameState(x, y)).toBe(is(x, y));
          if (is(x, y)) expect(stateHash(x)).toBe(stateHash(y));
        }
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('names every key whose entries differ between two maps (differingKeys)', () => {
    // Sparse keys too: trie nodes of a few children are compressed by a bitmap, which must agree.
    const sparse = fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 5000 })), fc.option(fc.integer({ min: 0, max: 3 }))), { maxLength: 40 });
    fc.assert(
      fc.property(sparse, sparse, sparse, fc.boolean(), (base, first, second, shared) => {
        // Shared: both grew from one map (the merge case); else built apart, sharing nothing.
        const a = apply(apply(Map(), base), first);
        const b = apply(shared ? apply(Map(), base) : apply(Map(), [...base].reverse()), second);
        const named = differingKeys(a, b);
        for (const key of new Set([...a.keys(), ...b.keys()])) {
          if (a.has(key) !== b.has(key) || !is(a.get(key), b.get(key))) expect(named.has(key), `key ${key}`).toBe(true);
        }
        expect(differingKeys(a, a).size).toBe(0);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('leaves the hashed values as they were: no property shows in a spec\'s own objects', () => {
    const version = { v: 1 };
    const state = Pair({ left: Map<number, unknown>(Array.from({ length: 40 }, (_, k) => [k, k === 7 ? version : k])), right: 1 });
    stateHash(state);
    expect(Reflect.ownKeys(version)).toEqual(['v']);
    expect(Object.getOwnPropertySymbols(state)).toEqual([]);
    expect(Object.getOwnPropertySymbols(state.left)).toEqual([]);
  });
});
