import type { VectorClock } from './vector-clock.ts';

/** Event format v1: the wire contract. See README, "Event format v1". */
export const FORMAT_VERSION = 1 as const;

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type ActionParams = { readonly [name: string]: JsonValue };

export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
}

/** One recorded spec action. Identity is `proc` + `seq`; unknown top-level fields are kept. */
export interface SpecEvent {
  readonly sw: typeof FORMAT_VERSION;
  /** The process incarnation that recorded the event. */
  readonly proc: string;
  /** The incarnation's own event counter, 1, 2, 3… without gaps; equals `vc[proc]`. */
  readonly seq: number;
  readonly vc: VectorClock;
  readonly action: string;
  readonly params: ActionParams;
  readonly service?: string;
  /** Wall-clock milliseconds since the epoch, for display only: never used for ordering. */
  readonly time?: number;
  readonly trace?: TraceContext;
  readonly [unknownField: string]: unknown;
}

/** Text used in reports and diagnostics to name one event. */
export function eventName(proc: string, seq: number): string {
  return `${proc}#${seq}`;
}

/** One line of NDJSON / one Kafka message value. */
export function encodeEvent(event: SpecEvent): string {
  return JSON.stringify(event);
}
