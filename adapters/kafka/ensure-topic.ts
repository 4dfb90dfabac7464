import type { Admin } from 'kafkajs';
import { untraced } from './kafka-client.ts';

/** How long a topic just created may take to show in the brokers' metadata. */
const METADATA_WAIT_MS = 30_000;
const METADATA_POLL_MS = 100;

/** The broker's error code name kafkajs gives a protocol error (undefined for other errors). */
const protocolErrorType = (error: unknown): unknown => (error as { type?: unknown } | null)?.type;

/**
 * Creates the topic when it does not exist; an existing topic keeps its own partition count.
 * Resolves once every partition of a created topic has a leader.
 */
export async function ensureTopic(admin: Admin, topic: string, partitions: number, log: (line: string) => void): Promise<boolean> {
  if ((await untraced(() => admin.listTopics())).includes(topic)) return false;
  let created: boolean;
  try {
    created = await untraced(() => admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }));
  } catch (error) {
    // kafkajs waits for leaders only through LEADER_NOT_AVAILABLE; a KRaft broker restarted on
    // existing storage first answers that the new topic is unknown, and kafkajs gives up.
    if (protocolErrorType(error) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
    await waitForLeaders(admin, topic);
    created = true;
  }
  if (created) log(`created topic ${topic} with ${partitions} partition${partitions === 1 ? '' : 's'}`);
  return created;
}

/** Polls the topic's metadata (as kafkajs's own wait for leaders does) until each partition has a leader. */
async function waitForLeaders(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + METADATA_WAIT_MS;
  for (;;) {
    try {
      const { topics } = await untraced(() => admin.fetchTopicMetadata({ topics: [topic] }));
      const found = topics.find((t) => t.name === topic);
      if (found !== undefined && found.partitions.length > 0 && found.partitions.every((p) => p.leader >= 0)) return;
    } catch (error) {
      if (!['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE'].includes(protocolErrorType(error) as string)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} was created but had no leader for every partition after ${METADATA_WAIT_MS / 1000} s`);
    await new Promise((done) => setTimeout(done, METADATA_POLL_MS));
  }
}
