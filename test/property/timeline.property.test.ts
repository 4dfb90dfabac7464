import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTrace, type TraceShape } from '../../examples/index.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { causalPast, causalSort, happensBefore, messageArrows, projectClocks, shivizLog, timelineView } from '../../monitor/timeline/index.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { readShivizLog } from '../support/shiviz-reader.ts';

const shapes = fc.record({
  processes: fc.integer({ min: 1, max: 6 }),
  events: fc.integer({ min: 0, max: 40 }),
  messageProbability: fc.double({ min: 0, max: 1, noNaN: true }),
  seed: fc.integer(),
});
const masks = fc.array(fc.boolean(), { minLength: 40, maxLength: 40 });

/** A causally sorted trace and the positions of the events kept (the rest: lost, or cut away). */
function subsetOf(shape: TraceShape, mask: readonly boolean[]) {
  const events = causalSort(generateTrace(shape));
  return { events, kept: events.flatMap((_, i) => (mask[i] === false ? [] : [i])) };
}

/** Reference: `before[i][j]` iff kept event i happens before kept event j, by the original clocks. */
const happensBeforeMatrix = (events: readonly SpecEvent[], kept: readonly number[]): boolean[][] =>
  kept.map((i) => kept.map((j) => happensBefore(events[i]!, events[j]!)));

describe('the timeline model against slow obvious references', () => {
  it('projects clocks onto any subset without changing happens-before among its events, counting each process 1, 2, 3…', () => {
    fc.assert(fc.property(shapes, masks, (shape, mask) => {
      const { events, kept } = subsetOf(shape, mask);
      const projected = projectClocks(events, kept);
      const asEvents = projected.map((p) => ({ proc: p.proc, seq: p.rank, vc: p.clock }));
      expect(asEvents.map((a) => asEvents.map((b) => happensBefore(a, b)))).toEqual(happensBeforeMatrix(events, kept));
      const seen = new Map<string, number>();
      for (const p of projected) {
        seen.set(p.proc, (seen.get(p.proc) ?? 0) + 1);
        expect(p.rank).toBe(seen.get(p.proc));
      }
    }), { numRuns: propertyRuns(200) });
  });

  it('draws arrows exactly on the cross-process edges of the transitive reduction of happens-before', () => {
    fc.assert(fc.property(shapes, masks, (shape, mask) => {
      const { events, kept } = subsetOf(shape, mask);
      const before = happensBeforeMatrix(events, kept);
      const expected: string[] = [];
      kept.forEach((i, a) => kept.forEach((j, b) => {
        const direct = before[a]![b]! && !kept.some((_, c) => before[a]![c]! && before[c]![b]!);
        if (direct && events[i]!.proc !== events[j]!.proc) expected.push(`${a}->${b}`);
      }));
      expect(messageArrows(projectClocks(events, kept)).map((x) => `${x.from}->${x.to}`).sort()).toEqual(expected.sort());
    }), { numRuns: propertyRuns(200) });
  });

  it('finds by clocks the causal past that the arrows and process order reach', () => {
    fc.assert(fc.property(shapes, masks, (shape, mask) => {
      const { events, kept } = subsetOf(shape, mask);
      const sub = kept.map((i) => events[i]!);
      const edges = messageArrows(projectClocks(events, kept)).map((a) => [a.from, a.to] as const);
      sub.forEach((e, b) => {
        const previous = sub.findLastIndex((f, a) => a < b && f.proc === e.proc);
        if (previous >= 0) edges.push([previous, b]);
      });
      sub.forEach((_, target) => {
        const reached = new Set<number>();
        const walk = (at: number): void => {
          for (const [from, to] of edges) if (to === at && !reached.has(from)) walk((reached.add(from), from));
        };
        walk(target);
        expect(causalPast(sub, target)).toEqual([...reached].sort((x, y) => x - y));
      });
    }), { numRuns: propertyRuns(150) });
  });

  it('orders events the same whatever order they came in, each after its past', () => {
    fc.assert(fc.property(shapes, fc.integer(), (shape, seed) => {
      const trace = [...generateTrace(shape)];
      const shuffled = fc.sample(fc.shuffledSubarray(trace, { minLength: trace.length }), { seed, numRuns: 1 })[0]!;
      const sorted = causalSort(shuffled);
      expect(sorted).toEqual(causalSort(trace));
      sorted.forEach((e, i) => sorted.slice(i + 1).forEach((later) => expect(happensBefore(later, e)).toBe(false)));
    }), { numRuns: propertyRuns(100) });
  });

  it('exports any cut of a trace as a log ShiViz loads, one line per event', () => {
    fc.assert(fc.property(shapes, masks, (shape, mask) => {
      const { events, kept } = subsetOf(shape, mask);
      const subset = kept.map((i) => events[i]!);
      expect(readShivizLog(shivizLog(timelineView({ events: subset, alerts: [], sources: [] })))).toHaveLength(subset.length);
    }), { numRuns: propertyRuns(100) });
  });
});
