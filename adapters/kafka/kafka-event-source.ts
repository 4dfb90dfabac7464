import { randomUUID } from 'node:crypto';
import { Observable, type Subscriber } from 'rxjs';
import type { Admin, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import {
  SpecwatchError, decodeRecordBytes, readFirst, type BrokerConnection, type DecodedItem, type EventSourceOptions, type EventSourceStatus, type LiveEventSource, type Origin,
} from '../../monitor/index.ts';
import { describeConnection, kafkaClient, kafkaFailure, untraced } from './kafka-client.ts';
import { OffsetLedger } from './offset-ledger.ts';
import { partitionRange, type PartitionRange } from './partition-range.ts';

export const DEFAULT_GROUP_ID = 'specwatch-monitor';

interface MergeQueue {
  items: DecodedItem[];
  head: number;
}

/**
 * A topic as an Observable of decoded records. The monitor's state is a fold over the whole
 * stream, so reading starts at `options.start` (the oldest record by default) even when the
 * group has committed offsets: those only say how far the last run finished, and mark what is
 * being replayed. Offsets are committed only up to the oldest record the pipeline has not
 * finished (at-least-once). A bounded replay (`options.end`) uses a throwaway group and commits nothing.
 */
export async function openKafkaEventSource(connection: BrokerConnection, options: EventSourceOptions): Promise<LiveEventSource> {
  const made: { source?: KafkaEventSource } = {};
  // After stop, kafkajs may still finish a join it had begun and fail on the closed connection: that is not news.
  const kafka = kafkaClient(connection, (line) => made.source?.stopped !== true && options.log(line));
  const admin = kafka.admin();
  try {
    await untraced(() => admin.connect());
    const ranges = await partitionRange(admin, options);
    const bounded = options.end !== undefined;
    const groupId = bounded ? `specwatch-replay-${randomUUID()}` : (options.groupId ?? DEFAULT_GROUP_ID);
    const resumeAt = bounded ? new Map<number, number>() : await committedOffsets(admin, groupId, options.topic);
    // A commit past a partition's end (the topic was deleted and made again) would keep the
    // monitor "replaying" for ever, and a replay holds back the watermarks that judge events.
    const pastTheEnd = new Set<number>();
    for (const [partition, offset] of resumeAt) {
      const high = ranges.get(partition)?.high;
      if (high === undefined || offset <= high) continue;
      options.log(`warning: group ${groupId} committed offset ${offset} on partition ${partition} of ${options.topic}, past its end (${high}); was the topic made again? Reading it as new`);
      resumeAt.set(partition, high);
      pastTheEnd.add(partition);
    }
    // A stop that comes while the consumer still joins its group ends in a crash once kafkajs
    // disconnects: restarting it then would keep the process alive after the stop.
    const restartOnFailure = async (): Promise<boolean> => made.source?.stopping !== true;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 8, restartOnFailure } });
    made.source = new KafkaEventSource(admin, consumer, groupId, ranges, resumeAt, pastTheEnd, options);
    return made.source;
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw kafkaFailure(`cannot read topic ${options.topic} from ${describeConnection(connection)}`, error, { topic: options.topic });
  }
}

async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [entry] = await untraced(() => admin.fetchOffsets({ groupId, topics: [topic] }));
  const offsets = new Map<number, number>();
  for (const { partition, offset } of entry?.partitions ?? []) if (Number(offset) >= 0) offsets.set(partition, Number(offset));
  return offsets;
}

class KafkaEventSource implements LiveEventSource {
  readonly items: Observable<DecodedItem>;
  private readonly ledger = new OffsetLedger();
  private subscriber: Subscriber<DecodedItem> | undefined;
  private readonly pausedForPressure = new Set<number>();
  private readonly lastCommitted = new Map<number, number>();
  private readonly lastReceived = new Map<number, number>();
  private readonly done = new Set<number>();
  /** The partitions of the topic the group gave this member at its last join. */
  private assigned = new Set<number>();
  /** Between a consumer crash and its rejoin kafkajs has no group to pause or resume; the join applies them. */
  private joined = false;
  private readonly warnedNewPartitions = new Set<number>();
  // Decoded records per partition, merged before they go downstream (see drain).
  private readonly queues = new Map<number, MergeQueue>();
  private readonly caughtUp = new Set<number>();
  private pausedAll = false;
  /** Set by stop() or an unsubscribe: nothing is read or restarted after it. */
  stopping = false;
  /** Set once stop() has let go of the consumer. */
  stopped = false;
  private batch: Promise<void> = Promise.resolve();
  private received = 0;
  /** Whether the throwaway group of a replay exists (it does once joined): only then is there one to delete. */
  private everJoined = false;

