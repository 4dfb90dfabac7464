import type { Observable } from 'rxjs';
import type { Alert } from '../alerts.ts';
import type { FormatLimits } from '../format-limits.ts';
import type { DecodedItem, Origin } from '../trace-items.ts';

/**
 * What `monitor` and `publish` need of a message broker. The monitor knows nothing of kafkajs:
 * adapters/kafka implements these contracts and the bin wires them in.
 */

/** How to reach the brokers; plain data from the command line. Secrets are never logged. */
export interface BrokerConnection {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl?: { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly rejectUnauthorized: boolean };
  readonly sasl?: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
}

/** Where reading starts on each partition: the oldest retained record, a time, or explicit offsets. */
export type StreamStart = { readonly kind: 'beginning' } | { readonly kind: 'time'; readonly time: number } | { readonly kind: 'offsets'; readonly offsets: ReadonlyMap<number, number> };
/** Where a bounded read stops (exclusive): what the topic held at start, a time, or explicit offsets. */
export type StreamEnd = { readonly kind: 'now' } | { readonly kind: 'time'; readonly time: number } | { readonly kind: 'offsets'; readonly offsets: ReadonlyMap<number, number> };

export interface EventSourceOptions {
  readonly topic: string;
  /** Consumer group that records, by its committed offsets, how far the pipeline has finished. */
  readonly groupId?: string;
  readonly start: StreamStart;
  /** Set for a bounded replay: the source completes there, and commits nothing. */
  readonly end?: StreamEnd;
  readonly limits: FormatLimits;
  /** Records of one partition waiting to be merged before it is paused (it is ahead: the others catch up). */
  readonly maxQueuedPerPartition: number;
  readonly log: (line: string) => void;
}

export interface EventSourceStatus {
  readonly received: number;
  /** Records before the group's committed offsets: read again to rebuild the monitor's state. */
  readonly replaying: boolean;
  readonly pausedPartitions: number;
}

/** A topic as decoded records, each with its partition and offset in `origin`. */
export interface LiveEventSource {
  /** Decoded records in arrival order; completes at the end of a bounded replay. */
  readonly items: Observable<DecodedItem>;
  /** The pipeline is done with the record at `origin`: its offset may be committed. */
  finished(origin: Origin): void;
  /**
   * Commits every partition up to its oldest unfinished record, as it is now, once `beforeCommit`
   * resolved (the command flushes the alerts those records raised).
   */
  commit(beforeCommit: () => Promise<void>): Promise<void>;
  /** Stops fetching while the sink is behind; `resume` undoes it. */
  pause(): void;
  resume(): void;
  status(): EventSourceStatus;
  /** Stops fetching, commits what is finished (after `beforeCommit`), leaves the group and disconnects. */
  stop(beforeCommit: () => Promise<void>): Promise<void>;
}

export interface AlertSink {
  /** Ids already in the alerts topic: a restarted or replaying monitor does not publish them again. */
  readonly publishedIds: ReadonlySet<string>;
  /** Queues one alert (key = its id) unless its id was published already; says which. Never throws. */
  send(alert: Alert): boolean;
  /** Alerts queued and not yet acknowledged by the brokers. */
  readonly backlog: number;
  /** Resolves once every queued alert is acknowledged; rejects with the reason if one failed for good. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface PublishRecord {
  readonly key: string;
  readonly value: string;
}

export interface EventPublisher {
  /** Sends records in batches (idempotent producer); resolves once the brokers acknowledged them. */
  send(records: readonly PublishRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface EventStreams {
  /** Checks the brokers answer and the topic exists; a clear error otherwise. */
  openSource(connection: BrokerConnection, options: EventSourceOptions): Promise<LiveEventSource>;
  openAlertSink(connection: BrokerConnection, topic: string, log: (line: string) => void): Promise<AlertSink>;
  /** Creates the topic with `partitions` when it does not exist yet. */
  openPublisher(connection: BrokerConnection, topic: string, partitions: number, log: (line: string) => void): Promise<EventPublisher>;
}
