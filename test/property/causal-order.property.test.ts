import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTrace, perturb } from '../../examples/index.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import type { OrderedItem } from '../../monitor/index.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { detectableDrops, happensBeforeViolations, pastHoldsDrop, sortByDeliveryKey, uniqueById } from '../support/reference-order.ts';
import { deliveredEvents, idOf, orderEvents } from '../support/run-order.ts';

const shapes = fc.record({
  processes: fc.integer({ min: 1, max: 6 }),
  events: fc.integer({ min: 0, max: 40 }),
  messageProbability: fc.double({ min: 0, max: 1, noNaN: true }),
  seed: fc.integer(),
});
const perturbations = fc.record({
  seed: fc.integer(),
  shuffle: fc.oneof(fc.constant('full' as const), fc.integer({ min: 0, max: 8 })),
  duplicateProbability: fc.double({ min: 0, max: 0.3, noNaN: true }),
  dropProbability: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
});

// Each process's wall clock off by up to 3 ms, so the time key need not follow happens-before.
const skews = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 6, maxLength: 6 });
const skewed = (trace: readonly SpecEvent[], skew: readonly number[]): SpecEvent[] =>
  trace.map((e) => (e.time === undefined ? e : { ...e, time: e.time + skew[Number(/\d+/.exec(e.proc)?.[0] ?? 0) % skew.length]! }));

const diagnostics = (items: readonly OrderedItem[], kind: string) => items.filter((i) => i.type === 'diagnostic' && i.kind === kind);

function gapIds(items: readonly OrderedItem[]): Set<string> {
  const ids = new Set<string>();
  for (const item of items) {
    if (item.type === 'diagnostic' && item.kind === 'gap') for (let s = item.fromSeq; s <= item.toSeq; s++) ids.add(`${item.proc}#${s}`);
  }
  return ids;
}

describe('causalOrder against the reference semantics', () => {
  it('delivers every received event once, in happens-before order, naming exactly the detectable drops', () => {
    fc.assert(
      fc.property(shapes, perturbations, skews, (shape, how, skew) => {
        const trace = skewed([...generateTrace(shape)], skew);
        const { events: arrived, dropped } = perturb(trace, how);
        const items = orderEvents(arrived);
        const delivered = deliveredEvents(items);
        const received = uniqueById(arrived);

        expect(delivered.map(idOf).sort()).toEqual(received.map(idOf).sort());
        expect(happensBeforeViolations(delivered)).toEqual([]);
        expect(diagnostics(items, 'duplicate')).toHaveLength(arrived.length - received.length);
        expect(gapIds(items)).toEqual(detectableDrops(received, dropped));
        for (const item of items) {
          if (item.type === 'delivered') expect(item.afterGap, idOf(item.event)).toBe(pastHoldsDrop(item.event, dropped));
        }
        if (dropped.length === 0) expect(delivered).toEqual(sortByDeliveryKey(received));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('gives the same output for every arrival order of the same events, conflicts included', () => {
    fc.assert(
      fc.property(shapes, perturbations, fc.integer(), fc.double({ min: 0, max: 0.2, noNaN: true }), (shape, how, reshuffle, conflictRate) => {
        const trace = [...generateTrace(shape)];
        const { events } = perturb(trace, how);
        // Equivocation: some events also arrive a second time with other params.
        const withConflicts: SpecEvent[] = [...events];
        events.forEach((e, i) => {
          if ((i * 7919 + reshuffle) % 1000 < conflictRate * 1000) withConflicts.push({ ...e, params: { forged: i } });
        });
        const other = perturb(withConflicts, { seed: reshuffle, shuffle: 'full' }).events;
        const first = orderEvents(withConflicts);
        const second = orderEvents(other);
        expect(deliveredEvents(second)).toEqual(deliveredEvents(first));
        expect(diagnostics(second, 'conflict').length).toBe(diagnostics(first, 'conflict').length);
        expect(diagnostics(second, 'gap')).toEqual(diagnostics(first, 'gap'));
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('stays correct with a tiny hold limit: each record ends as exactly one outcome', () => {
    fc.assert(
      fc.property(shapes, perturbations, fc.integer({ min: 1, max: 6 }), (shape, how, maxHeld) => {
        const trace = [...generateTrace(shape)];
        const { events: arrived, dropped } = perturb(trace, how);
        const items = orderEvents(arrived, { maxHeld });
        const delivered = deliveredEvents(items);
        const late = diagnostics(items, 'late').map((d) => idOf(d as { proc: string; seq: number }));

        expect(happensBeforeViolations(delivered)).toEqual([]);
        expect(new Set(delivered.map(idOf)).size).toBe(delivered.length);
        // Every distinct received event is delivered or reported late; nothing vanishes.
        expect([...delivered.map(idOf), ...late].sort()).toEqual(expect.arrayContaining(uniqueById(arrived).map(idOf).sort()));
        // A gap names only events that never came, or came after it was declared.
        const absentOrLate = new Set([...dropped.map(idOf), ...late]);
        for (const id of gapIds(items)) expect(absentOrLate.has(id), id).toBe(true);
        const outcomes = items.filter((i) => i.type === 'delivered' || (i.kind !== 'gap')).length;
        expect(outcomes).toBe(arrived.length);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
