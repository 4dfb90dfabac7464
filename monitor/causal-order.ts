import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { CausalHoldback, type HeldEvent } from './causal-holdback.ts';
import type { DecodedItem, Diagnostic, OrderedItem } from './trace-items.ts';

export interface CausalOrderOptions {
  /** Most events held at once; past it the first in delivery order leaves (a gap if it must). */
  readonly maxHeld?: number;
  /**
   * How long (ms) after its arrival a ready event waits for events that sort before it (those
   * leave with it). `Infinity` (the default) waits for `maxHeld` or the end of input: then the
   * output depends only on the set of events. 0 delivers as soon as the causal past is complete
   * (lowest latency, for live monitoring).
   */
  readonly settle?: number;
  /** Longest (ms) any event is held; then it is released, missing predecessors reported as a gap. */
  readonly holdTimeout?: number;
  /** Settled events kept (all incarnations together) to tell a late duplicate from a conflict. */
  readonly dedupWindow?: number;
  /** Drives `settle` and `holdTimeout`; a `TestScheduler` in marble tests. */
  readonly scheduler?: SchedulerLike;
}

export const DEFAULT_MAX_HELD = 10_000;
export const DEFAULT_DEDUP_WINDOW = 4096;

function checkOption(name: string, value: number, min: number): number {
  if (!(value >= min)) throw new RangeError(`causalOrder: ${name} must be a number ≥ ${min}, got ${value}`);
  return value;
}

/**
 * Reorders events into a linear extension of happens-before, each exactly once, and reports
 * duplicates, conflicts, gaps, late arrivals and clock regressions as diagnostics in the same
 * stream. Diagnostics from upstream (decoding) pass straight through.
 */
export function causalOrder(options: CausalOrderOptions = {}): OperatorFunction<DecodedItem | Diagnostic, OrderedItem> {
  const maxHeld = checkOption('maxHeld', options.maxHeld ?? DEFAULT_MAX_HELD, 1);
  const settle = checkOption('settle', options.settle ?? Infinity, 0);
  const holdTimeout = checkOption('holdTimeout', options.holdTimeout ?? Infinity, 0);
  const dedupWindow = checkOption('dedupWindow', options.dedupWindow ?? DEFAULT_DEDUP_WINDOW, 0);
  const scheduler = options.scheduler ?? asyncScheduler;
  const timed = holdTimeout !== Infinity;
  const settleTimed = settle !== Infinity && settle > 0;

  return (source) =>
    new Observable<OrderedItem>((subscriber) => {
      const holdback = new CausalHoldback(dedupWindow, settleTimed);
      const emit = (item: OrderedItem): void => subscriber.next(item);
      // Held events in arrival order, for holdTimeout; settled ones are dropped lazily.
      let arrivals: HeldEvent[] = [];
      let arrivalsHead = 0;
      let settleTimer: Subscription | undefined;
      let holdTimer: Subscription | undefined;
      let holdTimerDue = Infinity;

      const isHeld = (entry: HeldEvent): boolean => entry.state === 'pending' || entry.state === 'ready';

      const afterChange = (): void => {
        if (settle === 0) holdback.drainReady(emit);
        while (holdback.heldCount > maxHeld) {
          holdback.releaseOne('held-limit', emit);
          if (settle === 0) holdback.drainReady(emit);
        }
        const earliest = settleTimed && settleTimer === undefined ? holdback.earliestArrivedReady() : undefined;
        if (earliest !== undefined) settleTimer = scheduler.schedule(onSettled, Math.max(0, earliest.arrivedAt + settle - scheduler.now()));
        if (timed) armHoldTimer();
      };

      // Each ready event that has waited `settle` since it arrived leaves, after the ready events that sort before it.
      const onSettled = (): void =>
        guard(() => {
          settleTimer = undefined;
          const cutoff = scheduler.now() - settle;
          for (let first = holdback.earliestArrivedReady(); first !== undefined && first.arrivedAt <= cutoff; first = holdback.earliestArrivedReady()) {
            holdback.release(first, 'timeout', emit);
          }
          afterChange();
        });

      const armHoldTimer = (): void => {
        while (arrivalsHead < arrivals.length && !isHeld(arrivals[arrivalsHead]!)) arrivalsHead++;
        if (arrivalsHead > 1024 && arrivalsHead * 2 > arrivals.length) {
          arrivals = arrivals.slice(arrivalsHead).filter(isHeld);
          arrivalsHead = 0;
        }
        const oldest = arrivals[arrivalsHead];
        const due = oldest === undefined ? Infinity : oldest.arrivedAt + holdTimeout;
        if (due === holdTimerDue) return;
        holdTimer?.unsubscribe();
        holdTimer = undefined;
        holdTimerDue = due;
        if (due !== Infinity) holdTimer = scheduler.schedule(onHoldTimeout, Math.max(0, due - scheduler.now()));
      };

      const onHoldTimeout = (): void =>
        guard(() => {
          holdTimer = undefined;
          holdTimerDue = Infinity;
          const now = scheduler.now();
          for (let entry = arrivals[arrivalsHead]; entry !== undefined && entry.arrivedAt + holdTimeout <= now; entry = arrivals[++arrivalsHead]) {
            if (isHeld(entry)) holdback.release(entry, 'timeout', emit);
          }
          afterChange();
        });

      const guard = (work: () => void): void => {
        try {
          work();
        } catch (error) {
          subscriber.error(error);
        }
      };

      const upstream = source.subscribe({
        next: (item) =>
          guard(() => {
            if (item.type !== 'event') {
              emit(item);
              return;
            }
            const entry = holdback.arrive(item, timed || settleTimed ? scheduler.now() : 0, emit);
            if (entry !== undefined && timed) arrivals.push(entry);
            afterChange();
          }),
        error: (error: unknown) => subscriber.error(error),
        complete: () =>
          guard(() => {
            settleTimer?.unsubscribe();
            holdTimer?.unsubscribe();
            holdback.drainAll(emit);
            subscriber.complete();
          }),
      });

      return () => {
        upstream.unsubscribe();
        settleTimer?.unsubscribe();
        holdTimer?.unsubscribe();
        holdback.clear();
        arrivals = [];
      };
    });
}
