import type { Observable } from 'rxjs';
import type { DecodedItem } from '../trace-items.ts';
import { SpecwatchError } from '../errors.ts';
import type { FormatLimits } from '../format-limits.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { stdinAtMostOnce, usageError } from './cli-options.ts';
import { DEFAULT_EVENTS_TOPIC, connectionFrom, streamEndFrom, streamStartFrom } from './kafka-flags.ts';

// As the monitor: a few kafkajs fetches of one partition wait for the others in the merge.
const MERGE_QUEUE_PER_PARTITION = 10_000;

type Values = Record<string, string | boolean | undefined>;

/** Where the events come from: trace files (or stdin), or a range of a Kafka topic read to its end. */
export interface TimelineSource {
  readonly items: Observable<DecodedItem>;
  readonly names: readonly string[];
  /** Disconnects from Kafka; nothing to do for files. */
  close(): Promise<void>;
}

export async function openTimelineSource(values: Values, positionals: readonly string[], limits: FormatLimits, env: CliEnvironment, log: (line: string) => void): Promise<TimelineSource> {
  if (values.kafka === undefined) {
    if (positionals.length === 0) throw usageError('timeline needs trace files (or - for stdin), or --kafka <brokers> and a topic range', 'timeline');
    for (const flag of ['topic', 'from', 'to']) if (values[flag] !== undefined) throw usageError(`--${flag} reads a Kafka topic: it needs --kafka <brokers>`, 'timeline');
    stdinAtMostOnce('timeline', positionals);
    await env.checkTraceFilesReadable(positionals);
    return { items: env.readTraceFiles(positionals, { limits }), names: positionals, close: async () => undefined };
  }
  if (positionals.length > 0) throw usageError(`timeline reads files or a topic, not both (got '${positionals[0]}' with --kafka)`, 'timeline');
  const connection = connectionFrom('timeline', values, env);
  const start = streamStartFrom('timeline', values);
  // A timeline is of a finished range: without --to, what the topic holds now.
  const end = streamEndFrom('timeline', values) ?? { kind: 'now' as const };
  const streams = env.eventStreams;
  if (streams === undefined) throw new SpecwatchError('this build has no Kafka client wired in', { code: 'USAGE' });
  const topic = typeof values.topic === 'string' ? values.topic : DEFAULT_EVENTS_TOPIC;
  const source = await streams.openSource(connection, { topic, start, end, limits, maxQueuedPerPartition: MERGE_QUEUE_PER_PARTITION, log });
  return { items: source.items, names: [`topic ${topic}`], close: () => source.stop(async () => undefined) };
}
