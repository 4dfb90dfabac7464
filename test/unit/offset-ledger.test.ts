import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetLedger } from '../../adapters/kafka/offset-ledger.ts';
import { propertyRuns } from '../support/property-runs.ts';

describe('OffsetLedger', () => {
  it('commits up to the oldest unfinished record, then past the last one received', () => {
    const ledger = new OffsetLedger();
    for (const offset of [10, 11, 12, 13]) ledger.received(0, offset);
    ledger.finished(0, 10);
    ledger.finished(0, 12);
    expect(ledger.committable()).toEqual(new Map([[0, 11]]));
    ledger.finished(0, 11);
    expect(ledger.committable()).toEqual(new Map([[0, 13]]));
    ledger.finished(0, 13);
    expect(ledger.committable()).toEqual(new Map([[0, 14]]));
  });

  it('counts a record read again after a consumer restart once, and ignores unknown offsets', () => {
    const ledger = new OffsetLedger();
    ledger.received(3, 5);
    ledger.received(3, 6);
    ledger.received(3, 5);
    ledger.finished(3, 99);
    expect(ledger.committable()).toEqual(new Map([[3, 5]]));
    // Finishing 5 once is enough: the second delivery was not a record of its own.
    ledger.finished(3, 5);
    expect(ledger.committable()).toEqual(new Map([[3, 6]]));
    ledger.finished(3, 6);
    expect(ledger.committable()).toEqual(new Map([[3, 7]]));
  });

  it('agrees with a plain set of unfinished offsets (the reference) on any finishing order', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 600 }), (count, picks) => {
      const ledger = new OffsetLedger();
      const unfinished = new Set<number>();
      for (let offset = 0; offset < count; offset++) {
        ledger.received(1, offset);
        unfinished.add(offset);
      }
      for (const pick of picks) {
        const offset = pick % count;
        ledger.finished(1, offset);
        unfinished.delete(offset);
        const expected = unfinished.size === 0 ? count : Math.min(...unfinished);
        expect(ledger.committable().get(1)).toBe(expected);
      }
    }), { numRuns: propertyRuns(200) });
  });
});
