import { randomUUID } from 'node:crypto';
import type { Stamped, VectorClock } from '../../../../instrumentation/index.ts';

/** A stored version and its writer's clock; a deleted record keeps the deleter's clock (null value). */
export type StoredRecord = Stamped<number | null>;

interface Held {
  readonly token: string;
  readonly lease: NodeJS.Timeout;
}

interface Waiter {
  readonly grant: (token: string) => void;
}

/**
 * One table of the talk's serverdb: records keyed by upload id, each with its writer's clock.
 * A writer holds the key's lock from reading the old record to storing the new one, so writes to
 * a key are ordered and each learns the one it replaces (ClockedStore.write, in world.ts).
 */
export class RecordTable {
  readonly #records = new Map<number, StoredRecord>();
  readonly #held = new Map<number, Held>();
  readonly #waiting = new Map<number, Waiter[]>();

  /** A lock not released within `leaseMs` (its holder crashed) is taken back. */
  constructor(readonly name: string, private readonly leaseMs: number) {}

  get(id: number): StoredRecord | undefined {
    return this.#records.get(id);
  }

  /** Records whose upload or content exists (not deleted). */
  live(): Array<{ id: number; record: StoredRecord }> {
    return [...this.#records].filter(([, record]) => record.value !== null).map(([id, record]) => ({ id, record }));
  }

  /** Resolves with a token once the lock is ours; `abandoned` withdraws the request (the caller hung up). */
  lock(id: number, abandoned: AbortSignal): Promise<string> {
    return new Promise((resolve) => {
      const waiter: Waiter = { grant: resolve };
      const queue = this.#waiting.get(id) ?? [];
      queue.push(waiter);
      this.#waiting.set(id, queue);
      abandoned.addEventListener('abort', () => {
        const waiters = this.#waiting.get(id);
        const at = waiters?.indexOf(waiter) ?? -1;
        if (at >= 0) waiters!.splice(at, 1);
      }, { once: true });
      this.#grantNext(id);
    });
  }

  /** Stores the record and releases the lock; false when `token` no longer holds it (its lease ran out). */
  put(id: number, token: string, value: number | null, clock: VectorClock): boolean {
    if (this.#held.get(id)?.token !== token) return false;
    this.#records.set(id, { value, clock });
    return this.unlock(id, token);
  }

  unlock(id: number, token: string): boolean {
    const held = this.#held.get(id);
    if (held?.token !== token) return false;
    clearTimeout(held.lease);
    this.#held.delete(id);
    this.#grantNext(id);
    return true;
  }

  /** Stops the lease timers, so the store can exit. */
  close(): void {
    for (const held of this.#held.values()) clearTimeout(held.lease);
    this.#held.clear();
  }

  #grantNext(id: number): void {
    if (this.#held.has(id)) return;
    const waiter = this.#waiting.get(id)?.shift();
    if (this.#waiting.get(id)?.length === 0) this.#waiting.delete(id);
    if (waiter === undefined) return;
    const token = randomUUID();
    const lease = setTimeout(() => {
      process.stderr.write(`store: the lock on ${this.name}/${id} was not released within ${this.leaseMs} ms; taken back\n`);
      this.unlock(id, token);
    }, this.leaseMs);
    this.#held.set(id, { token, lease });
    waiter.grant(token);
  }
}
