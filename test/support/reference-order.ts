import { clockSum, happenedBefore, type SpecEvent } from '../../instrumentation/index.ts';
import { idOf } from './run-order.ts';

/**
 * The slow, obviously correct semantics the causal ordering operator is checked against.
 */

/** The documented canonical order: clock sum, then proc (code units), then seq. */
export function sortByDeliveryKey(events: readonly SpecEvent[]): SpecEvent[] {
  const key = (e: SpecEvent): [number, string, number] => [clockSum(e.vc), e.proc, e.seq];
  return [...events].sort((a, b) => {
    const [sa, pa, qa] = key(a);
    const [sb, pb, qb] = key(b);
    if (sa !== sb) return sa - sb;
    if (pa !== pb) return pa < pb ? -1 : 1;
    return qa - qb;
  });
}

/** Every pair delivered against happens-before (quadratic on purpose). */
export function happensBeforeViolations(delivered: readonly SpecEvent[]): string[] {
  const violations: string[] = [];
  for (let i = 0; i < delivered.length; i++) {
    for (let j = i + 1; j < delivered.length; j++) {
      if (happenedBefore(delivered[j]!.vc, delivered[i]!.vc)) violations.push(`${idOf(delivered[j]!)} → ${idOf(delivered[i]!)} but came after it`);
    }
  }
  return violations;
}

/** Dropped events that some received event has in its causal past: exactly what gaps must name. */
export function detectableDrops(received: readonly SpecEvent[], dropped: readonly SpecEvent[]): Set<string> {
  const needed = new Set<string>();
  for (const d of dropped) {
    if (received.some((e) => (e.vc[d.proc] ?? 0) >= d.seq)) needed.add(idOf(d));
  }
  return needed;
}

/** Whether an event's causal past holds a dropped event: then it must be flagged afterGap. */
export function pastHoldsDrop(event: SpecEvent, dropped: readonly SpecEvent[]): boolean {
  return dropped.some((d) => (event.vc[d.proc] ?? 0) >= d.seq);
}

export function uniqueById(events: readonly SpecEvent[]): SpecEvent[] {
  const seen = new Map<string, SpecEvent>();
  for (const e of events) if (!seen.has(idOf(e))) seen.set(idOf(e), e);
  return [...seen.values()];
}
