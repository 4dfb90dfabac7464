import type { SpecEvent } from '../instrumentation/index.ts';

/** The footprint key of events that did not say what they touch: it is shared with every key. */
export const EVERY_KEY = '*';

interface KeyRecord {
  /** Accepted events on this key, oldest first, from `head` on, and when each was accepted (parallel arrays: no object per entry). */
  recent: SpecEvent[];
  indices: number[];
  head: number;
  /** Events past the window, only as the highest seq per process: all "beyond the window" needs. */
  older: Map<string, number> | undefined;
  last: number;
}

/** Whether `event` knows of every event of the processes in `latest` up to the seq given. */
const knowsAll = (event: SpecEvent, latest: ReadonlyMap<string, number>): boolean => {
  for (const [proc, seq] of latest) {
    const known = Object.hasOwn(event.vc, proc) ? event.vc[proc]! : 0;
    if (known < seq) return false;
  }
  return true;
};

const fold = (into: Map<string, number>, event: SpecEvent): void => {
  if ((into.get(event.proc) ?? 0) < event.seq) into.set(event.proc, event.seq);
};

/**
 * Recently accepted events by footprint key: where the checker looks for rivals of a new event
 * (concurrent, sharing a key). Events older than the window are kept only as a clock frontier
 * per key, and idle keys beyond `maxKeys` as one frontier for them all, so memory stays bounded
 * while "a rival lies beyond the window" can still be told.
 */
export class RecentByKey {
  private readonly records = new Map<string, KeyRecord>();
  private readonly evicted = new Map<string, number>();
  private count = 0;
  /** Every (record, index) added, oldest first: what leaves the window next, so idle keys drop their events too. */
  private addedRecords: KeyRecord[] = [];
  private addedIndices: number[] = [];
  private addedHead = 0;

  constructor(
    private readonly window: number,
    private readonly maxKeys = 16 * window,
  ) {}

  add(event: SpecEvent, keys: readonly string[]): void {
    const index = this.count++;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      let record = this.records.get(key);
      if (record === undefined) this.records.set(key, (record = { recent: [], indices: [], head: 0, older: undefined, last: index }));
      record.recent.push(event);
      record.indices.push(index);
      record.last = index;
      this.addedRecords.push(record);
      this.addedIndices.push(index);
    }
    const oldest = index - this.window;
    while (this.addedHead < this.addedIndices.length && this.addedIndices[this.addedHead]! < oldest) this.expire(this.addedRecords[this.addedHead++]!, index);
    if (this.addedHead > 1024 && this.addedHead * 2 > this.addedIndices.length) {
      this.addedRecords = this.addedRecords.slice(this.addedHead);
      this.addedIndices = this.addedIndices.slice(this.addedHead);
      this.addedHead = 0;
    }
    if (this.records.size > this.maxKeys) this.evictIdle(index);
  }

  /** Accepted events within the window that share a key with `event` and are concurrent with it; whether one lies beyond. */
  rivalsOf(event: SpecEvent, keys: readonly string[]): { rivals: SpecEvent[]; beyondWindow: boolean } {
    const rivals = new Set<SpecEvent>();
    let beyondWindow = false;
    const look = keys.includes(EVERY_KEY) ? [...this.records.keys()] : [...keys, EVERY_KEY];
    for (const key of look) {
      const record = this.records.get(key);
      if (record === undefined) {
        if (key !== EVERY_KEY && this.evicted.size > 0 && !knowsAll(event, this.evicted)) beyondWindow = true;
        continue;
      }
      this.expire(record, this.count);
      if (record.older !== undefined && !knowsAll(event, record.older)) beyondWindow = true;
      for (let i = record.head; i < record.recent.length; i++) {
        const other = record.recent[i]!;
        const known = event.vc[other.proc];
        if (!(typeof known === 'number' && Object.hasOwn(event.vc, other.proc) && known >= other.seq)) rivals.add(other);
      }
    }
    return { rivals: [...rivals], beyondWindow };
  }

  private expire(record: KeyRecord, index: number): void {
    const oldest = index - this.window;
    while (record.head < record.indices.length && record.indices[record.head]! < oldest) {
      fold((record.older ??= new Map()), record.recent[record.head]!);
      record.head++;
    }
    // Drop expired entries (and their events) once they are half the array, or all of it.
    if (record.head > 0 && (record.head === record.recent.length || (record.head >= 8 && record.head * 2 > record.recent.length))) {
      record.recent = record.recent.slice(record.head);
      record.indices = record.indices.slice(record.head);
      record.head = 0;
    }
  }

  /** Forgets keys idle for longer than the window, folding what they knew into one frontier. */
  private evictIdle(index: number): void {
    const target = (this.maxKeys * 3) >> 2;
    for (const [key, record] of this.records) {
      if (this.records.size <= target) break;
      if (record.last >= index - this.window) continue;
      for (let i = record.head; i < record.recent.length; i++) fold(this.evicted, record.recent[i]!);
      for (const [proc, seq] of record.older ?? []) if ((this.evicted.get(proc) ?? 0) < seq) this.evicted.set(proc, seq);
      this.records.delete(key);
    }
  }
}
