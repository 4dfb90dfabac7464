import { clockSum, type SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../alerts.ts';
import type { EventRef } from '../trace-items.ts';

/**
 * What the spec said of one event when the events are replayed in the order they arrived. States
 * are kept as JSON text: as objects, ids such as "677" would make V8 allocate sparse arrays, 15 KB
 * per event.
 */
export interface EventState {
  /** The state the event met, trimmed to the entries its parameters select, as JSON. */
  readonly stateJson: string;
  /** The local state of the event's process before it, as JSON. */
  readonly localJson?: string;
  /** The first guard that was false in this order (the checker may have found another order). */
  readonly disabledBy?: string;
}

/** Everything a timeline shows: the events in a causal order, the alerts, and (with a spec) the states met. */
export interface Timeline {
  /** A linear extension of happens-before: by clock sum, then proc, then seq (README, "Causal ordering"). */
  readonly events: readonly SpecEvent[];
  readonly alerts: readonly Alert[];
  /** Aligned with `events`, when a spec was given. */
  readonly states?: ReadonlyArray<EventState | undefined>;
  /** Files or topic the events came from. */
  readonly sources: readonly string[];
  /** The spec's name, when the checker ran. */
  readonly spec?: string;
  /** By alert id, the event an input problem concerns: a gap's first event after it, a conflict's kept copy. */
  readonly anchors?: ReadonlyMap<string, EventRef>;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The README's stable order: the size of the causal past first, so every event follows its past. */
export function causalSort(events: Iterable<SpecEvent>): SpecEvent[] {
  return [...events]
    .map((event) => ({ event, sum: clockSum(event.vc) }))
    .sort((a, b) => a.sum - b.sum || compareText(a.event.proc, b.event.proc) || a.event.seq - b.event.seq)
    .map(({ event }) => event);
}

/** `proc#seq`, the name reports give an event. */
export const eventKey = (proc: string, seq: number): string => `${proc}#${seq}`;
