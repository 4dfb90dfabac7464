import type { SpecEvent } from '../../instrumentation/index.ts';

/** The events in their order, except that `proc`'s arrive `lines` places late (a lagging partition). */
export function arriveLate(events: readonly SpecEvent[], proc: string, lines: number): SpecEvent[] {
  return events.map((e, i) => ({ e, at: e.proc === proc ? i + lines + 0.5 : i })).sort((a, b) => a.at - b.at).map((x) => x.e);
}
