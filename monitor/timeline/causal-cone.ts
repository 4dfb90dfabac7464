import type { VectorClock } from '../../instrumentation/index.ts';

/** An event as happens-before sees it. */
export interface ClockedEvent {
  readonly proc: string;
  readonly seq: number;
  readonly vc: VectorClock;
}

const entry = (clock: VectorClock, proc: string): number => (Object.hasOwn(clock, proc) ? clock[proc]! : 0);

/** `a → b`: a's own entry is within b's clock (enough, since a's clock counts a itself). */
export const happensBefore = (a: ClockedEvent, b: ClockedEvent): boolean => a !== b && entry(b.vc, a.proc) >= a.seq && !(a.proc === b.proc && a.seq === b.seq);

/** Positions of the events before `events[at]` (its causal past), in list order. */
export function causalPast(events: readonly ClockedEvent[], at: number): number[] {
  const target = events[at]!;
  return events.flatMap((event, i) => (happensBefore(event, target) ? [i] : []));
}

/** Positions of the events after `events[at]` (its causal future), in list order. */
export function causalFuture(events: readonly ClockedEvent[], at: number): number[] {
  const origin = events[at]!;
  return events.flatMap((event, i) => (happensBefore(origin, event) ? [i] : []));
}
