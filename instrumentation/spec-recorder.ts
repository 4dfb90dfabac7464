import { context, diag, isSpanContextValid, trace } from '@opentelemetry/api';
import { exportFailed, type EventExporter, type ExportResult } from './event-exporter.ts';
import { FORMAT_VERSION, type ActionParams, type SpecEvent, type TraceContext } from './format.ts';
import { incarnationId } from './incarnation.ts';
import { ProcessClock, type ClockCapture } from './process-clock.ts';
import type { VectorClock } from './vector-clock.ts';

export interface SpecRecorderOptions {
  /** Logical service name (event field `service`). */
  readonly service: string;
  /** Default incarnationId(service). */
  readonly proc?: string;
  readonly exporter: EventExporter;
  /** Default 2048 events; beyond it new events are dropped and counted. */
  readonly maxQueueSize?: number;
  /** Default 512. */
  readonly maxExportBatchSize?: number;
  /** Default 200: how long a partial batch waits. */
  readonly scheduledDelayMillis?: number;
  /** Default Date.now, the `time` field. */
  readonly now?: () => number;
  /** Background failures (export failed); default: one line to stderr and diag.error, rate-limited. */
  readonly onError?: (error: Error) => void;
}

const MAX_PROC_LENGTH = 200;
/** An export that has not settled by then counts as failed, so flush and shutdown never hang. */
const EXPORT_TIMEOUT_MILLIS = 30_000;
/** The default error report prints at most one line per interval, naming how many it held back. */
const REPORT_INTERVAL_MILLIS = 10_000;
const NO_PARAMS: ActionParams = Object.freeze({});

