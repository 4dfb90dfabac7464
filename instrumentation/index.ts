// Public surface of instrumentation/: what runs inside a service. Grows with the recorder and
// exporters; the format and the clock are also what monitor/ may import.
export { FORMAT_VERSION, encodeEvent, eventName } from './format.ts';
export type { ActionParams, JsonValue, SpecEvent, TraceContext } from './format.ts';
export { clockLessOrEqual, clockSum, compareClocks, concurrent, happenedBefore, mergeClocks } from './vector-clock.ts';
export type { ClockOrder, VectorClock } from './vector-clock.ts';
