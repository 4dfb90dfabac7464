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

/**
 * The fixed uploader's load published at a steady rate by another process (each event's `time`
 * = when it was due), read by the monitor's own pipeline (Kafka source, causal order, checker)
 * here. Latency = when the checker had judged the event − its time. If the checker falls
 * behind, the backlog gets as long again as the sending took to clear, then what is left is counted as unjudged.
 */
export async function measureLatency(options: { brokers: string; rate: number; seconds: number; warmupSeconds: number; log: (line: string) => void }): Promise<LatencyReport> {
  const topic = `bench-latency-${randomUUID().slice(0, 8)}`;
  const admin = new kafkajs.Kafka({ clientId: 'specwatch-bench', brokers: [options.brokers], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();

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
  const warmupMs = options.warmupSeconds * 1000;
  return {
    rate: options.rate, seconds: options.seconds, sent, unjudged: sent - judged, alerts, warmupSeconds: options.warmupSeconds,
    startup: phase(series.filter(([since]) => since < warmupMs).map(([, latency]) => latency)),
    steady: phase(series.filter(([since]) => since >= warmupMs).map(([, latency]) => latency)),
    settledAfterSeconds: settledAfter(series),
  };
}
