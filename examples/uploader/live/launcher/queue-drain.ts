// Waiting for the queue: until the workers can take messages, and until every message sent has
// been handled (or dead-lettered), so that a stop does not cut a run short and look like a bug.
import { callJson } from '../services/json-http.ts';
import { sleep } from '../services/service-lifecycle.ts';
import { workersGroup, type RunSettings } from './run-settings.ts';
import type { ServiceGroup } from './service-group.ts';

const DRAIN_TIMEOUT_MS = 60_000;

export interface QueueWatch {
  /** Resolves once `workers` workers can take messages (Kafka: their group has settled). */
  ready(workers: number): Promise<void>;
  /** Messages sent and not yet acknowledged. */
  pending(): Promise<number>;
  close(): Promise<void>;
}

export function embeddedQueueWatch(store: string): QueueWatch {
  return {
    ready: async () => undefined,
    pending: async () => {
      const counts = (await callJson('GET', `${store}/queue`)).body as { ready: number; leased: number };
      return counts.ready + counts.leased;
    },
    close: async () => undefined,
  };
}

/** Creates the queue topic (one partition per worker, at least two) and the events topic if missing; the workers will start at the queue's end. */
export async function kafkaQueueWatch(settings: RunSettings, log: (line: string) => void): Promise<QueueWatch> {
  const { KafkaAdmin } = await import('./kafka-admin.ts');
  const admin = await KafkaAdmin.connect(settings.brokers!);
  try {
    await admin.ensureTopics([{ topic: settings.queueTopic, partitions: Math.max(2, settings.workers) }, { topic: settings.eventsTopic, partitions: 3 }], log);
    await admin.skipEarlierMessages(workersGroup(settings), settings.queueTopic);
  } catch (error) {
    await admin.close();
    throw error;
  }
  return {
    ready: (workers) => admin.awaitGroup(workersGroup(settings), workers, 60_000),
    pending: () => admin.lag(workersGroup(settings), settings.queueTopic),
    close: () => admin.close(),
  };
}

/** Waits for the queue to empty, then for two more sweeps of the cleaner; false if the queue never emptied. */
export async function drainQueue(watch: QueueWatch, group: ServiceGroup, log: (line: string) => void): Promise<boolean> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let said = 0;
  for (;;) {
    const pending = await watch.pending();
    if (pending === 0) break;
    if (Date.now() > deadline) {
      log(`the queue did not drain within ${DRAIN_TIMEOUT_MS / 1000} s (${pending} messages left); stopping anyway`);
      return false;
    }
    if (Date.now() - said > 2000) {
      log(`draining: ${pending} queue messages not yet handled`);
      said = Date.now();
    }
    await sleep(200);
  }
  const cleaner = group.get('cleaner');
  if (cleaner !== undefined) {
    // The sweep under way may have listed the content before the last delete; the next one has not.
    const sweeps = cleaner.said('swept').length;
    const sweptBy = Date.now() + DRAIN_TIMEOUT_MS;
    while (cleaner.said('swept').length < sweeps + 2 && Date.now() < sweptBy) await sleep(100);
  }
  return true;
}
