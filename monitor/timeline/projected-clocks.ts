import type { SpecEvent, VectorClock } from '../../instrumentation/index.ts';

/** One event of a subset, its clock counting only the subset's events. */
export interface ProjectedEvent {
  /** Position of the event in the whole (causally sorted) list. */
  readonly index: number;
  readonly proc: string;
  /** 1, 2, 3… among the subset's events of `proc`: the subset's own `seq`. */
  readonly rank: number;
  readonly clock: VectorClock;
}

/** How many of the sorted numbers are ≤ `limit`. */
function countUpTo(sorted: readonly number[], limit: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Projects the clocks onto a subset (indices in causal order): entry `q` of an event counts the
 * subset's events of `q` in its causal past. Happens-before among the subset's events is unchanged,
 * and every entry names an event of the subset, as ShiViz and the arrows need (no gaps, no strangers).
 */
export function projectClocks(events: readonly SpecEvent[], subset: readonly number[]): ProjectedEvent[] {
  const seqs = new Map<string, number[]>();
  for (const index of subset) {
    const event = events[index]!;
    let list = seqs.get(event.proc);
    if (list === undefined) seqs.set(event.proc, (list = []));
    list.push(event.seq);
  }
  for (const list of seqs.values()) list.sort((a, b) => a - b);
  return subset.map((index) => {
    const event = events[index]!;
    // No prototype: a process may be called "__proto__".
    const clock: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const proc in event.vc) {
      const list = seqs.get(proc);
      const count = list === undefined ? 0 : countUpTo(list, event.vc[proc]!);
      if (count > 0) clock[proc] = count;
    }
    return { index, proc: event.proc, rank: clock[event.proc]!, clock };
  });
}
