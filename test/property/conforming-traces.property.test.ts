import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import counterRace from '../../examples/counter-race/spec.ts';
import { uploaderSpec } from '../../examples/uploader/spec.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { checkConformance, type Alert, type CheckItem } from '../../monitor/index.ts';
import { attemptAction, brokenInvariants, type Params, type Spec } from '../../properties/index.ts';
import type { Random } from '../../examples/index.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { orderEvents } from '../support/run-order.ts';
import { counterCandidates, specTrace, uploaderCandidatesOver } from '../support/spec-traces.ts';

// Traces of up to 16 events, which the exact search covers whole: past that the README's known gap applies.
const shapes = (maxEvents: number) => fc.record({
  seed: fc.integer(),
  events: fc.integer({ min: 1, max: maxEvents }),
  processes: fc.integer({ min: 2, max: 6 }),
  messageProbability: fc.double({ min: 0, max: 0.5, noNaN: true }),
  mutationProbability: fc.constant(0),
  arrival: fc.integer(),
});

/** The invariants broken along one order of the events (a behaviour of the spec). */
function brokenAlong<S, L>(spec: Spec<S, L>, events: readonly SpecEvent[], choices: (event: SpecEvent) => number): Set<string> {
  let state = spec.init();
  const locals = new Map<string, L>();
  const broken = new Set<string>();
  for (const event of events) {
    const attempt = attemptAction(spec, state, locals.has(event.proc) ? locals.get(event.proc)! : (spec.local?.() as L), event);
    expect(attempt.enabled, `${event.proc}#${event.seq} in the order the trace was made`).toBe(true);
    if (!attempt.enabled) break;
    const step = attempt.steps[choices(event) % attempt.steps.length]!;
    for (const name of brokenInvariants(spec, state, event, step.state)) broken.add(name);
    state = step.state;
    locals.set(event.proc, step.local);
  }
  return broken;
}

/**
 * A trace made in an order the spec allows conforms (README, "Conformance semantics"), whatever
 * order its events arrive in: never a violated nonconformance, nor an invariant that order does not break.
 */
function noFalseAlarm<S, L>(spec: Spec<S, L>, candidates: (random: Random) => Array<{ action: string; params: Params }>, deterministic: boolean, maxEvents: number) {
  return fc.property(shapes(maxEvents), ({ arrival, ...shape }) => {
    const events = specTrace(spec, candidates, shape);
    const arrived = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), { seed: arrival, numRuns: 1 })[0]!;
    const items: CheckItem[] = [];
    from(orderEvents(arrived)).pipe(checkConformance(spec)).subscribe((item) => items.push(item));
    const alerts = items.filter((i): i is Alert => i.type === 'alert');
    // Inconclusive is allowed (past the default bounds); violated would be a false alarm.
    const violated = alerts.filter((a) => a.verdict === 'violated');
    expect(violated.filter((a) => a.kind === 'nonconformance').map((a) => `${a.event!.proc}#${a.event!.seq} ${a.name}: ${a.guard}`)).toEqual([]);
    if (!deterministic) return;
    const broken = brokenAlong(spec, events, () => 0);
    expect(violated.filter((a) => a.kind === 'invariant' && !broken.has(a.name)).map((a) => a.name)).toEqual([]);
  });
}

describe('traces made in an order the spec allows, arriving in any order', () => {
  it('uploader, ids reused across processes: no violated nonconformance or invariant that order does not break', () => {
    // Found by a first run (it failed before events were taken together with the ones after them).
    const found = { seed: 17, events: 11, processes: 2, messageProbability: 0, mutationProbability: 0, arrival: 0 };
    fc.assert(noFalseAlarm({ ...uploaderSpec('2s'), temporal: [] }, uploaderCandidatesOver(4), true, 16), { numRuns: propertyRuns(1000), examples: [[found]] });
  }, 600_000);

  it('counter race: no violated nonconformance', () => {
    fc.assert(noFalseAlarm(counterRace, counterCandidates, false, 8), { numRuns: propertyRuns(300) });
  }, 600_000);
});
