import { clockSum, happenedBefore, type SpecEvent } from '../../instrumentation/index.ts';
import { idOf } from './run-order.ts';

/**
 * The slow, obviously correct semantics the causal ordering operator is checked against.
 */

/**
 * The documented delivery order when nothing is missing and nothing is forced out: again and
 * again, of the events whose causal past has all been delivered, the first by time (none sorts
 * first), then clock sum, then proc (code units), then seq.
 */
export function sortByDeliveryKey(events: readonly SpecEvent[]): SpecEvent[] {
  const key = (e: SpecEvent): [number, number, string, number] => [e.time ?? -Infinity, clockSum(e.vc), e.proc, e.seq];
  const before = (a: SpecEvent, b: SpecEvent): boolean => {
    const [ta, sa, pa, qa] = key(a);
    const [tb, sb, pb, qb] = key(b);
    if (ta !== tb) return ta < tb;
    if (sa !== sb) return sa < sb;
    if (pa !== pb) return pa < pb;
    return qa < qb;
  };
  const left = [...events];
  const out: SpecEvent[] = [];
  while (left.length > 0) {
    const ready = left.filter((e) => !left.some((f) => f !== e && happenedBefore(f.vc, e.vc)));
    const first = ready.reduce((a, b) => (before(b, a) ? b : a));
    out.push(first);
    left.splice(left.indexOf(first), 1);
  }
  return out;
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
