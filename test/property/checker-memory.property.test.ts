// Snapshots of old steps are a cache: the checker replays a dropped one from the nearest kept
// one. Keeping almost none must change no verdict, report or summary.
import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import counterRace from '../../examples/counter-race/spec.ts';
import uploader from '../../examples/uploader/spec.ts';
import type { Random } from '../../examples/index.ts';
import { checkConformance, type CheckItem, type ConformanceOptions } from '../../monitor/index.ts';
import type { Params, Spec } from '../../properties/index.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { orderEvents } from '../support/run-order.ts';
import { counterCandidates, specTrace, uploaderCandidates } from '../support/spec-traces.ts';

const shapes = (maxEvents: number) => fc.record({
  seed: fc.integer(),
  events: fc.integer({ min: 20, max: maxEvents }),
  processes: fc.integer({ min: 2, max: 4 }),
  messageProbability: fc.double({ min: 0, max: 1, noNaN: true }),
  mutationProbability: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
  reorderWindow: fc.constantFrom(6, 12, 1000),
  searchWindow: fc.constantFrom(2, 4, 16),
});

function check<S, L>(spec: Spec<S, L>, ordered: ReturnType<typeof orderEvents>, options: ConformanceOptions): CheckItem[] {
  const items: CheckItem[] = [];
  from(ordered).pipe(checkConformance(spec, options)).subscribe((item) => items.push(item));
  return items;
}

// The counter race has no footprint (every pair of concurrent events races), so its traces are shorter.
function sameWithFewSnapshots<S, L>(spec: Spec<S, L>, candidates: (random: Random) => Array<{ action: string; params: Params }>, maxEvents: number) {
  return fc.property(shapes(maxEvents), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 9 }), (shape, recent, every) => {
    const ordered = orderEvents(specTrace(spec, candidates, shape));
    const options = { reorderWindow: shape.reorderWindow, searchWindow: shape.searchWindow, maxConfigurations: 16 };
    expect(check(spec, ordered, { ...options, snapshots: { recent, every } })).toEqual(check(spec, ordered, options));
  });
}

describe('keeping fewer snapshots of old steps', () => {
  it('changes nothing on uploader traces', () => {
    fc.assert(sameWithFewSnapshots(uploader, uploaderCandidates, 60), { numRuns: propertyRuns(50) });
  }, 600_000);

  it('changes nothing on the counter race (nondeterministic steps are replayed the same way)', () => {
    fc.assert(sameWithFewSnapshots(counterRace, counterCandidates, 32), { numRuns: propertyRuns(100) });
  }, 600_000);
});
