import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaEventExporter } from '../../instrumentation/kafka-event-exporter.ts';
import { MemoryEventExporter } from '../../instrumentation/memory-event-exporter.ts';
import { SpecRecorder } from '../../instrumentation/spec-recorder.ts';
import type { SpecEvent } from '../../instrumentation/format.ts';
import { decodeEvent } from '../../monitor/decode-event.ts';
import { kafkaBrokers, kafkaSkipReason } from './kafka-context.ts';

const brokers = kafkaBrokers();
if (brokers === undefined) console.warn(kafkaSkipReason() ?? 'Kafka tests skipped: no broker provided');
const kafka = new kafkajs.Kafka({ clientId: 'specwatch-exporter-test', brokers: [brokers ?? '127.0.0.1:1'], logLevel: kafkajs.logLevel.NOTHING });
const PARTITIONS = 3;

async function createTopic(): Promise<string> {
  const topic = `test-exporter-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Every record of a topic, read back with a plain kafkajs consumer. */
async function readTopic(topic: string, expected: number): Promise<Array<{ partition: number; key: string; value: string }>> {
  const records: Array<{ partition: number; key: string; value: string }> = [];
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`read ${records.length} of ${expected} records from ${topic}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ partition, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          if (records.length >= expected) {
            clearTimeout(timeout);
            resolve();
          }
        },
      });
    });
    // A moment more, so a duplicate sent after the expected count would show.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Each event decodes, appears once, is keyed by its proc, and one proc's events stay in order in one partition. */
function expectEveryEventOnce(records: ReadonlyArray<{ partition: number; key: string; value: string }>, sent: readonly SpecEvent[]): void {
  const decoded = records.map((r) => {
    const item = decodeEvent(r.value, { source: 'topic', partition: r.partition });
    if (item.type !== 'event') throw new Error(`malformed record: ${JSON.stringify(item)}`);
    expect(r.key).toBe(item.event.proc);
    return { partition: r.partition, event: item.event };
  });
  const ids = decoded.map(({ event }) => `${event.proc}#${event.seq}`);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(sent.map((e) => `${e.proc}#${e.seq}`).sort());
  for (const proc of new Set(sent.map((e) => e.proc))) {
    const mine = decoded.filter(({ event }) => event.proc === proc);
    expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
    expect(mine.map((m) => m.event.seq)).toEqual(mine.map((_, i) => i + 1));
  }
}

describe.skipIf(brokers === undefined)('KafkaEventExporter and a real Kafka broker', () => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  afterAll(async () => {
    await producer.disconnect();
  });

  it('publishes each event of two recorders once, keyed by proc, with a producer it creates', async () => {
    const topic = await createTopic();
    const exporter = new KafkaEventExporter({ kafka, topic });
    // Two incarnations share one exporter, as two recorders in one test process would.
    const shared = { export: exporter.export.bind(exporter), shutdown: async () => undefined };
    const api = new SpecRecorder({ service: 'api', exporter: shared, maxExportBatchSize: 50 });
    const worker = new SpecRecorder({ service: 'worker', exporter: shared, maxExportBatchSize: 50 });
    const sent: SpecEvent[] = [];
    for (let i = 0; i < 120; i++) {
      sent.push(api.record('Upload', { id: i }));
      worker.receive(api.clock());
      sent.push(worker.record('Process', { id: i }));
    }
    await api.shutdown();
    await worker.shutdown();
    await exporter.shutdown();
    expect(api.exported + worker.exported).toBe(sent.length);
    expect(api.failed + worker.failed).toBe(0);
    expectEveryEventOnce(await readTopic(topic, sent.length), sent);
  });

  it('publishes through a producer the caller owns, and leaves it connected', async () => {
    const topic = await createTopic();
    await producer.connect();
    const exporter = new KafkaEventExporter({ producer, topic });
    const recorder = new SpecRecorder({ service: 'cleaner', exporter });
    const sent = Array.from({ length: 30 }, (_, i) => recorder.record('Clean', { id: i }));
    await recorder.shutdown();
    expect(recorder.exported).toBe(30);
    // Still usable by its owner after the exporter shut down.
    await producer.send({ topic, acks: -1, messages: [{ key: 'owner', value: 'not an event' }] });
    const records = await readTopic(topic, 31);
    expectEveryEventOnce(records.filter((r) => r.key !== 'owner'), sent);
  });

  it('reports a topic that does not exist as a failed export', async () => {
    // The broker may auto-create topics; a producer that must not, and gives up soon, sees the missing topic.
    const strict = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 1 } });
    await strict.connect();
    try {
      const exporter = new KafkaEventExporter({ producer: strict, topic: `missing-${randomUUID()}` });
      const event = new SpecRecorder({ service: 'api', exporter: new MemoryEventExporter() }).record('A');
      const result = await exporter.export([event]);
      expect(result.code).toBe('failed');
      expect(result.error?.message).toMatch(/topic|partition/i);
    } finally {
      await strict.disconnect();
    }
  });
});
