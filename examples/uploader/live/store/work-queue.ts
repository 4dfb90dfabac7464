import { randomUUID } from 'node:crypto';
import type { Op } from '../../spec.ts';

/** A queue message: (id, op) and its sender's clock, kept as the specwatch-clock header encodes it. */
export interface QueuedMessage {
  readonly id: number;
  readonly op: Op;
  readonly clock: string;
  /** How many times it was handed out, this time included. */
  deliveries: number;
}

export interface Taken {
  readonly message: QueuedMessage;
  readonly lease: string;
  readonly leaseMs: number;
}

export interface QueueCounts {
  readonly ready: number;
  readonly leased: number;
  readonly deadLettered: number;
  readonly sent: number;
  readonly acked: number;
}

/**
 * The embedded transport's work queue (as SQS): a taken message is leased, not removed; unless
 * it is acknowledged or renewed in time it goes back to the front for another worker, and after
 * `maxDeliveries` deliveries to the dead letters, so one poison message cannot stop the workers.
 */
export class WorkQueue {
  readonly #ready: QueuedMessage[] = [];
  readonly #leased = new Map<string, { message: QueuedMessage; timer: NodeJS.Timeout }>();
  readonly #takers: Array<(taken: Taken | undefined) => void> = [];
  readonly #deadLetters: QueuedMessage[] = [];
  #sent = 0;
  #acked = 0;

  constructor(private readonly leaseMs: number, private readonly maxDeliveries: number) {}

  send(id: number, op: Op, clock: string): void {
    this.#sent++;
    this.#offer({ id, op, clock, deliveries: 0 }, 'back');
  }

  /** The next message, waiting up to `waitMs` for one (a long poll); undefined when none came. */
  take(waitMs: number, abandoned: AbortSignal): Promise<Taken | undefined> {
    const message = this.#ready.shift();
    if (message !== undefined) return Promise.resolve(this.#lease(message));
    return new Promise((resolve) => {
      const taker = (taken: Taken | undefined): void => {
        clearTimeout(timer);
        resolve(taken);
      };
      const withdraw = (): void => {
        const at = this.#takers.indexOf(taker);
        if (at >= 0) this.#takers.splice(at, 1);
        taker(undefined);
      };
      const timer = setTimeout(withdraw, waitMs);
      abandoned.addEventListener('abort', withdraw, { once: true });
      this.#takers.push(taker);
    });
  }

  /** Handled: the message leaves the queue. False when the lease had already run out. */
  ack(lease: string): boolean {
    const held = this.#leased.get(lease);
    if (held === undefined) return false;
    clearTimeout(held.timer);
    this.#leased.delete(lease);
    this.#acked++;
    return true;
  }

  /** Still working on it: the lease starts again. */
  renew(lease: string): boolean {
    const held = this.#leased.get(lease);
    if (held === undefined) return false;
    held.timer.refresh();
    return true;
  }

  counts(): QueueCounts {
    return { ready: this.#ready.length, leased: this.#leased.size, deadLettered: this.#deadLetters.length, sent: this.#sent, acked: this.#acked };
  }

  close(): void {
    for (const held of this.#leased.values()) clearTimeout(held.timer);
    this.#leased.clear();
    for (const taker of this.#takers.splice(0)) taker(undefined);
  }

  #offer(message: QueuedMessage, end: 'front' | 'back'): void {
    const taker = this.#takers.shift();
    if (taker !== undefined) taker(this.#lease(message));
    else if (end === 'front') this.#ready.unshift(message);
    else this.#ready.push(message);
  }

  #lease(message: QueuedMessage): Taken {
    message.deliveries++;
    const lease = randomUUID();
    const timer = setTimeout(() => this.#expire(lease), this.leaseMs);
    this.#leased.set(lease, { message, timer });
    return { message, lease, leaseMs: this.leaseMs };
  }

  #expire(lease: string): void {
    const held = this.#leased.get(lease);
    if (held === undefined) return;
    this.#leased.delete(lease);
    const { message } = held;
    if (message.deliveries < this.maxDeliveries) {
      // As the simulator's redeliver: a message delivered again goes to the front.
      this.#offer(message, 'front');
      return;
    }
    this.#deadLetters.push(message);
    process.stderr.write(`store: (${message.id}, ${message.op}) dead-lettered after ${message.deliveries} deliveries without an acknowledgement\n`);
  }
}