  constructor(
    private readonly admin: Admin,
    private readonly consumer: Consumer,
    private readonly groupId: string,
    private readonly ranges: ReadonlyMap<number, PartitionRange>,
    private readonly resumeAt: ReadonlyMap<number, number>,
    /** Partitions whose committed offset lay past their end: it is replaced at the first commit. */
    private readonly pastTheEnd: Set<number>,
    private readonly options: EventSourceOptions,
  ) {
    for (const [partition, range] of ranges) {
      if (range.end !== undefined && range.start >= range.end) this.done.add(partition);
      if (range.start >= range.high) this.caughtUp.add(partition);
      this.queues.set(partition, { items: [], head: 0 });
    }
    this.items = new Observable<DecodedItem>((subscriber) => {
      if (this.subscriber !== undefined) throw new SpecwatchError('a Kafka event source can be read once', { code: 'INTERNAL' });
      this.subscriber = subscriber;
      if (this.completeIfDone()) return undefined;
      this.start().catch((error: unknown) => subscriber.error(kafkaFailure(`cannot consume topic ${options.topic}`, error)));
      return () => {
        this.stopping = true;
      };
    });
  }

  private get bounded(): boolean {
    return this.options.end !== undefined;
  }

  private async start(): Promise<void> {
    const { consumer, options } = this;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      if (payload.restart) options.log(`kafka consumer restarting after: ${payload.error.message}`);
      else this.subscriber?.error(kafkaFailure('the Kafka consumer stopped', payload.error));
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment[options.topic] ?? []));
    // kafkajs does not call eachBatch for a batch of only transaction markers (or aborted records),
    // yet such a batch may be what ends a partition: caught up, or the end of a replay range.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0 && payload.topic === options.topic) this.reached(payload.partition, Number(payload.lastOffset), Number(payload.highWatermark));
    });
    // Every batch of one fetch is queued before any is merged (see drain): the next fetch starts
    // once they all went through onBatch.
    consumer.on(consumer.events.FETCH_START, () => this.drain());
    await untraced(async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => (this.batch = untraced(() => this.onBatch(payload))),
      });
    });
  }

  /**
   * Every join, not only the first: kafkajs then restarts each partition from the group's
   * committed offset, which during the rebuild replay lies ahead of what was read (and a replay's
   * throwaway group has none). So each partition is sought to where this source is, and the
   * pauses, which a consumer restart forgets, are applied again.
   */
  private onJoin(partitions: readonly number[]): void {
    const { consumer, options } = this;
    this.assigned = new Set(partitions);
    this.joined = true;
    this.everJoined = true;
    const missing = [...this.ranges.keys()].filter((p) => !this.assigned.has(p));
    if (missing.length > 0) {
      options.log(`warning: group ${this.groupId} gave this monitor ${this.ranges.size - missing.length} of ${this.ranges.size} partitions; ` +
        'another member shares the group, so this monitor sees only part of the events (run one monitor per group)');
    }
    for (const partition of partitions) {
      const range = this.ranges.get(partition);
      if (range === undefined) {
        if (!this.warnedNewPartitions.has(partition)) options.log(`warning: partition ${partition} of ${options.topic} was added after the monitor started; it is read after a restart`);
        this.warnedNewPartitions.add(partition);
        continue;
      }
      if (this.done.has(partition)) continue;
      // Seeks do not touch the committed offsets while autoCommit is off.
      this.whileRunning(() => consumer.seek({ topic: options.topic, partition, offset: String(this.nextOffset(partition, range)) }));
    }
    this.applyPauses();
  }

  /** Where reading a partition goes on: after the last record taken, or at the start of its range. */
  private nextOffset(partition: number, range: PartitionRange): number {
    const last = this.lastReceived.get(partition);
    return last === undefined ? range.start : last + 1;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const partition = batch.partition;
    const range = this.ranges.get(partition);
    const queue = this.queues.get(partition);
    if (this.done.has(partition) || queue === undefined || range === undefined) return;
    let reachedEnd = false;
    let tookAll = true;
    // Resolved once for the batch: each call costs kafkajs a 64-bit parse and a seek lookup.
    let lastTaken: string | undefined;
    const next = this.nextOffset(partition, range);
    for (const message of batch.messages) {
      // Records fetched while paused are queued anyway: kafkajs has them in memory already.
      if (this.stopping || !isRunning() || isStale()) {
        tookAll = false;
        break;
      }
      const offset = Number(message.offset);
      // Fetched from before where this source is (a fetch that began before a seek): already taken, or before the range.
      if (offset < next) {
        lastTaken = message.offset;
        continue;
      }
      if (range.end !== undefined && offset >= range.end) {
        reachedEnd = true;
        break;
      }
      this.ledger.received(partition, offset);
      this.lastReceived.set(partition, offset);
      this.received++;
      queue.items.push(this.decode(partition, message));
      lastTaken = message.offset;
      if (range.end !== undefined && offset + 1 >= range.end) {
        reachedEnd = true;
        break;
      }
    }
    if (lastTaken !== undefined) resolveOffset(lastTaken);
    if (reachedEnd) {
      this.finishPartition(partition);
      // A finished partition is fetched no more; the last one must end the replay now.
      this.drain();
    } else if (tookAll) {
      // The batch's last offset counts a trailing transaction marker, which no message shows.
      this.reached(partition, Number(batch.lastOffset()), Number(batch.highWatermark));
    } else this.caughtUp.delete(partition);
    if (queue.items.length - queue.head > this.options.maxQueuedPerPartition && !this.done.has(partition)) {
      // Ahead of the others in the merge: fetch the partitions it waits on instead.
      this.pausedForPressure.add(partition);
      this.applyPauses();
    }
    await heartbeat();
  }

  /** A partition read through `lastOffset` of `highWatermark`: caught up, or at the end of its range. */
  private reached(partition: number, lastOffset: number, highWatermark: number): void {
    const range = this.ranges.get(partition);
    if (range === undefined || this.done.has(partition)) return;
    if (lastOffset + 1 >= highWatermark) this.caughtUp.add(partition);
    else this.caughtUp.delete(partition);
    if (range.end !== undefined && lastOffset + 1 >= range.end) {
      this.finishPartition(partition);
      this.drain();
    }
  }

  /**
   * Sends queued records downstream, merged across partitions by `readFirst` (the events' time,
   * then clock sum), as files are merged. A replay fetches one partition thousands of records at
   * a time; without this merge, concurrent events of one entity would arrive too far apart for
   * the checker's reorder window. (Record timestamps do not do: the producer stamps a whole batch
   * when it sends it.) It runs when a fetch starts, so that the partitions of the last fetch are
   * merged together, not one batch after the other. A partition that has nothing queued holds the merge back unless it is
   * caught up or finished: its next record may come first. It is never paused then (see
   * resumeDrained), so the wait ends with its next fetch.
   */
  private drain(): void {
    for (;;) {
      let best: MergeQueue | undefined;
      for (const [partition, queue] of this.queues) {
        if (queue.head >= queue.items.length) {
          // Also while the group has given the partition to another member: its next record may
          // still come first, and passing it by would release events before their causal past.
          if (!this.caughtUp.has(partition) && !this.done.has(partition)) {
            this.resumeDrained();
            return;
          }
          continue;
        }
        if (best === undefined || readFirst(queue.items[queue.head]!, best.items[best.head]!)) best = queue;
      }
      if (best === undefined) break;
      const item = best.items[best.head++]!;
      if (best.head === best.items.length) {
        best.items = [];
        best.head = 0;
      }
      this.subscriber?.next(item);
    }
    this.resumeDrained();
    this.completeIfDone();
  }

  /** A partition paused for being ahead is resumed once half its queue went downstream. */
  private resumeDrained(): void {
    for (const partition of this.pausedForPressure) {
      const queue = this.queues.get(partition)!;
      if (queue.items.length - queue.head > this.options.maxQueuedPerPartition / 2) continue;
      this.pausedForPressure.delete(partition);
      this.applyPauses();
    }
  }

  private finishPartition(partition: number): void {
    this.done.add(partition);
    this.applyPauses();
  }

  /**
   * Tells kafkajs which assigned partitions to fetch, as whole lists from this source's own flags:
   * kafkajs's pause of some partitions undoes a pause of the whole topic, and a restarted consumer
   * forgets every pause, so its state is only ever overwritten, never relied on.
   */
  private applyPauses(): void {
    if (!this.joined) return;
    const topic = this.options.topic;
    const paused: number[] = [];
    const fetching: number[] = [];
    for (const partition of this.assigned) {
      const hold = this.pausedAll || this.done.has(partition) || this.pausedForPressure.has(partition) || !this.ranges.has(partition);
      (hold ? paused : fetching).push(partition);
    }
    this.whileRunning(() => {
      if (paused.length > 0) this.consumer.pause([{ topic, partitions: paused }]);
      if (fetching.length > 0) this.consumer.resume([{ topic, partitions: fetching }]);
    });
  }

  private completeIfDone(): boolean {
    if (!this.bounded || this.done.size < this.ranges.size) return false;
    for (const queue of this.queues.values()) if (queue.head < queue.items.length) return false;
    this.subscriber?.complete();
    return true;
  }

  private decode(partition: number, message: KafkaMessage): DecodedItem {
    const origin: Origin = { source: this.options.topic, partition, offset: message.offset };
    if (message.value === null) {
      return { type: 'diagnostic', kind: 'malformed', origin, field: '(event)', expected: 'a message value holding one JSON event', got: 'no value (a tombstone)' };
    }
    return decodeRecordBytes(message.value, origin, this.options.limits);
  }

  finished(origin: Origin): void {
    const partition = origin.partition;
    if (partition === undefined || origin.offset === undefined) return;
    this.ledger.finished(partition, Number(origin.offset));
  }

  async commit(beforeCommit: () => Promise<void>): Promise<void> {
    const offsets = [...this.ledger.committable()].filter(([partition, offset]) => offset > (this.lastCommitted.get(partition) ?? -1) &&
      (offset > (this.resumeAt.get(partition) ?? -1) || (this.pastTheEnd.has(partition) && offset === this.resumeAt.get(partition))));
    // A replay commits nothing, but waits on the alerts all the same: a failure to publish them must not pass unseen.
    await beforeCommit();
    if (this.bounded || offsets.length === 0) return;
    await untraced(() => this.consumer.commitOffsets(offsets.map(([partition, offset]) => ({ topic: this.options.topic, partition, offset: String(offset) }))));
    for (const [partition, offset] of offsets) {
      this.lastCommitted.set(partition, offset);
      this.pastTheEnd.delete(partition);
    }
  }

  pause(): void {
    if (this.pausedAll) return;
    this.pausedAll = true;
    this.applyPauses();
  }

  /** kafkajs refuses pause and resume while the consumer is (re)joining; the batch loop checks our flags anyway. */
  private whileRunning(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.options.log(`kafka: ${(error as Error).message}`);
    }
  }

  resume(): void {
    if (!this.pausedAll) return;
    this.pausedAll = false;
    this.applyPauses();
  }

  status(): EventSourceStatus {
    let replaying = false;
    for (const [partition, resume] of this.resumeAt) if ((this.lastReceived.get(partition) ?? -1) + 1 < resume) replaying = true;
    return { received: this.received, replaying, pausedPartitions: this.pausedForPressure.size + (this.pausedAll ? this.ranges.size : 0) };
  }

  async stop(beforeCommit: () => Promise<void>): Promise<void> {
    this.stopping = true;
    try {
      this.pausedAll = true;
      this.applyPauses();
      await this.batch.catch(() => undefined);
      await this.commit(beforeCommit);
    } finally {
      await untraced(async () => {
        if (!(await settlesWithin(this.consumer.disconnect(), LEAVE_GROUP_MS))) {
          this.options.log(`kafka: stopped without leaving group ${this.groupId}, which was still joining; the broker drops this member when its session times out`);
        }
        if (this.bounded && this.everJoined) await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
        await this.admin.disconnect().catch(() => undefined);
      });
      this.stopped = true;
    }
  }
}

/**
 * How long a stop waits for the consumer to leave its group. kafkajs's disconnect waits for a
 * pending JoinGroup, which the broker holds until every member rejoined or timed out (a member
 * that was killed: its whole session timeout).
 */
const LEAVE_GROUP_MS = 10_000;

/** Whether `work` settled (either way) within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
