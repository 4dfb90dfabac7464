import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { Observable, type OperatorFunction } from 'rxjs';
import { openKafkaEventSource } from '../../adapters/kafka/index.ts';
import { simulateLoad } from '../../examples/uploader/load.ts';
import uploader from '../../examples/uploader/spec.ts';
import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';
import { DEFAULT_LIMITS, causalOrder, checkConformance, type OrderedItem } from '../../monitor/index.ts';

export interface LatencyReport {
  readonly rate: number;
  readonly seconds: number;
  readonly measured: number;
  readonly alerts: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const TICK_MS = 5;
const WARMUP_MS = 2000;

/** Passes each item on, then notes how long ago its event was published: the checker has judged it by then. */
function afterVerdict(note: (event: SpecEvent) => void): OperatorFunction<OrderedItem, OrderedItem> {
  return (source) => new Observable<OrderedItem>((subscriber) => source.subscribe({
    next: (item) => {
      subscriber.next(item);
      if (item.type === 'delivered') note(item.event);
    },
    error: (error: unknown) => subscriber.error(error),
    complete: () => subscriber.complete(),
  }));
}

/**
 * The fixed uploader's load published at a steady rate (each event's `time` = when it was sent),
 * read by the monitor's own pipeline (Kafka source, causal order, checker) in this process.
 * Latency = when the checker had judged the event − when it was sent.
 */
export async function measureLatency(options: { brokers: string; rate: number; seconds: number; log: (line: string) => void }): Promise<LatencyReport> {
  const total = options.rate * options.seconds;
  const load: SpecEvent[] = [];
  simulateLoad({ events: total, uploads: Math.max(1, Math.round(total / 100)), users: 4, workers: 11, seed: 3 }, (e) => load.push(e));
  const topic = `bench-latency-${randomUUID().slice(0, 8)}`;
  const kafka = new kafkajs.Kafka({ clientId: 'specwatch-bench', brokers: [options.brokers], logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();

  const source = await openKafkaEventSource({ brokers: [options.brokers], clientId: 'specwatch-bench' }, {
    topic, groupId: `bench-${randomUUID()}`, start: { kind: 'beginning' }, limits: DEFAULT_LIMITS, maxQueuedPerPartition: 10_000, log: options.log,
  });
  const latencies: number[] = [];
  let alerts = 0;
  let started = 0;
  const subscription = source.items.pipe(
    causalOrder({ settle: 0, maxHeld: 10_000 }),
    afterVerdict((event) => {
      if (event.time! - started >= WARMUP_MS) latencies.push(Date.now() - event.time!);
    }),
    checkConformance(uploader),
  ).subscribe((item) => { if (item.type === 'alert') alerts++; });

  const report = setInterval(() => options.log(`sent ${sent}, received ${source.status().received}, judged ${latencies.length}`), 1000);
  // Sends what is due every tick, so the rate holds on average even when a tick comes late.
  started = Date.now();
  let sent = 0;
  let sending = Promise.resolve();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(load.length, Math.floor(((Date.now() - started) / 1000) * options.rate));
      if (due <= sent) return;
      const now = Date.now();
      const messages = load.slice(sent, due).map((e) => ({ key: e.proc, value: encodeEvent({ ...e, time: now }) }));
      sent = due;
      sending = sending.then(() => producer.send({ topic, acks: -1, messages }).then(() => undefined));
      if (sent >= load.length) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await sending;
  // Let the last events through the pipeline.
  const until = Date.now() + 5000;
  while (source.status().received < load.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  clearInterval(report);
  options.log('stopping');
  await source.stop(async () => undefined);
  options.log('stopped');
  subscription.unsubscribe();
  await producer.disconnect();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rate: options.rate, seconds: options.seconds, measured: latencies.length, alerts, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: at(1) };
}