type Settled = { readonly result: ExportResult } | { readonly timedOut: true };

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`SpecRecorder: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** The default onError: diag.error (silent unless a diag logger is set) and stderr, rate-limited. */
function rateLimitedReport(proc: string): (error: Error) => void {
  let last = -Infinity;
  let held = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < REPORT_INTERVAL_MILLIS) {
      held++;
      return;
    }
    const line = `specwatch recorder ${proc}: ${error.message}${held > 0 ? ` (and ${held} more errors since the last report)` : ''}`;
    last = now;
    held = 0;
    diag.error(line);
    process.stderr.write(`${line}\n`);
  };
}

function describeAction(action: unknown): string {
  return typeof action === 'string' ? (action.length === 0 ? 'an empty string' : 'a string') : action === null ? 'null' : typeof action;
}

/** Past this many entries a clock is captured and built later (measured: `npm run bench`, record-cost). */
const EAGER_CLOCK_ENTRIES = 256;

/** The trace ids of the active span, when there is a valid one. */
function activeTrace(): TraceContext | undefined {
  const span = trace.getSpan(context.active());
  if (span === undefined) return undefined;
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
}

/**
 * The process-wide recorder of spec actions: one vector clock, one queue, batched exports in the
 * manner of OpenTelemetry's BatchSpanProcessor (one export in flight, further batches chained).
 */
export class SpecRecorder {
  readonly proc: string;
  readonly service: string;
  readonly #clock: ProcessClock;
  readonly #exporter: EventExporter;
  readonly #maxQueueSize: number;
  readonly #maxExportBatchSize: number;
  readonly #scheduledDelayMillis: number;
  readonly #now: () => number;
  readonly #onError: (error: Error) => void;

  // The queue is an array read from `#head`: taking a batch never shifts the array.
  #queue: SpecEvent[] = [];
  #head = 0;
  /** Events ever queued, and ever handed to the exporter: a flush waits for the first to reach its target. */
  #queued = 0;
  #handedOut = 0;
  #inFlight: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;
  #shutdown: Promise<void> | undefined;

  #dropped = 0;
  #exported = 0;
  #failed = 0;
  #rejected = 0;

  constructor(options: SpecRecorderOptions) {
    if (typeof options.service !== 'string' || options.service.length === 0) throw new TypeError('SpecRecorder: service must be a non-empty string');
    const proc = options.proc ?? incarnationId(options.service);
    if (typeof proc !== 'string' || proc.length === 0 || proc.length > MAX_PROC_LENGTH) {
      throw new TypeError(`SpecRecorder: proc must be a non-empty string of at most ${MAX_PROC_LENGTH} chars (format v1)`);
    }
    this.proc = proc;
    this.service = options.service;
    this.#clock = new ProcessClock(proc);
    this.#exporter = options.exporter;
    this.#maxQueueSize = positiveInteger('maxQueueSize', options.maxQueueSize, 2048);
    // As in BatchSpanProcessor: a batch larger than the queue could never fill.
    this.#maxExportBatchSize = Math.min(positiveInteger('maxExportBatchSize', options.maxExportBatchSize, 512), this.#maxQueueSize);
    this.#scheduledDelayMillis = options.scheduledDelayMillis ?? 200;
    if (!(this.#scheduledDelayMillis >= 0)) throw new TypeError('SpecRecorder: scheduledDelayMillis must be a non-negative number');
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? rateLimitedReport(proc);
  }

  /** Events lost to a full queue or recorded after shutdown (they show downstream as a gap in this proc's seq). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Events the exporter accepted. */
  get exported(): number {
    return this.#exported;
  }

  /** Events whose export failed (or timed out). */
  get failed(): number {
    return this.#failed;
  }

  /** Calls with a bad action or params: recorded as nothing but their seq, so they show downstream as a gap. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * Records one spec action: ticks the clock, stamps trace ids of the active span, queues it.
   * Never throws, never blocks. Returns the event (even if it was dropped for overflow).
   * `params` is frozen (shallowly, not copied): it must not change once recorded.
   */
  record(action: string, params?: ActionParams): SpecEvent {
    // A large clock is captured, and its object built when first read (by the exporter, off the
    // service's path); a small one is built now, which costs less than deferring it.
    const captured = this.#clock.size > EAGER_CLOCK_ENTRIES ? this.#clock.tickCaptured() : undefined;
    const vc = captured === undefined ? this.#clock.tick() : undefined;
    const seq = this.#clock.seq;
    try {
      if (typeof action !== 'string' || action.length === 0) return this.#reject(vc ?? this.#clock.build(captured!), seq, action, `action must be a non-empty string, got ${describeAction(action)}`);
      if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
        return this.#reject(vc ?? this.#clock.build(captured!), seq, action, `params of ${action} must be an object, got ${params === null ? 'null' : Array.isArray(params) ? 'an array' : typeof params}`);
      }
      const frozen = params === undefined ? NO_PARAMS : Object.freeze(params);
      const stamped = activeTrace();
      const event: SpecEvent = vc === undefined
        ? this.#deferredEvent(captured!, action, frozen, stamped)
        : stamped === undefined
          ? { sw: FORMAT_VERSION, proc: this.proc, seq, vc, action, params: frozen, service: this.service, time: this.#now() }
          : { sw: FORMAT_VERSION, proc: this.proc, seq, vc, action, params: frozen, service: this.service, time: this.#now(), trace: stamped };
      this.#enqueue(event);
      return event;
    } catch (error) {
      // A throwing clock source, context manager or params proxy: the service's call still returns.
      return this.#reject(vc ?? this.#clock.build(captured!), seq, action, `record(${typeof action === 'string' ? action : '…'}) failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** An event whose `vc` is built from the capture when first read, then kept. */
  #deferredEvent(captured: ClockCapture, action: string, params: ActionParams, stamped: TraceContext | undefined): SpecEvent {
    const clock = this.#clock;
    let vc: VectorClock | undefined;
    const event = { sw: FORMAT_VERSION, proc: this.proc, seq: captured.seq, get vc() { return (vc ??= clock.build(captured)); }, action, params, service: this.service, time: this.#now() };
    return stamped === undefined ? event : Object.assign(event, { trace: stamped });
  }

  /** The clock a message sent now carries (no tick: a send is not an event of the format). */
  clock(): VectorClock {
    return this.#clock.snapshot();
  }

  /** A receive: merges a clock that came with a message or from shared state. */
  receive(clock: VectorClock): void {
    this.#clock.merge(clock);
  }

  forceFlush(): Promise<void> {
    return this.#flushUpTo(this.#queued);
  }

  /** Flushes what is queued, then shuts the exporter down; later records are dropped and counted. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#flushUpTo(this.#queued).then(async () => {
      this.#cancelScheduled();
      try {
        await this.#exporter.shutdown();
      } catch (error) {
        this.#report(error);
      }
    });
    return this.#shutdown;
  }

  #reject(vc: VectorClock, seq: number, action: unknown, why: string): SpecEvent {
    if (this.#rejected++ === 0) this.#report(new TypeError(`${why}; this call and later bad calls are counted in rejected, and leave a gap at their seq`));
    // Not queued: the event only tells the caller which seq the bad call used up.
    return { sw: FORMAT_VERSION, proc: this.proc, seq, vc, action: typeof action === 'string' ? action : '', params: NO_PARAMS, service: this.service };
  }

  #enqueue(event: SpecEvent): void {
    if (this.#shutdown !== undefined || this.#queue.length - this.#head >= this.#maxQueueSize) {
      this.#dropped++;
      return;
    }
    this.#queue.push(event);
    this.#queued++;
    if (this.#inFlight === undefined) this.#schedule();
  }

  /**
   * A full batch goes at once, a partial one after scheduledDelayMillis. Both start from a timer,
   * so the exporter's encoding never runs inside the service's call to record.
   */
  #schedule(): void {
    const waiting = this.#queue.length - this.#head;
    if (waiting >= this.#maxExportBatchSize) {
      if (this.#immediate !== undefined) return;
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        this.#exportNext();
      });
      this.#immediate.unref();
    } else if (waiting > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#exportNext();
      }, this.#scheduledDelayMillis);
      this.#timer.unref();
    }
  }

  /** Waits until every event queued before `target` was handed to the exporter and its export settled. */
  async #flushUpTo(target: number): Promise<void> {
    while (this.#handedOut < target || this.#inFlight !== undefined) {
      if (this.#inFlight === undefined) this.#exportNext();
      if (this.#inFlight === undefined) break; // nothing left to hand out: cannot happen, but never spin
      await this.#inFlight;
    }
    try {
      await this.#exporter.forceFlush?.();
    } catch (error) {
      this.#report(error);
    }
  }

  /** Starts exporting the next batch, unless one is in flight; the batch after is chained on its end. */
  #exportNext(): void {
    if (this.#inFlight !== undefined) return;
    const batch = this.#take();
    if (batch.length === 0) return;
    this.#cancelScheduled();
    this.#inFlight = this.#exportBatch(batch).then(() => {
      this.#inFlight = undefined;
      this.#schedule();
    });
  }

  #take(): SpecEvent[] {
    const end = Math.min(this.#queue.length, this.#head + this.#maxExportBatchSize);
    const batch = this.#queue.slice(this.#head, end);
    this.#head = end;
    this.#handedOut += batch.length;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= this.#maxQueueSize) {
      // Amortised O(1): the array is copied once per queue-size worth of taken events.
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  async #exportBatch(batch: SpecEvent[]): Promise<void> {
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<Settled>((resolve) => {
      timeout = setTimeout(() => resolve({ timedOut: true }), EXPORT_TIMEOUT_MILLIS);
      timeout.unref();
    });
    let settled: Settled;
    try {
      // The exporter promises never to throw or reject; a broken one still must not break the recorder.
      const exported = Promise.resolve(this.#exporter.export(batch)).then(
        (result): Settled => ({ result }),
        (error: unknown): Settled => ({ result: exportFailed(error) }),
      );
      settled = await Promise.race([exported, timedOut]);
    } catch (error) {
      settled = { result: exportFailed(error) };
    } finally {
      clearTimeout(timeout);
    }
    if ('timedOut' in settled) {
      this.#failed += batch.length;
      this.#report(new Error(`export of ${batch.length} events did not settle within ${EXPORT_TIMEOUT_MILLIS} ms; counted as failed`));
    } else if (settled.result.code === 'success') {
      this.#exported += batch.length;
    } else {
      this.#failed += batch.length;
      const reason = settled.result.error?.message ?? 'the exporter gave no reason';
      this.#report(new Error(`export of ${batch.length} events failed: ${reason}`, { cause: settled.result.error }));
    }
  }

  #cancelScheduled(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  #report(error: unknown): void {
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A throwing error handler has nowhere left to report to.
    }
  }
}
