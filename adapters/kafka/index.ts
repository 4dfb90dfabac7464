// Kafka through kafkajs: the event source, the alert sink and the publisher behind monitor's EventStreams contract.
import type { EventStreams } from '../../monitor/index.ts';
import { openKafkaAlertSink } from './kafka-alert-sink.ts';
import { openKafkaEventSource } from './kafka-event-source.ts';
import { openKafkaPublisher } from './kafka-publisher.ts';

export { openKafkaAlertSink } from './kafka-alert-sink.ts';
export { openKafkaEventSource, DEFAULT_GROUP_ID } from './kafka-event-source.ts';
export { openKafkaPublisher } from './kafka-publisher.ts';
export { describeConnection, kafkaClient } from './kafka-client.ts';
export { ensureTopic } from './ensure-topic.ts';
export { OffsetLedger } from './offset-ledger.ts';

export const kafkaEventStreams: EventStreams = {
  openSource: openKafkaEventSource,
  openAlertSink: openKafkaAlertSink,
  openPublisher: openKafkaPublisher,
};
