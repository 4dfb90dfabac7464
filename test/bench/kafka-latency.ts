import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { Observable, type OperatorFunction } from 'rxjs';
import { openKafkaEventSource } from '../../adapters/kafka/index.ts';
import uploader from '../../examples/uploader/spec.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { DEFAULT_LIMITS, causalOrder, checkConformance, type OrderedItem } from '../../monitor/index.ts';

/** Latency percentiles over the events of one phase of the load. */
export interface LatencyPhase {
  readonly events: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LatencyReport {
  readonly rate: number;
  readonly seconds: number;
  readonly sent: number;
  /** Events still unjudged when the measurement stopped. */
  readonly unjudged: number;
  readonly alerts: number;
  /** The first `warmupSeconds` of load: a cold monitor (JIT, first fetches) builds a backlog it then clears. */
  readonly warmupSeconds: number;
  readonly startup: LatencyPhase;
  /** The rest: what a running monitor gives. */
  readonly steady: LatencyPhase;
  /** When, from the first event, every later half second's worst latency stayed under 50 ms (undefined: never). */
  readonly settledAfterSeconds: number | undefined;
  /**
   * The floor, measured first in the same run with the same load: a bare kafkajs consumer that
   * only parses each value. Latency = when it had the event − its time.
   */
  readonly consumeOnly: { readonly unreceived: number; readonly startup: LatencyPhase; readonly steady: LatencyPhase };
}

function phase(latencies: number[]): LatencyPhase {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { events: sorted.length, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: at(1) };
}

/** The start of the first half second after which no half second had an event judged 50 ms or more late. */
function settledAfter(series: ReadonlyArray<readonly [sinceFirst: number, latency: number]>): number | undefined {
  const worst = new Map<number, number>();
  for (const [since, latency] of series) worst.set(Math.floor(since / 500), Math.max(worst.get(Math.floor(since / 500)) ?? 0, latency));
  let settled: number | undefined;
  for (const bucket of [...worst.keys()].sort((a, b) => a - b)) {
    if (worst.get(bucket)! >= 50) settled = undefined;
    else settled ??= bucket / 2;
  }
  return settled;
}

const PUBLISHER = fileURLToPath(new URL('./steady-publisher.ts', import.meta.url));

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

interface LatencyOptions {
  readonly brokers: string;
  readonly rate: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly log: (line: string) => void;
}

/** A fresh 6-partition topic. */
async function newTopic(brokers: string, prefix: string): Promise<string> {
  const topic = `${prefix}-${randomUUID().slice(0, 8)}`;
  const admin = new kafkajs.Kafka({ clientId: 'specwatch-bench', brokers: [brokers], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

/** Runs the steady publisher to the end; resolves to how many events it sent. */
async function publishSteadily(options: LatencyOptions, topic: string): Promise<number> {
  const publisher = spawn(process.execPath, ['--import', 'tsx', PUBLISHER, options.brokers, topic, String(options.rate), String(options.seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  publisher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve) => publisher.on('exit', resolve));
  if (exitCode !== 0) throw new Error(`the steady publisher exited ${exitCode}`);
  return (JSON.parse(output) as { sent: number }).sent;
}

/** Waits until `done()` or as long again as the sending took. */
async function awaitBacklog(options: LatencyOptions, done: () => boolean): Promise<void> {
  const until = Date.now() + options.seconds * 1000;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
}

const phases = (series: ReadonlyArray<readonly [number, number]>, warmupSeconds: number) => ({
  startup: phase(series.filter(([since]) => since < warmupSeconds * 1000).map(([, latency]) => latency)),
  steady: phase(series.filter(([since]) => since >= warmupSeconds * 1000).map(([, latency]) => latency)),
});

/** The same load read by a bare kafkajs consumer that only parses each value: what the transport itself costs here. */
async function consumeOnlyLatency(options: LatencyOptions): Promise<LatencyReport['consumeOnly']> {
  const topic = await newTopic(options.brokers, 'bench-latency-consume');
  const consumer = new kafkajs.Kafka({ clientId: 'specwatch-bench', brokers: [options.brokers], logLevel: kafkajs.logLevel.NOTHING }).consumer({ groupId: `bench-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const series: Array<[number, number]> = [];
  let firstTime: number | undefined;
  await consumer.run({ eachBatch: async ({ batch }) => {
    const now = Date.now();
    for (const message of batch.messages) {
      const time = (JSON.parse(message.value!.toString('utf8')) as SpecEvent).time!;
      firstTime ??= time;
      series.push([time - firstTime, now - time]);
    }
  } });
  const sent = await publishSteadily(options, topic);
  await awaitBacklog(options, () => series.length >= sent);
  await consumer.disconnect();
  return { unreceived: sent - series.length, ...phases(series, options.warmupSeconds) };
}

/**
 * The fixed uploader's load published at a steady rate by another process (each event's `time`
 * = when it was due), read by the monitor's own pipeline (Kafka source, causal order, checker)
 * here. Latency = when the checker had judged the event − its time. If the checker falls
 * behind, the backlog gets as long again as the sending took to clear, then what is left is counted as unjudged.
 */
export async function measureLatency(options: LatencyOptions): Promise<LatencyReport> {
  options.log('latency floor: a bare kafkajs consumer under the same load');
  const consumeOnly = await consumeOnlyLatency(options);
  options.log('latency: the monitor\'s pipeline');
  const topic = await newTopic(options.brokers, 'bench-latency');
  const source = await openKafkaEventSource({ brokers: [options.brokers], clientId: 'specwatch-bench' }, {
    topic, groupId: `bench-${randomUUID()}`, start: { kind: 'beginning' }, limits: DEFAULT_LIMITS, maxQueuedPerPartition: 10_000, log: options.log,
  });
  const series: Array<[number, number]> = [];
  let judged = 0;
  let alerts = 0;
  let firstTime: number | undefined;
  const subscription = source.items.pipe(
    causalOrder({ settle: 0 }),
    afterVerdict((event) => {
      judged++;
      firstTime ??= event.time!;
      series.push([event.time! - firstTime, Date.now() - event.time!]);
    }),
    checkConformance(uploader),
  ).subscribe((item) => { if (item.type === 'alert') alerts++; });

  const progress = setInterval(() => options.log(`received ${source.status().received}, judged ${judged}`), 1000);
  const sent = await publishSteadily(options, topic);
  await awaitBacklog(options, () => judged >= sent);
  clearInterval(progress);
  subscription.unsubscribe();
  await source.stop(async () => undefined);
  return {
    rate: options.rate, seconds: options.seconds, sent, unjudged: sent - judged, alerts, warmupSeconds: options.warmupSeconds,
    ...phases(series, options.warmupSeconds),
    settledAfterSeconds: settledAfter(series),
    consumeOnly,
  };
}
