import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { SpecwatchError, type Alert, type AlertSink, type BrokerConnection } from '../../monitor/index.ts';
import { IDEMPOTENT_PRODUCER, describeConnection, kafkaClient, kafkaFailure, untraced } from './kafka-client.ts';
import { ensureTopic } from './ensure-topic.ts';

// Alerts are few; a short linger still lets a burst go as one request.
const LINGER_MS = 5;
const READ_IDS_TIMEOUT_MS = 60_000;
// Kafka refuses a record batch over message.max.bytes (1 MB by default): send in smaller requests.
const MAX_REQUEST_BYTES = 512 * 1024;
// One alert must fit a request; past this its causal history is cut from the oldest end.
const MAX_ALERT_BYTES = 256 * 1024;

/**
 * Alerts to a topic, key = the alert's deterministic id. The ids already in the topic are read
 * first, so a restarted monitor, which replays the events to rebuild its state, does not publish
 * an alert twice. The producer is idempotent: kafkajs's retries do not duplicate either.
 */
export async function openKafkaAlertSink(connection: BrokerConnection, topic: string, log: (line: string) => void): Promise<AlertSink> {
  const kafka = kafkaClient(connection, log);
  const admin = kafka.admin();
  try {
    await untraced(() => admin.connect());
    await ensureTopic(admin, topic, 1, log);
    const publishedIds = await readAlertIds(kafka, admin, topic);
    const producer = kafka.producer(IDEMPOTENT_PRODUCER);
    await untraced(() => producer.connect());
    return new KafkaAlertSink(producer, topic, publishedIds, log);
  } catch (error) {
    throw kafkaFailure(`cannot open the alerts topic ${topic} on ${describeConnection(connection)}`, error, { topic });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every alert id in the topic, read from the oldest record up to the end as it is now. */
async function readAlertIds(kafka: Kafka, admin: Admin, topic: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const remaining = new Map<number, number>();
  for (const { partition, low, high } of await untraced(() => admin.fetchTopicOffsets(topic))) if (Number(high) > Number(low)) remaining.set(partition, Number(high));
  if (remaining.size === 0) return ids;
  const groupId = `specwatch-alert-ids-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  try {
    await untraced(async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`reading alert ids took over ${READ_IDS_TIMEOUT_MS / 1000}s`)), READ_IDS_TIMEOUT_MS);
        consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (message.key !== null) ids.add(message.key.toString('utf8'));
            if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        }).catch(reject);
      }).finally(() => clearTimeout(timer));
    });
  } finally {
    await untraced(async () => {
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    });
  }
  return ids;
}

class KafkaAlertSink implements AlertSink {
  private queued: Message[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(private readonly producer: Producer, private readonly topic: string, readonly publishedIds: Set<string>, private readonly log: (line: string) => void) {}

  get backlog(): number {
    return this.queued.length + this.inFlight;
  }

  send(alert: Alert): boolean {
    if (this.publishedIds.has(alert.id)) return false;
    this.publishedIds.add(alert.id);
    this.queued.push({ key: alert.id, value: boundedAlert(alert) });
    this.timer ??= setTimeout(() => this.drain(), LINGER_MS);
    return true;
  }

  private drain(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const messages = this.queued;
    if (messages.length === 0) return this.sending;
    this.queued = [];
    this.inFlight += messages.length;
    this.sending = this.sending.then(async () => {
      try {
        for (const request of byteBounded(messages)) await untraced(() => this.producer.send({ topic: this.topic, acks: -1, messages: request }));
      } catch (error) {
        // kafkajs has retried already, so retrying here cannot help: the monitor stops without
        // committing (flush throws), and a restart replays the events and sends these again.
        const reason = kafkaFailure(`cannot publish ${messages.length} alerts to ${this.topic}`, error, { topic: this.topic });
        this.failure ??= new SpecwatchError(reason.message, { code: 'KAFKA', retriable: false, cause: error, context: { topic: this.topic } });
        this.log(reason.message);
      } finally {
        this.inFlight -= messages.length;
      }
    });
    return this.sending;
  }

  async flush(): Promise<void> {
    await this.drain();
    if (this.failure !== undefined) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      await this.drain();
    } finally {
      await untraced(() => this.producer.disconnect()).catch(() => undefined);
    }
  }
}

/** Messages in order, in requests of at most MAX_REQUEST_BYTES of values. */
function* byteBounded(messages: readonly Message[]): Generator<Message[]> {
  let request: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.value as string);
    if (request.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
      yield request;
      request = [];
      bytes = 0;
    }
    request.push(message);
    bytes += size;
  }
  if (request.length > 0) yield request;
}

/** The alert as JSON, its history shortened (oldest first) and then its state dropped until it fits. */
export function boundedAlert(alert: Alert, maxBytes = MAX_ALERT_BYTES): string {
  let text = JSON.stringify(alert);
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const history = [...(alert.history ?? [])];
  while (history.length > 0) {
    history.splice(0, Math.max(1, Math.ceil(history.length / 4)));
    text = JSON.stringify({ ...alert, history, truncated: 'history shortened to fit a Kafka message' });
    if (Buffer.byteLength(text) <= maxBytes) return text;
  }
  return JSON.stringify({ ...alert, history: [], state: undefined, truncated: 'history and state left out to fit a Kafka message' });
}
