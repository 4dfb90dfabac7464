import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { localBrokerStatus, missingPrerequisites, startLocalBroker, stopLocalBroker } from '../../adapters/kafka/local-broker.ts';
import { specwatchAsync } from '../support/run-cli.ts';
import { kafkaBrokers, kafkaSkipReason } from './kafka-context.ts';

const brokers = kafkaBrokers();
if (brokers === undefined) console.warn(kafkaSkipReason() ?? 'Kafka tests skipped: no broker provided');
// The lifecycle test runs a broker of its own, which needs Java (and Maven until Kafka is fetched).
const missing = await missingPrerequisites();
const lifecycleSkipReason = missing.length === 0 ? undefined : `Local broker lifecycle test skipped: missing ${missing.join(', ')}`;
if (lifecycleSkipReason !== undefined && brokers !== undefined) console.warn(lifecycleSkipReason);

describe.skipIf(brokers === undefined)('the provided Kafka broker', () => {
  it('creates a topic, and gives back a message produced to it', async () => {
    const kafka = new Kafka({ clientId: 'specwatch-local-broker-test', brokers: [brokers ?? ''], logLevel: logLevel.NOTHING });
    const topic = `local-broker-test-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `local-broker-test-${randomUUID()}` });
    try {
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'greeting', value: 'hello, broker' }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<{ key: string; value: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' }),
        });
      });
      expect(await received).toEqual({ key: 'greeting', value: 'hello, broker' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  }, 60_000);
});

describe.skipIf(lifecycleSkipReason !== undefined)('a local broker on its own data dir', () => {
  let dataDir: string | undefined;
  let restartedDir: string | undefined;
  afterAll(async () => {
    for (const dir of [dataDir, restartedDir]) {
      if (dir === undefined) continue;
      await stopLocalBroker({ dataDir: dir });
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('starts once, reports its status, stops, and cleans up a stale pid file', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'specwatch-kafka-lifecycle-'));
    const first = await startLocalBroker({ port: 0, dataDir });
    expect(first.brokers).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(first.startedInMs).toBeGreaterThan(0);

    const again = await startLocalBroker({ port: 0, dataDir });
    expect(again.pid).toBe(first.pid);
    expect(again.brokers).toBe(first.brokers);
    expect(await localBrokerStatus({ dataDir })).toEqual({ running: true, brokers: first.brokers, pid: first.pid });

    expect(await stopLocalBroker({ dataDir })).toBe(true);
    expect(await localBrokerStatus({ dataDir })).toEqual({ running: false });
    expect(existsSync(join(dataDir, 'kafka.pid'))).toBe(false);
    // The broker was this worker's child: once it exits, Node reaps it and the pid is free.
    await vi.waitFor(() => expect(() => process.kill(first.pid, 0)).toThrow(), { timeout: 5_000 });
    expect(await stopLocalBroker({ dataDir })).toBe(false);

    await writeFile(join(dataDir, 'kafka.pid'), `${first.pid}\n`);
    expect(await localBrokerStatus({ dataDir })).toEqual({ running: false });
    expect(existsSync(join(dataDir, 'kafka.pid'))).toBe(false);
  }, 90_000);

  // A KRaft broker restarted on storage with many partitions first calls a topic just created
  // unknown; kafkajs waits for leaders only through "leader not available", so publish exited 2.
  it('restarted on its storage, takes a trace published to a new topic at once', async () => {
    restartedDir = await mkdtemp(join(tmpdir(), 'specwatch-kafka-restart-'));
    const first = await startLocalBroker({ port: 0, dataDir: restartedDir });
    const admin = new Kafka({ clientId: 'specwatch-local-broker-test', brokers: [first.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wide', numPartitions: 1000 }], waitForLeaders: true });
    await admin.disconnect();
    await first.stop();
    const broker = await startLocalBroker({ port: Number(first.brokers.split(':')[1]), dataDir: restartedDir });
    const topic = `restarted-${randomUUID()}`;
    const published = await specwatchAsync(['publish', '--kafka', broker.brokers, '--topic', topic, 'examples/uploader/traces/worker-crash.buggy.ndjson']);
    expect(published.stderr).toMatch(new RegExp(`created topic ${topic} with 6 partitions[\\s\\S]*events published to ${topic}`));
    expect(published.status).toBe(0);
  }, 120_000);
});
