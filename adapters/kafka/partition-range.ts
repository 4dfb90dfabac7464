import type { Admin } from 'kafkajs';
import { SpecwatchError, type EventSourceOptions, type StreamEnd, type StreamStart } from '../../monitor/index.ts';
import { untraced } from './kafka-client.ts';

/** The offsets to read on one partition: from `start`, up to `end` (exclusive) for a bounded replay. */
export interface PartitionRange {
  readonly start: number;
  readonly end?: number;
  /** The partition's end when the source opened: a start at or past it has nothing to replay. */
  readonly high: number;
}

interface Watermarks {
  readonly low: number;
  readonly high: number;
}

/** Resolves `start` and `end` (times, explicit offsets, "now") into offsets, one range per partition. */
export async function partitionRange(admin: Admin, options: Pick<EventSourceOptions, 'topic' | 'start' | 'end'>): Promise<Map<number, PartitionRange>> {
  const topic = options.topic;
  const topics = await untraced(() => admin.listTopics());
  if (!topics.includes(topic)) {
    throw new SpecwatchError(`topic ${topic} does not exist (specwatch publish creates it; or check --topic)`, { code: 'KAFKA', context: { topic } });
  }
  const watermarks = new Map<number, Watermarks>();
  for (const { partition, low, high } of await untraced(() => admin.fetchTopicOffsets(topic))) watermarks.set(partition, { low: Number(low), high: Number(high) });
  const starts = await offsetsAt(admin, topic, watermarks, options.start, 'start');
  const ends = options.end === undefined ? undefined : await offsetsAt(admin, topic, watermarks, options.end, 'end');
  const ranges = new Map<number, PartitionRange>();
  for (const partition of [...watermarks.keys()].sort((a, b) => a - b)) {
    const end = ends?.get(partition);
    const { high } = watermarks.get(partition)!;
    ranges.set(partition, end === undefined ? { start: starts.get(partition)!, high } : { start: starts.get(partition)!, end, high });
  }
  return ranges;
}

async function offsetsAt(admin: Admin, topic: string, watermarks: ReadonlyMap<number, Watermarks>, at: StreamStart | StreamEnd, role: 'start' | 'end'): Promise<Map<number, number>> {
  const offsets = new Map<number, number>();
  switch (at.kind) {
    case 'beginning':
      for (const [partition, { low }] of watermarks) offsets.set(partition, low);
      return offsets;
    case 'now':
      for (const [partition, { high }] of watermarks) offsets.set(partition, high);
      return offsets;
    case 'time': {
      // The first record stamped at or after the time; none (-1) means the partition's end.
      for (const { partition, offset } of await untraced(() => admin.fetchTopicOffsetsByTimestamp(topic, at.time))) {
        const mark = watermarks.get(partition)!;
        offsets.set(partition, Number(offset) < 0 ? mark.high : Math.max(mark.low, Number(offset)));
      }
      return offsets;
    }
    case 'offsets':
      for (const partition of at.offsets.keys()) {
        if (!watermarks.has(partition)) throw new SpecwatchError(`topic ${topic} has no partition ${partition}`, { code: 'USAGE', context: { topic, partition } });
      }
      // Partitions not named keep the natural bound: the oldest record to start, the current end to stop.
      for (const [partition, { low, high }] of watermarks) {
        const named = at.offsets.get(partition);
        offsets.set(partition, named === undefined ? (role === 'start' ? low : high) : Math.min(Math.max(named, low), high));
      }
      return offsets;
  }
}
