// The Kafka transport: a queue topic read by a consumer group of workers. OpenTelemetry's kafkajs
// instrumentation injects the sender's clock into each message's headers and merges it when the
// consumer hands the message over, so nothing here touches a clock.
import type { Consumer, Producer } from 'kafkajs';
import { kafkaConnection } from './kafka-connection.ts';
import type { StoreClient } from './store-client.ts';
import type { AckPolicy, Delivery, QueueConsumer, QueueSender, QueueSettings, UploadMessage } from './upload-queue.ts';
import { MAX_DELIVERIES, isOp } from './upload-queue.ts';

type KafkaSettings = Extract<QueueSettings, { transport: 'kafka' }>;

export async function openKafkaSender(settings: KafkaSettings, name: string): Promise<QueueSender> {
  const producer: Producer = kafkaConnection(name, settings.brokers).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    // No key: a work queue spreads messages over the partitions (round robin). Keyed by id, one
    // upload's messages would all go to one worker in order, and the talk's races could not happen.
    send: async (message: UploadMessage) => void (await producer.send({ topic: settings.topic, acks: -1, messages: [{ value: JSON.stringify(message) }] })),
    close: () => producer.disconnect(),
  };
}

export async function openKafkaConsumer(settings: KafkaSettings, store: StoreClient, ack: AckPolicy, name: string): Promise<QueueConsumer> {
  // The broker's least session timeout: a crashed worker's partitions move on after 6 s.
  const consumer: Consumer = kafkaConnection(name, settings.brokers).consumer({ groupId: settings.group, sessionTimeout: 6000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [settings.topic], fromBeginning: true });
  let finished: () => void = () => undefined;
  return {
    run: (handle) => new Promise<void>((resolve, reject) => {
      finished = resolve;
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const commit = (): Promise<void> => consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
          try {
            // Kafka does not count deliveries; the store does, so a redelivery to a new incarnation is known as one.
            const deliveries = await store.countDelivery(`${topic}/${partition}/${message.offset}`);
            const parsed = JSON.parse(message.value?.toString() ?? 'null') as { id?: unknown; op?: unknown } | null;
            if (typeof parsed?.id !== 'number' || !isOp(parsed.op)) throw new Error(`message ${topic}/${partition}/${message.offset} is not an (id, op) pair`);
            if (deliveries > MAX_DELIVERIES) {
              process.stderr.write(`${name}: (${parsed.id}, ${parsed.op}) dead-lettered after ${MAX_DELIVERIES} deliveries\n`);
              return await commit();
            }
            const delivery: Delivery = { message: { id: parsed.id, op: parsed.op }, deliveries };
            if (ack === 'on-receipt') await commit();
            await handle(delivery);
            if (ack === 'after-handling') await commit();
          } catch (error) {
            // A handler failure is the worker's crash: the process exits, and until then this
            // message must neither be retried in this incarnation nor committed.
            reject(error);
            await new Promise(() => undefined);
          }
        },
      }).catch(reject);
    }),
    stop: async () => {
      await consumer.disconnect();
      finished();
    },
  };
}
