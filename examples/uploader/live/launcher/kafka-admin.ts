// What the launcher asks of Kafka: topics to exist, the workers' group to have settled, and how
// many queue messages the group has not yet committed (the drain).
import type { Admin } from 'kafkajs';
import { ensureTopic } from '../../../../adapters/kafka/index.ts';
import { kafkaConnection } from '../services/kafka-connection.ts';
import { sleep } from '../services/service-lifecycle.ts';

export class KafkaAdmin {
  readonly #admin: Admin;

  private constructor(admin: Admin) {
    this.#admin = admin;
  }

  static async connect(brokers: readonly string[]): Promise<KafkaAdmin> {
    // A broker that does not answer is a mistake in the command line: say so within seconds.
    const admin = kafkaConnection('uploader-launcher', brokers, 4).admin();
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(`cannot reach Kafka at ${brokers.join(',')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return new KafkaAdmin(admin);
  }

  /** Creates the topics that do not exist; an existing topic keeps its partitions. */
  async ensureTopics(topics: ReadonlyArray<{ topic: string; partitions: number }>, log: (line: string) => void): Promise<void> {
    for (const { topic, partitions } of topics) await ensureTopic(this.#admin, topic, partitions, log);
  }

  /**
   * Moves the group to the end of the queue topic: each run's store starts empty, so messages an
   * earlier run left behind would name uploads that do not exist. Fails if the group is in use.
   */
  async skipEarlierMessages(group: string, topic: string): Promise<void> {
    const ends = await this.#admin.fetchTopicOffsets(topic);
    try {
      await this.#admin.setOffsets({ groupId: group, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    } catch (error) {
      throw new Error(`cannot start the workers' group ${group} at the end of ${topic} (is another run using it?): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Waits until the group is stable with `members` members, each holding partitions to read. */
  async awaitGroup(group: string, members: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { groups } = await this.#admin.describeGroups([group]);
      const found = groups[0];
      if (found?.state === 'Stable' && found.members.length === members) return;
      if (Date.now() > deadline) throw new Error(`the workers' group ${group} did not settle with ${members} members within ${timeoutMs} ms (state ${found?.state ?? 'unknown'}, ${found?.members.length ?? 0} members)`);
      await sleep(250);
    }
  }

  /** Queue messages sent and not yet committed by the group. */
  async lag(group: string, topic: string): Promise<number> {
    const [ends, [committed]] = await Promise.all([this.#admin.fetchTopicOffsets(topic), this.#admin.fetchOffsets({ groupId: group, topics: [topic] })]);
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return ends.reduce((sum, p) => sum + Number(p.high) - (done.get(p.partition) ?? Number(p.low)), 0);
  }

  async close(): Promise<void> {
    await this.#admin.disconnect();
  }
}
