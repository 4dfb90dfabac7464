// `npm run bench:kafka`: specwatch against a real broker. Prints one JSON report:
// - kafkajs consume-only over an N-event topic vs `specwatch monitor --to now` over the same topic
//   (medians of --runs, each monitor run a fresh process, as a user runs it);
// - latency from publish to the checker's verdict while a producer sends at a steady rate.
// Uses SPECWATCH_KAFKA_BROKERS, else starts a local broker in a temp dir (and stops it).
// Options: see USAGE (--help).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { startLocalBroker } from '../../adapters/kafka/local-broker.ts';
import { benchOptions, countOption } from './bench-options.ts';
import { uploaderTrace } from './bench-trace.ts';
import { measureLatency, type LatencyReport } from './kafka-latency.ts';

const USAGE = `usage: npm run -s bench:kafka -- [--events N] [--runs N] [--rate N] [--seconds N] [--warmup N] [--skip-latency]

Against SPECWATCH_KAFKA_BROKERS (host:port), else a local broker it starts and stops:
  --events N      events in the topic for consume-only vs specwatch monitor (default 1000000)
  --runs N        runs of each (throughput and latency), medians reported (default 3)
  --rate N        events/s of the steady load for latency (default 10000)
  --seconds N     seconds of steady load (default 30)
  --warmup N      its first seconds, reported apart as start-up (default 5)
  --skip-latency  only the throughput part`;
const values = benchOptions(USAGE, {
  events: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' },
  rate: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '30' }, warmup: { type: 'string', default: '5' },
  'skip-latency': { type: 'boolean', default: false },
});
const requested = countOption(values, 'events', USAGE);
const runs = countOption(values, 'runs', USAGE);
const rate = countOption(values, 'rate', USAGE);
const seconds = countOption(values, 'seconds', USAGE);
const warmup = countOption(values, 'warmup', USAGE, 0);
const BIN = fileURLToPath(new URL('../../bin/specwatch.js', import.meta.url));
const SPEC = fileURLToPath(new URL('../../examples/uploader/spec.ts', import.meta.url));
const progress = (line: string): void => void process.stderr.write(`bench:kafka: ${line}\n`);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The latency runs in one line each way: medians of the steady percentiles (the machine is
 * noisy), the cold start-up (the first run's: later ones reuse compiled code), and every run.
 */
function summarizeLatency(reports: readonly LatencyReport[]) {
  const steady = (pick: (r: LatencyReport) => number) => median(reports.map(pick));
  return {
    rate, seconds, warmupSeconds: warmup,
    unjudged: reports.reduce((sum, r) => sum + r.unjudged, 0),
    steadyP50Ms: steady((r) => r.steady.p50Ms),
    steadyP99Ms: steady((r) => r.steady.p99Ms),
    consumeOnlySteadyP50Ms: steady((r) => r.consumeOnly.steady.p50Ms),
    consumeOnlySteadyP99Ms: steady((r) => r.consumeOnly.steady.p99Ms),
    coldStartup: reports[0]!.startup,
    runs: reports,
  };
}

let events = requested;

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) for (const byte of chunk as Buffer) if (byte === 10) lines++;
  return lines;
}

/** Every record of the topic read once by a fresh group, doing nothing with it. */
async function consumeOnly(brokers: string, topic: string, total: number): Promise<number> {
  const kafka = new kafkajs.Kafka({ clientId: 'specwatch-bench', brokers: [brokers], logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const started = performance.now();
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({ eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= total) resolve();
    } });
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return seen / seconds;
}

/** `specwatch monitor --to now` over the whole topic, in a fresh process, timed from launch to exit. */
function monitorReplay(brokers: string, topic: string): number {
  const started = performance.now();
  execFileSync(process.execPath, [BIN, 'monitor', '-q', '--no-typecheck', '--spec', SPEC, '--kafka', brokers, '--topic', topic,
    '--alerts-topic', `${topic}.alerts`, '--to', 'now'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return events / ((performance.now() - started) / 1000);
}

let brokers = process.env.SPECWATCH_KAFKA_BROKERS;
let stopBroker = async (): Promise<void> => {};
let brokerStartMs: number | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'specwatch-bench-kafka-'));
if (brokers === undefined || brokers.trim() === '') {
  const broker = await startLocalBroker({ port: 0, dataDir, log: progress });
  brokers = broker.brokers;
  brokerStartMs = broker.startedInMs;
  stopBroker = () => broker.stop();
}
try {
  const uploadersShape = { events: requested, uploads: Math.max(1, Math.round(requested / 100)), users: 4, workers: 11, seed: 1 };
  const path = await uploaderTrace(uploadersShape);
  // The load drains its queue at the end, so the file holds a few more events than asked for.
  events = await countLines(path);
  const topic = `bench-${events}-${randomUUID().slice(0, 8)}`;
  progress(`publishing ${events.toLocaleString('en-US')} events to ${topic}`);
  const publishStarted = performance.now();
  execFileSync(process.execPath, [BIN, 'publish', '-q', '--kafka', brokers, '--topic', topic, path], { stdio: ['ignore', 'ignore', 'inherit'] });
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  const consume: number[] = [];
  const monitor: number[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`consume-only run ${i + 1}/${runs}`);
    consume.push(await consumeOnly(brokers, topic, events));
    progress(`monitor run ${i + 1}/${runs}`);
    monitor.push(monitorReplay(brokers, topic));
  }
  const latencyRuns: LatencyReport[] = [];
  for (let i = 0; i < runs && values['skip-latency'] !== true; i++) {
    progress(`latency run ${i + 1}/${runs}: ${rate} events/s for ${seconds} s`);
    latencyRuns.push(await measureLatency({ brokers, rate, seconds, warmupSeconds: warmup, log: progress }));
  }
  const latency = latencyRuns.length === 0 ? undefined : summarizeLatency(latencyRuns);
  const report = {
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
    brokerStartMs,
    trace: { ...uploadersShape, file: path },
    publish: { seconds: Number(publishSeconds.toFixed(2)), eventsPerSecond: Math.round(events / publishSeconds) },
    consumeOnly: { eventsPerSecond: Math.round(median(consume)), runs: consume.map(Math.round) },
    monitor: { eventsPerSecond: Math.round(median(monitor)), runs: monitor.map(Math.round) },
    monitorToConsumeOnly: Number((median(monitor) / median(consume)).toFixed(3)),
    latency,
    targets: {
      'monitor ≥ 0.75 × consume-only': median(monitor) / median(consume) >= 0.75,
      [`p99 publish → verdict < 50 ms at ${rate} events/s`]: latency === undefined ? undefined : latency.unjudged === 0 && latency.steadyP99Ms < 50,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await stopBroker();
  rmSync(dataDir, { recursive: true, force: true });
}
