import { simulateLoad } from '../../examples/uploader/load.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';

/** A load of the fixed uploader services (8,000 events), and the process whose events are to come late. */
export function lateServiceLoad(): { events: SpecEvent[]; late: string } {
  const events: SpecEvent[] = [];
  simulateLoad({ events: 8000, uploads: 200, users: 4, workers: 11, seed: 3 }, (e) => events.push(e));
  return { events, late: events[0]!.proc };
}

/** The events in their order, except that `proc`'s arrive `lines` places late (a lagging partition). */
export function arriveLate(events: readonly SpecEvent[], proc: string, lines: number): SpecEvent[] {
  return events.map((e, i) => ({ e, at: e.proc === proc ? i + lines + 0.5 : i })).sort((a, b) => a.at - b.at).map((x) => x.e);
}
