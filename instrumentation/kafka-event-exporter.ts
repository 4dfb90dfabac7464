import { createRequire } from 'node:module';
import type { Kafka, Message, Partitioners as KafkaPartitioners, Producer } from 'kafkajs';
import { exportOutcome, type EventExporter, type ExportResult } from './event-exporter.ts';
import { encodeEvent, type SpecEvent } from './format.ts';
import { untraced } from './untraced.ts';

/** A producer the caller owns (and connects), or a client to create an idempotent producer from. */
export type KafkaEventExporterOptions =
  | { readonly producer: Producer; readonly topic: string }
  | { readonly kafka: Kafka; readonly topic: string };

/** Sends events to a topic: one message each, key = `proc` (one incarnation stays in one partition). */
export class KafkaEventExporter implements EventExporter {
  readonly topic: string;
  readonly #producer: Producer;
  /** Only a producer we created is ours to connect and disconnect. */
  readonly #owned: boolean;
  #connected: Promise<void> | undefined;
  #stopped = false;

  constructor(options: KafkaEventExporterOptions) {
    this.topic = options.topic;
    if ('producer' in options) {
      this.#producer = options.producer;
      this.#owned = false;
    } else {
      // Idempotent: kafkajs's retries never duplicate an event; murmur2 places keys as Java does.
      // kafkajs is required here, not imported with the module: an OpenTelemetry preload may import
      // this module before the SDK starts, and a kafkajs loaded then would never be instrumented.
      const { Partitioners } = createRequire(import.meta.url)('kafkajs') as { Partitioners: typeof KafkaPartitioners };
      this.#producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      this.#owned = true;
    }
  }

  export(events: readonly SpecEvent[]): Promise<ExportResult> {
    return exportOutcome(this.#stopped && `KafkaEventExporter for ${this.topic} is shut down`, async () => {
      const messages: Message[] = events.map((event) => ({ key: event.proc, value: encodeEvent(event) }));
      await this.#connect();
      await untraced(() => this.#producer.send({ topic: this.topic, acks: -1, messages }));
    });
  }

  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (!this.#owned || this.#connected === undefined) return;
    await this.#connected.catch(() => undefined);
    await untraced(() => this.#producer.disconnect()).catch(() => undefined);
  }

  /** Connects a producer we created, once, on first export; a failed connect is retried by the next export. */
  #connect(): Promise<void> {
    if (!this.#owned) return Promise.resolve();
    if (this.#connected === undefined) {
      const connecting = untraced(() => this.#producer.connect());
      connecting.catch(() => {
        if (this.#connected === connecting) this.#connected = undefined;
      });
      this.#connected = connecting;
    }
    return this.#connected;
  }
}
