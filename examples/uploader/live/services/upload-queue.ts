// The uploader's queue of (id, op) messages, over either transport. The clock travels with each
// message (Kafka: headers, by OpenTelemetry; embedded: in the message) and is merged on receipt,
// before the handler runs, so handlers hold no clock code.
import type { SpecRecorder } from '../../../../instrumentation/index.ts';
import type { Op } from '../../spec.ts';
import type { StoreClient } from './store-client.ts';

export interface UploadMessage {
  readonly id: number;
  readonly op: Op;
}

export interface Delivery {
  readonly message: UploadMessage;
  /** 1 on the first delivery, more when the message came back after a worker failed to finish it. */
  readonly deliveries: number;
}

/**
 * When a worker acknowledges a message (Kafka: commits its offset). After handling is the fix:
 * a worker that dies holding a message gets it redelivered. On receipt is the bug of scenario (b).
 */
export type AckPolicy = 'after-handling' | 'on-receipt';

export type QueueSettings =
  | { readonly transport: 'embedded'; readonly store: string }
  | { readonly transport: 'kafka'; readonly brokers: readonly string[]; readonly topic: string; readonly group: string };

export interface QueueSender {
  send(message: UploadMessage): Promise<void>;
  close(): Promise<void>;
}

export interface QueueConsumer {
  /** Hands each delivery to `handle`, one at a time; rejects with whatever the handler threw. */
  run(handle: (delivery: Delivery) => Promise<void>): Promise<void>;
  /** Stops taking messages once the one in hand is done. */
  stop(): Promise<void>;
}

/** After this many deliveries a message goes to the dead letters (a poison message must not stop the workers). */
export const MAX_DELIVERIES = 3;

export function isOp(value: unknown): value is Op {
  return value === 'create' || value === 'edit' || value === 'delete';
}

export async function openSender(settings: QueueSettings, recorder: SpecRecorder, name: string): Promise<QueueSender> {
  if (settings.transport === 'embedded') return new (await import('./embedded-queue.ts')).EmbeddedSender(settings.store, recorder);
  return (await import('./kafka-queue.ts')).openKafkaSender(settings, name);
}

export async function openConsumer(settings: QueueSettings, recorder: SpecRecorder, store: StoreClient, ack: AckPolicy, name: string): Promise<QueueConsumer> {
  if (settings.transport === 'embedded') return new (await import('./embedded-queue.ts')).EmbeddedConsumer(settings.store, recorder, ack);
  return (await import('./kafka-queue.ts')).openKafkaConsumer(settings, store, ack, name);
}
