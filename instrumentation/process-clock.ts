import type { VectorClock } from './vector-clock.ts';

/** Format v1's limit on `proc` and clock keys: a longer key would make every later event malformed. */
const MAX_PROC_LENGTH = 200;
/**
 * Measured on Node 20: compiling a snapshot costs about as much as assembling 400 + 32 × keys
 * entries by hand. Compiling once that much assembly was spent on a key set (ski rental) costs at
 * most twice the better choice, however fast the key set churns.
 */
const compileCostInEntries = (keys: number): number => 400 + 32 * keys;

type BuildClock = (values: readonly number[]) => Record<string, number>;

let codeGenerationAllowed = true;

/**
 * An object literal over the current key set: V8 builds it in one allocation, about 100 times
 * faster than copying a large object (copies of objects past ~100 keys go through a hash table).
 * Keys are JSON string literals, which are valid JS; `__proto__` is computed so it stays a key.
 */
function compileClock(keys: readonly string[]): BuildClock | undefined {
  if (!codeGenerationAllowed) return undefined;
  const fields = keys.map((key, i) => `${key === '__proto__' ? '["__proto__"]' : JSON.stringify(key)}:v[${i}]`);
  try {
    return new Function('v', `"use strict";return{${fields.join(',')}};`) as BuildClock;
  } catch {
    // Node runs with --disallow-code-generation-from-strings: the plain loop will do.
    codeGenerationAllowed = false;
    return undefined;
  }
}

/** The same object built key by key, for key sets that have just changed. */
function assembleClock(keys: readonly string[], values: readonly number[]): Record<string, number> {
  const clock: Record<string, number> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === '__proto__') Object.defineProperty(clock, key, { value: values[i], enumerable: true, writable: true, configurable: true });
    else clock[key] = values[i]!;
  }
  return clock;
}

/**
 * A clock as one tick left it, not yet built as an object: the key list (append-only, so its
 * first `length` keys are those of then) and the values then, shared by every capture taken
 * until a merge changes one; the own entry is `seq`.
 */
export interface ClockCapture {
  readonly keys: readonly string[];
  readonly length: number;
  readonly values: readonly number[];
  readonly own: number;
  readonly seq: number;
}

/**
 * The mutable, sparse vector clock of one process incarnation. Entries are kept as parallel
 * key/value arrays indexed by a Map, so any process name ("constructor", "__proto__") is safe.
 */
export class ProcessClock {
  readonly #keys: string[] = [];
  readonly #values: number[] = [];
  readonly #index = new Map<string, number>();
  #own = -1;
  #build: BuildClock | undefined;
  #assembledSinceNewKey = 0;
  /** The values as the last capture saw them, until a merge changes one (then copied again). */
  #captured: number[] | undefined;

  constructor(readonly proc: string) {}

  /** How many processes the clock has an entry for. */
  get size(): number {
    return this.#keys.length;
  }

  /** The incarnation's own event counter: the `seq` of its latest event. */
  get seq(): number {
    return this.#own < 0 ? 0 : this.#values[this.#own]!;
  }

  /** An event of this process: counts it and returns the event's clock. */
  tick(): VectorClock {
    if (this.#own < 0) this.#own = this.#add(this.proc, 0);
    this.#values[this.#own]!++;
    return this.snapshot();
  }

  /**
   * An event of this process, with its clock captured, not built: O(1) while no merge came in
   * between, which keeps `record` cheap on a large clock; `build` makes the object later.
   */
  tickCaptured(): ClockCapture {
    if (this.#own < 0) this.#own = this.#add(this.proc, 0);
    const seq = ++this.#values[this.#own]!;
    this.#captured ??= this.#values.slice();
    return { keys: this.#keys, length: this.#keys.length, values: this.#captured, own: this.#own, seq };
  }

  /** The clock a capture saw, as a plain object (as `tick` would have returned then). */
  build(capture: ClockCapture): VectorClock {
    const values = capture.values.slice(0, capture.length);
    values[capture.own] = capture.seq;
    if (capture.keys === this.#keys && capture.length === this.#keys.length) return this.#object(values);
    return assembleClock(capture.keys.slice(0, capture.length), values);
  }

  /**
   * A receive: the component-wise maximum with a clock that came from elsewhere. Entries that no
   * valid clock has are ignored (not counts, bad keys, and our own entry: beyond our own counter
   * only a forged clock or an earlier process with our name could carry it, otherwise it is ≤).
   */
  merge(other: VectorClock): void {
    if (typeof other !== 'object' || other === null) return;
    for (const proc in other) {
      if (proc === this.proc || !Object.hasOwn(other, proc)) continue;
      const theirs = other[proc]!;
      if (!Number.isSafeInteger(theirs) || theirs <= 0 || proc.length > MAX_PROC_LENGTH || proc.length === 0) continue;
      const at = this.#index.get(proc);
      if (at === undefined) this.#add(proc, theirs);
      else if (theirs > this.#values[at]!) {
        this.#values[at] = theirs;
        this.#captured = undefined;
      }
    }
  }

  /** What this process knows now, as a plain object (no tick). */
  snapshot(): VectorClock {
    return this.#object(this.#values);
  }

  /** An object over the current key set with these values. */
  #object(values: readonly number[]): VectorClock {
    if (this.#build !== undefined) return this.#build(values);
    const keys = this.#keys.length;
    if ((this.#assembledSinceNewKey += keys) >= compileCostInEntries(keys)) this.#build = compileClock(this.#keys);
    return assembleClock(this.#keys, values);
  }

  #add(proc: string, value: number): number {
    this.#index.set(proc, this.#keys.length);
    this.#keys.push(proc);
    this.#values.push(value);
    this.#build = undefined;
    this.#assembledSinceNewKey = 0;
    this.#captured = undefined;
    return this.#keys.length - 1;
  }
}
