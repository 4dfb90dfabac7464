import type { Admin } from 'kafkajs';
import { untraced } from './kafka-client.ts';

/** Creates the topic when it does not exist; an existing topic keeps its own partition count. */
export async function ensureTopic(admin: Admin, topic: string, partitions: number, log: (line: string) => void): Promise<boolean> {
  if ((await untraced(() => admin.listTopics())).includes(topic)) return false;
  const created = await untraced(() => admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }));
  if (created) log(`created topic ${topic} with ${partitions} partition${partitions === 1 ? '' : 's'}`);
  return created;
}
