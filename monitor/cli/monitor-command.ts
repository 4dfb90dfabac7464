import { Subject, merge, tap, type Observable, type Subscription } from 'rxjs';
import type { Alert } from '../alerts.ts';
import { checkConformance, DEFAULT_MAX_CONFIGURATIONS, DEFAULT_REORDER_WINDOW, type CheckSummary } from '../check-conformance.ts';
import { causalOrder, DEFAULT_MAX_HELD } from '../causal-order.ts';
import { describeAlert } from '../describe-alert.ts';
import { SpecwatchError } from '../errors.ts';
import type { OrderedItem, Origin, Watermark } from '../trace-items.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { limitHelp, limitFlags, limitsFrom, numberOption, parseCommandArgs, usageError } from './cli-options.ts';
import type { AlertSink, LiveEventSource } from './event-streams.ts';
import {
  CONNECTION_HELP, DEFAULT_ALERTS_TOPIC, DEFAULT_EVENTS_TOPIC, connectionFlags, connectionFrom, streamEndFrom, streamStartFrom,
} from './kafka-flags.ts';
import { loadSpec } from './load-spec.ts';
import { ProgressLine } from './progress-line.ts';
import { BufferedLines } from './text-sink.ts';

const DEFAULT_LATENESS_MS = 2000;
const DEFAULT_HOLD_TIMEOUT_MS = 30_000;
// A few kafkajs fetches (1 MB each) of one partition, waiting for the others in the time merge.
const MERGE_QUEUE_PER_PARTITION = 10_000;
const DEFAULT_GROUP = 'specwatch-monitor';
const COMMIT_EVERY_MS = 1000;
const TICK_MS = 250;
// Past this many unacknowledged alerts the source pauses until the alerts topic catches up.
const SINK_HIGH_WATER = 10_000;

export const MONITOR_HELP = `Usage: specwatch monitor --spec <spec.ts> --kafka <brokers> [options]

Checks the events on a Kafka topic against a spec as they arrive, and publishes alerts to an
alerts topic (key = the alert's id) and to stdout as JSON lines. Runs until SIGINT or SIGTERM,
then drains what it has, commits its offsets and exits 0.

The monitor's state is built from every event, so it reads the topic from its oldest record.
Its consumer group's committed offsets say how far the last run had finished; the part before
them is replayed to rebuild the state, and alerts already in the alerts topic are not sent again.

Options:
  --spec <file>              the spec: a .ts module whose default export is defineSpec(...)
  --topic <name>             events topic (default ${DEFAULT_EVENTS_TOPIC})
  --alerts-topic <name>      alerts topic, created if missing (default ${DEFAULT_ALERTS_TOPIC})
  --group <id>               consumer group (default ${DEFAULT_GROUP}); one monitor per group
  --from-beginning           start at the oldest record (the default)
  --from <time|offsets>      start at a time (ISO 8601 or epoch ms) or at partition:offset pairs
                             (0:120,1:98), to replay part of an incident
  --to <now|time|offsets>    stop there (exclusive) and judge the range as a finished trace, like
                             'specwatch check'; a replay commits nothing and uses its own group
  --lateness <ms>            once nothing arrived for this long, events still waiting for a
                             concurrent event are judged and deadlines pass at now − lateness
                             (default ${DEFAULT_LATENESS_MS}; --settle adds to it)
  --hold-timeout <ms>        longest an event waits for its causal past before a gap is reported
                             (default ${DEFAULT_HOLD_TIMEOUT_MS}; with --to, 'inf': gaps are judged at the end)
  --max-held <n>             most events held for their causal past (default ${DEFAULT_MAX_HELD})
  --settle <ms>              how long a deliverable event waits for concurrent ones that come
                             before it by time, so that a service whose events reach Kafka late
                             is still checked in the order things happened (default 0; with --to,
                             'inf': ready events wait for --max-held or the end, as in check)
  --max-configurations <n>   most orders of concurrent events kept at once (default ${DEFAULT_MAX_CONFIGURATIONS})
  --reorder-window <n>       how many recent events a late event may be placed before (default ${DEFAULT_REORDER_WINDOW})
  --text                     readable alerts on stdout instead of JSON lines
  --no-typecheck             load the spec without type-checking it first
${limitHelp(29)}
  -q, --quiet                no progress line and no log lines on stderr
  -h, --help                 show this help

${CONNECTION_HELP}

Exit status: 0 stopped by a signal after draining, or (with --to) everything conforms; 1 (with
--to) something violated or malformed; 3 (with --to) something inconclusive; 2 usage errors, a
spec that fails to load, or Kafka unreachable or failing after kafkajs's retries.`;

