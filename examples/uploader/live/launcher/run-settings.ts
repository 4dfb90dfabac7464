import type { BugName, LiveScenario } from '../scenario-plans.ts';

/** One run of the uploader's processes. */
export interface RunSettings {
  readonly transport: 'embedded' | 'kafka';
  /** Kafka only. */
  readonly brokers?: readonly string[];
  readonly queueTopic: string;
  readonly eventsTopic: string;
  /** The workers' consumer group (Kafka); default <queueTopic>-workers. */
  readonly group?: string;
  /** The bug switched on; none means the fixed services. */
  readonly bug?: BugName;
  readonly scenario: LiveScenario;
  /** How long the users keep going, counted from their start (the scenario's moment first, then ordinary use). */
  readonly seconds: number;
  readonly workers: number;
  /** Users of ordinary load (default: 2 in scenario runs, 4 in a load run). */
  readonly users?: number;
  /** Embedded: the directory the event files go to (one per incarnation). */
  readonly out?: string;
  /** The recorders' queue size; a tiny one loses events, which specwatch reports as a gap. */
  readonly recorderQueueSize?: number;
}

export const DEFAULT_SETTINGS = {
  transport: 'embedded',
  scenario: 'all',
  queueTopic: 'uploader.queue',
  eventsTopic: 'specwatch.events',
  seconds: 5,
  workers: 2,
} as const satisfies Partial<RunSettings>;

export function workersGroup(settings: RunSettings): string {
  return settings.group ?? `${settings.queueTopic}-workers`;
}

export interface RunResult {
  /** Embedded: the NDJSON files written, one per incarnation that recorded something. */
  readonly eventFiles: readonly string[];
  readonly incarnations: ReadonlyArray<{ readonly name: string; readonly proc: string }>;
  /** Workers started again after a crash. */
  readonly restarts: number;
  readonly requests: number;
  readonly failedRequests: number;
  /** Whether every queue message was handled (or dead-lettered) before the services stopped. */
  readonly drained: boolean;
  /** Stopped early by the caller's signal. */
  readonly interrupted: boolean;
  /** Epoch ms when the first service started, and the run's length. */
  readonly startedAt: number;
  readonly elapsedMs: number;
}
