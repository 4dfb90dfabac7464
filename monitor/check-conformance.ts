import { Observable, type OperatorFunction } from 'rxjs';
import type { SpecEvent } from '../instrumentation/index.ts';
import { brokenEndConditions, type Spec, type StateInvariant } from '../properties/index.ts';
import { alertEvent, alertId, diagnosticAlert, type Alert, type AlertEvent } from './alerts.ts';
import { describeDiagnostic } from './describe-diagnostic.ts';
import { OrderExploration, inPast, invariantOfKey, parseTemporalKey, temporalKey, type Configuration, type Rejection, type SnapshotSpacing } from './order-exploration.ts';
import type { OrderedItem, Watermark } from './trace-items.ts';
import { plainValue, stateForEvent, wholeState } from './trim-state.ts';

export interface ConformanceOptions {
  /** Most explanations (orders of concurrent events) kept at once; past it, verdicts are inconclusive. */
  readonly maxConfigurations?: number;
  /** How many recent steps an arriving event may be placed before. */
  readonly reorderWindow?: number;
  /** How many recent steps the exact search (when cheaper ways fail) reorders freely. */
  readonly searchWindow?: number;
  /** Memory against time: which past steps keep their state; the others are replayed when needed. */
  readonly snapshots?: SnapshotSpacing;
}

export const DEFAULT_MAX_CONFIGURATIONS = 256;
export const DEFAULT_REORDER_WINDOW = 1000;
export const DEFAULT_SEARCH_WINDOW = 16;

/** The end of a bounded run: what was checked and how hard the search was. */
export interface CheckSummary {
  readonly type: 'summary';
  readonly spec: string;
  readonly events: number;
  readonly duplicates: number;
  readonly alerts: Readonly<Record<string, number>>;
  readonly violated: number;
  readonly inconclusive: number;
  /** Most explanations kept at once during the run (1 when nothing raced). */
  readonly peakConfigurations: number;
}

export type CheckItem = Alert | CheckSummary;

const HISTORY_LIMIT = 50;
const DEADLINE_SWEEP = 256;
const EXACT_END_SEARCH = 16;
/** Most waiting events taken at once with an event no order explains alone. */
const MAX_BLOCK = 64;
const paramKeys = (event: SpecEvent): string[] => Object.values(event.params).filter((v) => v === null || typeof v !== 'object').map((v) => JSON.stringify(v));

/** Events before `event` in the explanation, in its causal past, sharing a parameter value with it. */
function causalHistory<S, L>(configuration: Configuration<S, L>, event: SpecEvent): AlertEvent[] {
  const keys = new Set(paramKeys(event));
  return configuration.history
    .filter(({ event: past }) => {
      const known = event.vc[past.proc];
      return typeof known === 'number' && known >= past.seq && paramKeys(past).some((k) => keys.has(k));
    })
    .slice(-HISTORY_LIMIT)
    .map(({ event: past }) => alertEvent(past));
}

/**
 * Checks delivered events (from causalOrder) against a spec: conformance, invariants, and at the
 * end of input the end conditions. Emits alerts as they become certain, then one summary.
 * A live source that never ends sends watermarks instead: each judges the events still waiting
 * and passes time for the deadlines, but judges nothing as the end of the trace.
 */