/** The records an ordered item settles: the pipeline is done with them once the checker has it. */
function settledOrigins(item: OrderedItem): readonly Origin[] {
  if (item.type === 'delivered') return [item.origin];
  switch (item.kind) {
    case 'malformed':
    case 'duplicate':
    case 'late':
      return [item.origin];
    case 'conflict':
      return [item.rejected];
    case 'gap':
      return [];
  }
}

export async function monitorCommand(args: readonly string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseCommandArgs('monitor', args, {
    spec: { type: 'string' },
    topic: { type: 'string' },
    'alerts-topic': { type: 'string' },
    group: { type: 'string' },
    'from-beginning': { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    lateness: { type: 'string' },
    'hold-timeout': { type: 'string' },
    'max-held': { type: 'string' },
    settle: { type: 'string' },
    'max-configurations': { type: 'string' },
    'reorder-window': { type: 'string' },
    text: { type: 'boolean' },
    'no-typecheck': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    ...limitFlags,
    ...connectionFlags,
  });
  if (values.help === true) {
    env.stdout.write(`${MONITOR_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`monitor reads a topic, not files (got '${positionals[0]}'); use 'specwatch check' for files`, 'monitor');
  if (values.spec === undefined) throw usageError('monitor needs --spec <spec.ts>', 'monitor');
  const connection = connectionFrom('monitor', values, env);
  const start = streamStartFrom('monitor', values);
  const end = streamEndFrom('monitor', values);
  const lateness = numberOption('monitor', 'lateness', values.lateness, DEFAULT_LATENESS_MS, 0);
  // A bounded replay judges its range as a finished trace, as check does: gaps are decided at its end.
  const holdTimeout = numberOption('monitor', 'hold-timeout', values['hold-timeout'], end === undefined ? DEFAULT_HOLD_TIMEOUT_MS : Infinity, 0, true);
  const maxHeld = numberOption('monitor', 'max-held', values['max-held'], DEFAULT_MAX_HELD, 1);
  // Live, a verdict should not wait; a bounded replay is a finished trace, ordered as check orders it.
  const settle = numberOption('monitor', 'settle', values.settle, end === undefined ? 0 : Infinity, 0, true);
  const conformance = {
    maxConfigurations: numberOption('monitor', 'max-configurations', values['max-configurations'], DEFAULT_MAX_CONFIGURATIONS, 1),
    reorderWindow: numberOption('monitor', 'reorder-window', values['reorder-window'], DEFAULT_REORDER_WINDOW, 1),
  };
  const limits = limitsFrom('monitor', values);
  const streams = env.eventStreams;
  if (streams === undefined) throw new SpecwatchError('this build has no Kafka client wired in', { code: 'USAGE' });
  const spec = await loadSpec(values.spec, { typecheck: values['no-typecheck'] !== true });

  const quiet = values.quiet === true;
  const log = (line: string): void => {
    if (!quiet) env.stderr.write(`specwatch monitor: ${line}\n`);
  };
  const topic = values.topic ?? DEFAULT_EVENTS_TOPIC;
  const alertsTopic = values['alerts-topic'] ?? DEFAULT_ALERTS_TOPIC;
  const sink = await streams.openAlertSink(connection, alertsTopic, log);
  let source: LiveEventSource;
  try {
    source = await streams.openSource(connection, {
      topic, groupId: values.group ?? DEFAULT_GROUP, start, ...(end === undefined ? {} : { end }), limits,
      maxQueuedPerPartition: MERGE_QUEUE_PER_PARTITION, log,
    });
  } catch (error) {
    await sink.close();
    throw error;
  }
  log(`checking ${topic} against ${spec.name}${end === undefined ? ' until stopped' : ' (a bounded replay)'}; ` +
    `${sink.publishedIds.size} alert${sink.publishedIds.size === 1 ? '' : 's'} already in ${alertsTopic}`);
  // Events wait up to `settle` in the causal order before the checker sees them: quiet means quiet for both.
  const quietFor = lateness + (end === undefined ? settle : 0);
  return new MonitorRun(env, source, sink, { quiet, text: values.text === true, lateness: quietFor, bounded: end !== undefined, log }).run(
    (watermarks) => merge(
      source.items.pipe(
        tap(() => (watermarks.lastArrival = Date.now())),
        causalOrder({ settle, maxHeld, holdTimeout }),
        tap({
          next: (item) => { for (const origin of settledOrigins(item)) source.finished(origin); },
          // merge completes when both inputs have: the end of a bounded replay ends the watermarks.
          complete: () => watermarks.subject.complete(),
        }),
      ),
      watermarks.subject,
    ).pipe(checkConformance(spec, conformance)),
  );
}

interface RunOptions {
  readonly quiet: boolean;
  readonly text: boolean;
  readonly lateness: number;
  readonly bounded: boolean;
  readonly log: (line: string) => void;
}

interface Watermarks {
  readonly subject: Subject<Watermark>;
  lastArrival: number;
}

/** One run of the monitor: the pipeline, its timers, and an orderly stop. */
class MonitorRun {
  private readonly out: BufferedLines;
  private alerts = 0;
  private suppressed = 0;
  private summary: CheckSummary | undefined;
  private committing: Promise<void> | undefined;
  /** Ends the run with an error (an alert that cannot be published). */
  private fail: (error: unknown) => void = () => undefined;

  constructor(private readonly env: CliEnvironment, private readonly source: LiveEventSource, private readonly sink: AlertSink, private readonly options: RunOptions) {
    this.out = new BufferedLines(env.stdout);
  }

  async run(pipeline: (watermarks: Watermarks) => Observable<Alert | CheckSummary>): Promise<number> {
    const { source, sink, options } = this;
    const watermarks: Watermarks = { subject: new Subject<Watermark>(), lastArrival: Date.now() };
    const progress = new ProgressLine(this.env.stderr, !options.quiet, () => {
      const s = source.status();
      return `specwatch monitor: ${s.received.toLocaleString('en-US')} events read${s.replaying ? ' (replaying to rebuild state)' : ''}, ${this.alerts} alerts` +
        `${s.pausedPartitions > 0 ? `, ${s.pausedPartitions} partitions paused` : ''}`;
    });
    let subscription: Subscription | undefined;
    let tick: NodeJS.Timeout | undefined;
    let commitTimer: NodeJS.Timeout | undefined;
    let failure: unknown;
    try {
      await new Promise<void>((resolve) => {
        this.fail = (error: unknown): void => {
          failure ??= error;
          resolve();
        };
        const stop = (): void => resolve();
        this.env.stopSignal?.addEventListener('abort', stop, { once: true });
        if (this.env.stopSignal?.aborted === true) return resolve();
        subscription = pipeline(watermarks).subscribe({
          next: (item) => (item.type === 'summary' ? (this.summary = item) : this.onAlert(item)),
          error: (error: unknown) => {
            failure = error;
            resolve();
          },
          complete: resolve,
        });
        // Quiet for `lateness`: nothing more is expected before now − lateness.
        if (!options.bounded) {
          tick = setInterval(() => {
            const now = Date.now();
            if (now - watermarks.lastArrival >= options.lateness && !source.status().replaying) watermarks.subject.next({ type: 'watermark', time: now - options.lateness });
          }, TICK_MS);
        }
        commitTimer = setInterval(() => void this.commit(), COMMIT_EVERY_MS);
      });
    } finally {
      clearInterval(tick);
      clearInterval(commitTimer);
      progress.stop();
    }
    try {
      await this.committing;
      await source.stop(() => sink.flush());
    } catch (error) {
      failure ??= error;
    } finally {
      subscription?.unsubscribe();
      await sink.close();
      await this.out.end();
    }
    if (failure !== undefined) throw failure instanceof SpecwatchError ? failure : new SpecwatchError(`the monitor stopped: ${(failure as Error).message}`, { code: 'KAFKA', cause: failure });
    const s = source.status();
    options.log(`stopped: ${s.received.toLocaleString('en-US')} events read, ${this.alerts} alerts published` +
      `${this.suppressed > 0 ? `, ${this.suppressed} already published before` : ''}`);
    if (!options.bounded || this.summary === undefined) return 0;
    return this.summary.violated > 0 ? 1 : this.summary.inconclusive > 0 ? 3 : 0;
  }

  private onAlert(alert: Alert): void {
    if (!this.sink.send(alert)) {
      this.suppressed++;
      return;
    }
    this.alerts++;
    this.out.line(this.options.text ? `${describeAlert(alert)}\n` : JSON.stringify(alert));
    this.out.flush();
    if (this.sink.backlog > SINK_HIGH_WATER) this.source.pause();
  }

  /** Commits what is finished once the alerts it raised are acknowledged; one commit at a time. */
  private commit(): Promise<void> {
    if (this.committing !== undefined) return this.committing;
    if (this.sink.backlog < SINK_HIGH_WATER / 10) this.source.resume();
    let unpublished: unknown;
    const flush = (): Promise<void> => this.sink.flush().catch((error: unknown) => {
      unpublished = error;
      throw error;
    });
    this.committing = this.source.commit(flush)
      .catch((error: unknown) => {
        // Alerts kafkajs could not publish after its retries: stop uncommitted, a restart sends them.
        if (unpublished !== undefined) this.fail(unpublished);
        else this.options.log(`commit failed, will retry: ${(error as Error).message}`);
      })
      .finally(() => (this.committing = undefined));
    return this.committing;
  }
}
