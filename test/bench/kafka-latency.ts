import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { Observable, type OperatorFunction } from 'rxjs';
import { openKafkaEventSource } from '../../adapters/kafka/index.ts';
import uploader from '../../examples/uploader/spec.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { DEFAULT_LIMITS, causalOrder, checkConformance, type OrderedItem } from '../../monitor/index.ts';

export interface LatencyReport {
  readonly rate: number;
  readonly seconds: number;
  readonly sent: number;
  /** Events judged after the warm-up, and those still unjudged when the measurement stopped. */
  readonly measured: number;
  readonly unjudged: number;
  readonly alerts: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const PUBLISHER = fileURLToPath(new URL('./steady-publisher.ts', import.meta.url));
const WARMUP_MS = 2000;

/** Passes each item on, then notes its event: the checker has judged it by then. */
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
 * The fixed uploader's load published at a steady rate by another process (each event's `time`
 * = when it was due), read by the monitor's own pipeline (Kafka source, causal order, checker)
 * here. Latency = when the checker had judged the event − its time. If the checker falls
 * behind, the backlog gets as long again as the sending took to clear, then what is left is counted as unjudged.
 */
export async function measureLatency(options: { brokers: string; rate: number; seconds: number; log: (line: string) => void }): Promise<LatencyReport> {
  const topic = `bench-latency-${randomUUID().slice(0, 8)}`;
  const admin = new kafkajs.Kafka({ clientId: 'specwatch-bench', brokers: [options.brokers], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();

  const source = await openKafkaEventSource({ brokers: [options.brokers], clientId: 'specwatch-bench' }, {
    topic, groupId: `bench-${randomUUID()}`, start: { kind: 'beginning' }, limits: DEFAULT_LIMITS, maxQueuedPerPartition: 10_000, log: options.log,
  });
  const latencies: number[] = [];
  let judged = 0;
  let alerts = 0;
  let firstTime: number | undefined;
  const subscription = source.items.pipe(
    causalOrder({ settle: 0 }),
    afterVerdict((event) => {
      judged++;
      firstTime ??= event.time!;
      if (event.time! - firstTime >= WARMUP_MS) latencies.push(Date.now() - event.time!);
    }),
    checkConformance(uploader),
  ).subscribe((item) => { if (item.type === 'alert') alerts++; });

  const publisher = spawn(process.execPath, ['--import', 'tsx', PUBLISHER, options.brokers, topic, String(options.rate), String(options.seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  publisher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const progress = setInterval(() => options.log(`received ${source.status().received}, judged ${judged}`), 1000);
  const exitCode = await new Promise<number | null>((resolve) => publisher.on('exit', resolve));
  if (exitCode !== 0) throw new Error(`the steady publisher exited ${exitCode}`);
  const { sent } = JSON.parse(output) as { sent: number };
  const until = Date.now() + options.seconds * 1000;
  while (judged < sent && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  clearInterval(progress);
  subscription.unsubscribe();
  await source.stop(async () => undefined);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    rate: options.rate, seconds: options.seconds, sent, measured: latencies.length, unjudged: sent - judged, alerts,
    p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: at(1),
  };
}
