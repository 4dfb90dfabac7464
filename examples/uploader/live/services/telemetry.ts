/**
 * Loaded with `--import` before each uploader service (all but the store), so that http and kafkajs
 * are patched when the service imports them: OpenTelemetry then carries the process's clock on
 * every HTTP request and Kafka message it sends, and merges the clock of each one it receives.
 *
 * Environment (set by the launcher):
 *   UPLOADER_SERVICE          service name (event field `service`), e.g. worker
 *   UPLOADER_NAME             process name; `proc` is it plus an incarnation suffix, e.g. worker-1@3fa9c2d1
 *   UPLOADER_EVENTS_DIR       write events to <dir>/<proc>.ndjson, or
 *   UPLOADER_KAFKA, UPLOADER_EVENTS_TOPIC   send them to a topic (key = proc)
 *   UPLOADER_RECORDER_QUEUE   the recorder's queue size (default 2048; a tiny one shows overflow as a gap)
 */
import { register } from 'node:module';
import { join } from 'node:path';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOnSampler, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
// The public surface loads no kafkajs itself, so importing it before sdk.start() is safe.
import { KafkaEventExporter, NdjsonFileExporter, SpecRecorder, incarnationId, specwatchPropagator, type ClockCarrier, type EventExporter } from '../../../../instrumentation/index.ts';
import { brokerList } from './broker-list.ts';

// An ES module's `import http from 'node:http'` is patched only through import-in-the-middle's
// loader hook; without it no clock travels, and nothing says so.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const env = (name: string): string | undefined => (process.env[name]?.trim() === '' ? undefined : process.env[name]?.trim());
const service = env('UPLOADER_SERVICE');
if (service === undefined) throw new Error('telemetry: UPLOADER_SERVICE is not set (the launcher sets it; see examples/uploader/live/run-uploader.ts)');
const proc = incarnationId(env('UPLOADER_NAME') ?? service);
const queueText = env('UPLOADER_RECORDER_QUEUE');
const maxQueueSize = queueText === undefined ? undefined : Number(queueText);

async function eventExporter(): Promise<EventExporter> {
  const dir = env('UPLOADER_EVENTS_DIR');
  if (dir !== undefined) return new NdjsonFileExporter(join(dir, `${proc}.ndjson`));
  const brokers = env('UPLOADER_KAFKA');
  const topic = env('UPLOADER_EVENTS_TOPIC');
  if (brokers === undefined || topic === undefined) throw new Error('telemetry: set UPLOADER_EVENTS_DIR, or UPLOADER_KAFKA and UPLOADER_EVENTS_TOPIC');
  // Imported here, after sdk.start(): kafkajs loaded before the instrumentation would stay unpatched.
  const { kafkaConnection } = await import('./kafka-connection.ts');
  return new KafkaEventExporter({ kafka: kafkaConnection(`${proc}-events`, brokerList(brokers)), topic });
}

// The propagator needs the recorder, the recorder its exporter, and that exporter kafkajs, which
// may only load once the SDK runs: the propagator reaches the recorder through this carrier.
const clocks: ClockCarrier = { clock: () => recorder.clock(), receive: (clock) => recorder.receive(clock) };
const sdk = new NodeSDK({
  serviceName: service,
  sampler: new AlwaysOnSampler(),
  // Spans are not exported anywhere; they exist so that events carry trace ids.
  spanProcessors: [new NoopSpanProcessor()],
  textMapPropagator: specwatchPropagator(clocks),
  instrumentations: [new HttpInstrumentation(), new KafkaJsInstrumentation()],
  // No OTLP collector here: without these the SDK exports metrics and logs to localhost:4318.
  metricReaders: [],
  logRecordProcessors: [],
  autoDetectResources: false,
});
sdk.start();

export const recorder = new SpecRecorder({
  service,
  proc,
  exporter: await eventExporter(),
  ...(maxQueueSize === undefined ? {} : { maxQueueSize }),
  onError: (error) => process.stderr.write(`${proc}: recorder: ${error.message}\n`),
});

/** Ends the SDK, then writes out every recorded event. */
export async function stopTelemetry(): Promise<void> {
  await sdk.shutdown();
  await recorder.shutdown();
}
