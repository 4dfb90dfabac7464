import type { Producer } from 'kafkajs';
import type { BrokerConnection, EventPublisher, PublishRecord } from '../../monitor/index.ts';
import { IDEMPOTENT_PRODUCER, describeConnection, kafkaClient, kafkaFailure, untraced } from './kafka-client.ts';
import { ensureTopic } from './ensure-topic.ts';

const BATCH = 2000;

/** Events into a topic, key = `proc` so one incarnation's events stay in order in one partition. */
export async function openKafkaPublisher(connection: BrokerConnection, topic: string, partitions: number, log: (line: string) => void): Promise<EventPublisher> {
  const kafka = kafkaClient(connection, log);
  const admin = kafka.admin();
  try {
    await untraced(() => admin.connect());
    await ensureTopic(admin, topic, partitions, log);
  } catch (error) {
    throw kafkaFailure(`cannot prepare topic ${topic} on ${describeConnection(connection)}`, error, { topic });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const producer = kafka.producer(IDEMPOTENT_PRODUCER);
  try {
    await untraced(() => producer.connect());
  } catch (error) {
    throw kafkaFailure(`cannot connect a producer to ${describeConnection(connection)}`, error, { topic });
  }
  return new KafkaPublisher(producer, topic);
}

class KafkaPublisher implements EventPublisher {
  constructor(private readonly producer: Producer, private readonly topic: string) {}

  async send(records: readonly PublishRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += BATCH) {
      const messages = records.slice(i, i + BATCH).map((r) => ({ key: r.key, value: r.value }));
      try {
        await untraced(() => this.producer.send({ topic: this.topic, acks: -1, messages }));
      } catch (error) {
        throw kafkaFailure(`cannot publish to ${this.topic}`, error, { topic: this.topic });
      }
    }
  }

  async close(): Promise<void> {
    await untraced(() => this.producer.disconnect()).catch(() => undefined);
  }
}
