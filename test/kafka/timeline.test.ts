import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../../monitor/index.ts';
import { specwatchAsync } from '../support/run-cli.ts';
import { kafkaBrokers, kafkaSkipReason } from './kafka-context.ts';

const brokers = kafkaBrokers();
if (brokers === undefined) console.warn(kafkaSkipReason() ?? 'Kafka tests skipped: no broker provided');
const SPEC = 'examples/uploader/spec.ts';
const TRACE = 'examples/uploader/traces/delete-before-create.buggy.ndjson';
type TimelineJson = { events: SpecEvent[]; alerts: Alert[]; sources: string[] };

describe.skipIf(brokers === undefined)('specwatch timeline of a Kafka topic', () => {
  it('draws a topic range as it draws the file it was published from, alerts and cuts included', async () => {
    const topic = `test-timeline-${randomUUID()}`;
    const published = await specwatchAsync(['publish', '-q', '--kafka', brokers!, '--topic', topic, '--partitions', '3', TRACE]);
    expect(published.status, published.stderr).toBe(0);
    const args = ['timeline', '-q', '--spec', SPEC, '--no-typecheck', '--format', 'json'];
    const [fromTopic, fromFile] = await Promise.all([specwatchAsync([...args, '--kafka', brokers!, '--topic', topic, '--to', 'now']), specwatchAsync([...args, TRACE])]);
    expect(fromTopic.status, fromTopic.stderr).toBe(0);
    const topicTimeline = JSON.parse(fromTopic.stdout) as TimelineJson;
    const fileTimeline = JSON.parse(fromFile.stdout) as TimelineJson;
    expect(topicTimeline.sources).toEqual([`topic ${topic}`]);
    expect(topicTimeline.events).toEqual(fileTimeline.events);
    expect(topicTimeline.alerts).toEqual(fileTimeline.alerts);
    const alert = fileTimeline.alerts.find((a) => a.kind === 'nonconformance')!;
    const around = await specwatchAsync([...args, '--kafka', brokers!, '--topic', topic, '--around', alert.id]);
    expect((JSON.parse(around.stdout) as TimelineJson).events.map((e) => e.action)).toEqual(['Create', 'Delete', 'Receive', 'CreateContent']);
  }, 120_000);
});
