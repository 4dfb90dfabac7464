/**
 * A vector clock: for each process incarnation, how many of its events lie in the causal past
 * (the event itself included). Entries of 0 may be omitted, so clocks stay sparse.
 */
export type VectorClock = Readonly<Record<string, number>>;

export type ClockOrder = 'before' | 'after' | 'equal' | 'concurrent';

// Own entries only: a process may be called "constructor" or "__proto__".
const entry = (clock: VectorClock, proc: string): number => (Object.hasOwn(clock, proc) ? clock[proc]! : 0);

/** `a ≤ b` component-wise. */
export function clockLessOrEqual(a: VectorClock, b: VectorClock): boolean {
  for (const proc in a) {
    if (entry(a, proc) > entry(b, proc)) return false;
  }
  return true;
}

/** Lamport's happens-before on clocks: `a → b` iff `a ≤ b` and `a ≠ b`. */
export function happenedBefore(a: VectorClock, b: VectorClock): boolean {
  return clockLessOrEqual(a, b) && !clockLessOrEqual(b, a);
}

export function compareClocks(a: VectorClock, b: VectorClock): ClockOrder {
  const aBeforeB = clockLessOrEqual(a, b);
  const bBeforeA = clockLessOrEqual(b, a);
  if (aBeforeB && bBeforeA) return 'equal';
  if (aBeforeB) return 'before';
  if (bBeforeA) return 'after';
  return 'concurrent';
}

export function concurrent(a: VectorClock, b: VectorClock): boolean {
  return compareClocks(a, b) === 'concurrent';
}

/** The component-wise maximum: what a process knows after receiving a message stamped `b`. */
export function mergeClocks(a: VectorClock, b: VectorClock): Record<string, number> {
  const merged: Record<string, number> = { ...a };
  for (const proc in b) {
    const theirs = entry(b, proc);
    if (theirs > entry(merged, proc)) Object.defineProperty(merged, proc, { value: theirs, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

/** The number of events in the causal past (inclusive); strictly increases along happens-before. */
export function clockSum(clock: VectorClock): number {
  let sum = 0;
  for (const proc in clock) sum += entry(clock, proc);
  return sum;
}
