import type { SpecEvent } from '../../instrumentation/index.ts';

export type Clock = Record<string, number>;

/** One process incarnation: its clock, and the events it records (format v1). */
export class Actor {
  readonly clock: Clock = {};
  seq = 0;

  constructor(readonly proc: string, readonly service: string, private readonly world: World) {}

  /** Receiving a message or reading a record: merge what the other side knew. */
  learn(other: Clock | undefined): void {
    if (other === undefined) return;
    for (const proc in other) if (other[proc]! > (this.clock[proc] ?? 0)) this.clock[proc] = other[proc]!;
  }

  record(action: string, params: Record<string, string | number | null>): void {
    this.seq += 1;
    this.clock[this.proc] = this.seq;
    this.world.emit({ sw: 1, proc: this.proc, seq: this.seq, vc: { ...this.clock }, action, params, service: this.service, time: this.world.now() });
  }
}

interface Stored<V> {
  readonly value: V | undefined;
  readonly clock: Clock;
}

/**
 * A store that keeps the writer's clock with each record (the talk's serverdb): a read merges
 * it, and a write first learns the record it replaces, since the store orders writes to a key.
 */
export class ClockedStore<V> {
  private readonly records = new Map<unknown, Stored<V>>();

  read(reader: Actor, key: unknown): V | undefined {
    const record = this.records.get(key);
    reader.learn(record?.clock);
    return record?.value;
  }

  /** `act` records the action between learning the old record and storing the new one. */
  write(writer: Actor, key: unknown, value: V | undefined, act: () => void): void {
    writer.learn(this.records.get(key)?.clock);
    act();
    this.records.set(key, { value, clock: { ...writer.clock } });
  }

  keys(reader: Actor): unknown[] {
    const live: unknown[] = [];
    for (const [key, record] of this.records) {
      if (record.value === undefined) continue;
      reader.learn(record.clock);
      live.push(key);
    }
    return live;
  }
}

export interface QueueMessage {
  readonly id: number;
  readonly op: 'create' | 'edit' | 'delete';
  readonly clock: Clock;
}

/** The world the services share: stores, the queue, the event sink and a logical wall clock. */
export class World {
  readonly uploads = new ClockedStore<number>();
  readonly content = new ClockedStore<number>();
  private readonly queue: QueueMessage[] = [];
  private head = 0;
  private tick = 0;

  constructor(readonly emit: (event: SpecEvent) => void, private readonly startTime = 1_763_640_000_000) {}

  now(): number {
    this.tick += 1;
    return this.startTime + this.tick * 7;
  }

  send(sender: Actor, id: number, op: QueueMessage['op']): void {
    this.queue.push({ id, op, clock: { ...sender.clock } });
  }

  /** The oldest message, FIFO (an index, so a long queue costs nothing per message). */
  take(): QueueMessage | undefined {
    if (this.head >= this.queue.length) return undefined;
    const message = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return message;
  }

  /** A message delivered again (after a crash): it goes to the front. */
  redeliver(message: QueueMessage): void {
    if (this.head > 0) this.queue[--this.head] = message;
    else this.queue.unshift(message);
  }

}