export function checkConformance<S, L>(spec: Spec<S, L>, options: ConformanceOptions = {}): OperatorFunction<OrderedItem | Watermark, CheckItem> {
  const maxConfigurations = options.maxConfigurations ?? DEFAULT_MAX_CONFIGURATIONS;
  const reorderWindow = options.reorderWindow ?? DEFAULT_REORDER_WINDOW;
  return (source) =>
    new Observable<CheckItem>((subscriber) => {
      const exploration = new OrderExploration(spec, maxConfigurations, reorderWindow, options.searchWindow ?? DEFAULT_SEARCH_WINDOW, options.snapshots);
      const reported = new Set<string>();
      // Events no explanation can take yet: a concurrent event arriving later may still enable
      // them. Judged at the end of input, once half of `reorderWindow` events were accepted after
      // them (the events they could be placed before must still be inside the window then), or
      // once more than `reorderWindow` events wait.
      // `retry`: something it interacts with was accepted since it was last tried.
      const waiting: Array<{ event: SpecEvent; since: number; retry: boolean }> = [];
      // Invariants broken in every explanation, reported once that has held for the same span.
      // `state`: what the event's parameters select of the state right after it (trimmed now, so no old state is kept).
      const suspected = new Map<string, { event: SpecEvent; since: number; state: unknown }>();
      let accepted = 0;
      let lastEvent: SpecEvent | undefined;
      const counts: Record<string, number> = {};
      let events = 0;
      let duplicates = 0;
      let violated = 0;
      let inconclusive = 0;
      let peakConfigurations = 1;

      const emit = (alert: Alert): void => {
        counts[alert.kind] = (counts[alert.kind] ?? 0) + 1;
        if (alert.verdict === 'violated') violated++;
        else inconclusive++;
        subscriber.next(alert);
      };

      // An event left out without a decided verdict: what follows may have needed it.
      let leftOut: string | undefined;
      const unexplored = (): string | undefined => exploration.truncated ?? leftOut;
      // Once explanations were dropped for the bound, "every explanation" can no longer be claimed.
      const undecided = (): Alert['verdict'] => (unexplored() === undefined ? 'violated' : 'inconclusive');
      const notEveryOrder = (): string =>
        unexplored() === undefined ? 'that the spec allows' : `explored, but not every order was explored: ${unexplored()}`;

      const waitsOn = (event: SpecEvent, upTo = waiting.length): boolean => {
        for (let i = 0; i < upTo; i++) if (inPast(waiting[i]!.event, event)) return true;
        return false;
      };

      const onEvent = (event: SpecEvent): void => {
        events++;
        lastEvent = event;
        if (waitsOn(event) || !exploration.accept(event).accepted) waiting.push({ event, since: accepted, retry: false });
        else {
          afterAccepted(event);
          retryWaiting();
        }
        // Also when more than a window of events wait: events causally after a waiting one wait
        // too, and would otherwise pile up until the input ends.
        while (waiting.length > 0 && (accepted - waiting[0]!.since >= reorderWindow / 2 || waiting.length > reorderWindow)) judgeFirstWaiting();
        reportInvariants(false);
      };

      const afterAccepted = (event: SpecEvent): void => {
        accepted++;
        // Deadlines that went by without a step of their instance, checked now and then.
        if (spec.temporal.length > 0 && accepted % DEADLINE_SWEEP === 0) exploration.passTime(lastEvent!);
        peakConfigurations = Math.max(peakConfigurations, exploration.configurations.length);
        markRetries(event);
      };

      /**
       * Marks the waiting events worth trying again after `trigger` was accepted: only those it
       * interacts with or precedes causally, since an event on other keys cannot enable them (and a
       * retry costs a replay). No trigger (an event was dropped): all of them.
       */
      const markRetries = (trigger: SpecEvent | undefined): void => {
        for (const w of waiting) {
          if (!w.retry && (trigger === undefined || inPast(trigger, w.event) || exploration.interacts(trigger, w.event))) w.retry = true;
        }
      };

      /** Tries the marked waiting events, in delivery order, until none of them can be taken. */
      const retryWaiting = (): void => {
        for (let i = 0; i < waiting.length; ) {
          const w = waiting[i]!;
          if (!w.retry) {
            i++;
            continue;
          }
          w.retry = false;
          if (waitsOn(w.event, i) || !exploration.accept(w.event, false).accepted) {
            i++;
            continue;
          }
          waiting.splice(i, 1);
          afterAccepted(w.event);
          // An earlier waiting event may have been marked by this one: start over.
          i = 0;
        }
      };

      /**
       * The first waiting event: taken if it can be now, or together with other waiting events (an
       * order may need an accepted event to move after those), over the recent steps and then from
       * an older rival; else reported, and left out.
       */
      const judgeFirstWaiting = (): void => {
        const { event } = waiting.shift()!;
        const primary = exploration.configurations[0]!;
        const outcome = exploration.accept(event);
        if (outcome.accepted) afterAccepted(event);
        else if (!takeEither(event)) {
          const inconclusive = outcome.inconclusive ?? leftOut;
          emit(nonconformance(event, outcome.rejection, primary, inconclusive));
          if (inconclusive !== undefined) leftOut ??= `${event.proc}#${event.seq} was left out earlier without a verdict (${inconclusive})`;
          // Dropping it changes the later waiting events' causal pasts: retry them all.
          markRetries(undefined);
        }
        retryWaiting();
      };

      /** Takes `event` with other waiting events over the recent steps, else before an older rival. */
      const takeEither = (event: SpecEvent): boolean => {
        // With every waiting event, then with those after it (and their pasts): an order of the
        // whole trace may need events that arrived after it, waiting on it or not.
        const after = waitingAfter(event);
        const blocks = [...(after.length < waiting.length ? [waiting.map((w) => w.event)] : []), ...(after.length > 0 ? [after] : [])];
        return takeTogether(event, [...blocks], 'window') || takeTogether(event, blocks, 'deeper');
      };

      /** Takes `event` with the first block some order explains (`blocks` may grow); whether it was taken. */
      const takeTogether = (event: SpecEvent, blocks: SpecEvent[][], depth: 'window' | 'deeper'): boolean => {
        let pruned = false;
        for (let b = 0; b < blocks.length; b++) {
          const block = blocks[b]!;
          // Past the bounds the event is judged alone, as the cheaper search judged it.
          if (block.length + 1 > MAX_BLOCK) continue;
          const together = exploration.acceptTogether([event, ...block], depth);
          if (together !== true) {
            // A waiting event that no order enabled spoils a block: once, try it without those and their futures.
            const placed = exploration.placedInSearch;
            if (together === 'too many' || pruned || !placed.has(event)) continue;
            const dropped = block.filter((e) => !placed.has(e));
            const kept = block.filter((e) => placed.has(e) && !dropped.some((d) => inPast(d, e)));
            if (dropped.length > 0 && kept.length > 0) {
              pruned = true;
              blocks.splice(b + 1, 0, kept);
            }
            continue;
          }
          for (const taken of block) waiting.splice(waiting.findIndex((w) => w.event === taken), 1);
          for (const taken of [event, ...block]) afterAccepted(taken);
          return true;
        }
        return false;
      };

      /** The waiting events in `event`'s causal future, with the waiting events in their pasts, in delivery order. */
      const waitingAfter = (event: SpecEvent): SpecEvent[] => {
        const taken: SpecEvent[] = [];
        for (let i = waiting.length - 1; i >= 0; i--) {
          const candidate = waiting[i]!.event;
          if (inPast(event, candidate) || taken.some((later) => inPast(candidate, later))) taken.push(candidate);
        }
        return taken.reverse();
      };

      // The broken-invariant map last looked at, while it was the only explanation: unchanged, nothing to do.
      let seenBroken: Configuration<S, L>['now']['broken'] | undefined;
      /** An invariant is violated once every explanation has broken it, and went on doing so. */
      const reportInvariants = (final: boolean): void => {
        const configurations = exploration.configurations;
        if (!final && suspected.size === 0 && configurations.length === 1 && configurations[0]!.now.broken === seenBroken) return;
        seenBroken = configurations.length === 1 ? configurations[0]!.now.broken : undefined;
        const [first, ...others] = configurations;
        for (const name of suspected.keys()) if (!exploration.configurations.every((c) => c.now.broken.has(name))) suspected.delete(name);
        for (const [name, event] of first!.now.broken) {
          if (reported.has(name) || suspected.has(name) || !others.every((c) => c.now.broken.has(name))) continue;
          suspected.set(name, { event, since: accepted, state: stateForEvent(exploration.stateAfter(first!, event), event.params) });
        }
        for (const [name, { event, since, state }] of suspected) {
          if (!final && accepted - since < reorderWindow) continue;
          suspected.delete(name);
          reported.add(name);
          const temporal = parseTemporalKey(name);
          emit(temporal === undefined ? invariantAlert(invariantOfKey(name), event, state, first!) : propertyAlert(temporal.name, temporal.value, 'LTL3', { event, state }, first!));
        }
      };

      /** A temporal property instance violated in every explanation: online (LTL3) or at the end of the run (LTLf). */
      const propertyAlert = (name: string, value: unknown, semantics: 'LTL3' | 'LTLf', decidedAt: { event: SpecEvent; state: unknown } | undefined, first: Configuration<S, L>): Alert => {
        const event = decidedAt?.event;
        const plan = spec.temporal.find((p) => p.name === name)!;
        const variable = plan.property.variable;
        const binding = variable === undefined ? undefined : { [variable]: value };
        const decided = semantics === 'LTL3'
          ? 'every continuation of the trace violates it (LTL3, decided online)'
          : 'the finite trace violates it (LTLf, judged when the trace ended)';
        return {
          type: 'alert', id: alertId(spec.name, 'property', name, JSON.stringify(value)), kind: 'property', verdict: undecided(), name,
          ...(event === undefined ? {} : { event: alertEvent(event) }), ...(binding === undefined ? {} : { binding }), semantics,
          state: decidedAt === undefined ? wholeState(first.now.state) : decidedAt.state,
          ...(event === undefined ? {} : { history: causalHistory(first, event) }),
          reason: `property ${name} is violated${binding === undefined ? '' : ` for ${JSON.stringify(binding)}`}: ${decided}, in every order of the events ${notEveryOrder()}; ${plan.text}; time bounds use the events' time field`,
        };
      };

      const invariantAlert = (name: string, event: SpecEvent, state: unknown, first: Configuration<S, L>): Alert => {
        const invariant: StateInvariant<S> | undefined = spec.invariants?.[name];
        const binding = invariant !== undefined && typeof invariant !== 'function' && Object.hasOwn(event.params, invariant.forEach)
          ? { [invariant.forEach]: event.params[invariant.forEach] } : undefined;
        return {
          type: 'alert', id: alertId(spec.name, 'invariant', name, event.proc, event.seq), kind: 'invariant', verdict: undecided(), name,
          event: alertEvent(event), ...(binding === undefined ? {} : { binding }),
          state, history: causalHistory(first, event),
          reason: `invariant ${name} is broken after ${event.proc}#${event.seq} ${event.action}${binding === undefined ? '' : ` for ${JSON.stringify(binding)}`} in every order of the events ${notEveryOrder()}`,
        };
      };

      const nonconformance = (event: SpecEvent, rejection: Rejection<S, L>, primary: Configuration<S, L>, undecided: string | undefined): Alert => {
        const why = `guard "${rejection.guard}" is false${rejection.threw === undefined ? '' : ` (it threw: ${rejection.threw})`}`;
        const local = rejection.met.locals.get(event.proc);
        return {
          type: 'alert', id: alertId(spec.name, 'nonconformance', event.action, event.proc, event.seq, rejection.guard),
          kind: 'nonconformance', verdict: undecided === undefined ? 'violated' : 'inconclusive', name: event.action,
          event: alertEvent(event), guard: rejection.guard, binding: event.params,
          state: { ...(stateForEvent(rejection.met.state, event.params) as object), ...(local === undefined ? {} : { [`local of ${event.proc}`]: plainValue(local) }) },
          history: causalHistory(primary, event),
          reason: undecided === undefined
            ? `${event.proc}#${event.seq} ${event.action} is not enabled in any order of the events so far: ${why}`
            : `${event.proc}#${event.seq} ${event.action} is not enabled in the orders explored (${why}), but not every order was explored: ${undecided}`,
        };
      };

      const onWatermark = (time: number): void => {
        while (waiting.length > 0) judgeFirstWaiting();
        if (spec.temporal.length > 0 && lastEvent !== undefined) exploration.passTime(lastEvent, time);
        reportInvariants(true);
      };

      const onEnd = (): void => {
        while (waiting.length > 0) judgeFirstWaiting();
        // Short runs fit the exact search whole: judge them on every order, not only those kept.
        if (accepted <= EXACT_END_SEARCH) {
          const all = exploration.searchWindow();
          if (all !== undefined && all.length > 0) {
            exploration.configurations = all;
            exploration.truncated = undefined;
          }
        }
        reportInvariants(true);
        const configurations = exploration.configurations;
        const verdicts = configurations.map((c) => new Set(brokenEndConditions(spec, c.now.state)));
        const atEnd = configurations.map((c) => exploration.violatedAtEnd(c.now));
        for (const plan of spec.temporal) {
          // Violated on a path: online (already in `broken`) or by the finite trace now.
          const perConfiguration = configurations.map((c, i) => new Set([
            ...atEnd[i]!.flatMap((v) => (v.name === plan.name ? [JSON.stringify(v.value)] : [])),
            ...[...c.now.broken.keys()].flatMap((key) => { const t = parseTemporalKey(key); return t?.name === plan.name ? [JSON.stringify(t.value)] : []; }),
          ]));
          for (const value of [...perConfiguration[0]!].sort()) {
            if (reported.has(temporalKey(plan.name, JSON.parse(value))) || !perConfiguration.every((set) => set.has(value))) continue;
            emit(propertyAlert(plan.name, JSON.parse(value) as unknown, 'LTLf', undefined, configurations[0]!));
          }
        }
        for (const name of Object.keys(spec.endConditions ?? {})) {
          if (!verdicts.every((broken) => broken.has(name))) continue;
          emit({
            type: 'alert', id: alertId(spec.name, 'end-condition', name), kind: 'end-condition', verdict: undecided(), name,
            state: wholeState(configurations[0]!.now.state), reason: `end condition ${name} is false when the trace ends, in every order of the events ${notEveryOrder()}`,
          });
        }
        subscriber.next({ type: 'summary', spec: spec.name, events, duplicates, alerts: counts, violated, inconclusive, peakConfigurations });
      };

      const subscription = source.subscribe({
        next: (item) => {
          try {
            if (item.type === 'delivered') onEvent(item.event);
            else if (item.type === 'watermark') onWatermark(item.time);
            else if (item.kind === 'duplicate') duplicates++;
            else emit(diagnosticAlert(item, describeDiagnostic(item)));
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          try {
            onEnd();
            subscriber.complete();
          } catch (error) {
            subscriber.error(error);
          }
        },
      });
      return () => subscription.unsubscribe();
    });
}
