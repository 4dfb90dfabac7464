import type { ProjectedEvent } from './projected-clocks.ts';

/** A message recovered from the clocks: `from` is the receive's direct causal predecessor on another process. */
export interface MessageArrow {
  /** Positions in the projected list. */
  readonly from: number;
  readonly to: number;
}

const own = (clock: Readonly<Record<string, number>>, proc: string): number => (Object.hasOwn(clock, proc) ? clock[proc]! : 0);

/**
 * The arrows between processes, as ShiViz draws them: an entry of an event's clock that rose since
 * the previous event of its process points at the sender (that entry's event), unless that sender
 * is already in the past of another such sender (then the message came through it). These are the
 * cross-process edges of the transitive reduction of happens-before.
 */
export function messageArrows(projected: readonly ProjectedEvent[]): MessageArrow[] {
  // Each process's events by rank (1, 2, 3… are positions 0, 1, 2…): what a clock entry points at.
  const byRank = new Map<string, number[]>();
  const previous = new Map<string, Readonly<Record<string, number>>>();
  const arrows: MessageArrow[] = [];
  projected.forEach((event, to) => {
    const mine = byRank.get(event.proc) ?? [];
    byRank.set(event.proc, mine);
    mine.push(to);
    const before = previous.get(event.proc) ?? {};
    previous.set(event.proc, event.clock);
    const senders: number[] = [];
    for (const proc of Object.keys(event.clock)) {
      if (proc === event.proc || own(event.clock, proc) <= own(before, proc)) continue;
      const from = byRank.get(proc)?.[own(event.clock, proc) - 1];
      if (from !== undefined) senders.push(from);
    }
    for (const from of senders) {
      const sender = projected[from]!;
      const relayed = senders.some((other) => other !== from && own(projected[other]!.clock, sender.proc) >= sender.rank);
      if (!relayed) arrows.push({ from, to });
    }
  });
  return arrows;
}
