import type { SpecRecorder } from './spec-recorder.ts';
import type { VectorClock } from './vector-clock.ts';

/** A value as stored in shared state (a database row, a cache entry), with its writer's clock. */
export interface Stamped<T> {
  readonly value: T;
  readonly clock: VectorClock;
}

/**
 * Before a write: the value with the writer's clock, to store together. Shared state carries
 * causality like a message does; without the clock a read-after-write would look concurrent.
 */
export function stampWrite<T>(recorder: Pick<SpecRecorder, 'clock'>, value: T): Stamped<T> {
  return { value, clock: recorder.clock() };
}

/** After a read: merges the writer's clock, so read-after-write is a happens-before edge; returns the value. */
export function mergeRead<T>(recorder: Pick<SpecRecorder, 'receive'>, stored: Stamped<T> | undefined): T | undefined {
  if (stored === undefined) return undefined;
  recorder.receive(stored.clock);
  return stored.value;
}
