import { Map as ImmutableMap } from 'immutable';
import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { finishGroup, groupAtTime, groupProperties, parseProperty, planProperty, stepGroup, type Decision, type Instances, type PropertyGroup, type TemporalProperty, type Valuation } from '../properties/index.ts';

/** One step for a temporal property: the predicates and event fields now, and the event's parameters (for forall). */
export interface TemporalStep {
  readonly valuation: Valuation;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** A decided instance: online (LTL3, at monitor time `at`), or when the input ended (LTLf). */
export interface TemporalVerdict {
  readonly binding: Readonly<Record<string, unknown>>;
  readonly verdict: 'satisfied' | 'violated';
  readonly semantics: 'LTL3' | 'LTLf';
  readonly at: number;
}

export interface TemporalVerdictOptions {
  /** The monitor's clock for time bounds; a TestScheduler drives it in tests. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Monitors a property online on the monitor's own clock: each step is stamped with
 * `scheduler.now()`, and a timer fires just after the earliest deadline, so a bound that runs
 * out is reported when it does, not at the next step. When the input completes, the instances
 * still undecided get their LTLf verdict.
 */
export function temporalVerdicts(property: TemporalProperty | string, options: TemporalVerdictOptions = {}): OperatorFunction<TemporalStep, TemporalVerdict> {
  const plan = planProperty('property', typeof property === 'string' ? parseProperty(property) : property);
  const [group] = groupProperties([plan]) as [PropertyGroup];
  const scheduler = options.scheduler ?? asyncScheduler;
  const bindingOf = (value: unknown) => (plan.property.variable === undefined ? {} : { [plan.property.variable]: value });
  return (source) =>
    new Observable<TemporalVerdict>((subscriber) => {
      let instances: Instances = ImmutableMap();
      let timer: Subscription | undefined;
      let timerAt = Infinity;
      const report = (decisions: readonly Decision[], at: number) => {
        for (const d of decisions) subscriber.next({ binding: bindingOf(d.value), verdict: d.verdict, semantics: 'LTL3', at });
      };
      const arm = () => {
        let earliest = Infinity;
        for (const { states: [state] } of instances.values()) {
          const d = state !== undefined && state.verdict === 'inconclusive' ? state.deadline : undefined;
          if (d !== undefined && d < earliest) earliest = d;
        }
        if (earliest === timerAt) return;
        timer?.unsubscribe();
        timerAt = earliest;
        // A deadline is missed once the clock is past it.
        if (earliest !== Infinity) timer = scheduler.schedule(onDeadline, Math.max(0, earliest + 1 - scheduler.now()));
      };
      const onDeadline = () => {
        timerAt = Infinity;
        const now = scheduler.now();
        const passed = groupAtTime(group, instances, now);
        instances = passed.instances;
        report(passed.decided, now);
        arm();
      };
      const subscription = source.subscribe({
        next: (step) => {
          try {
            const now = scheduler.now();
            const result = stepGroup(group, instances, step.params ?? {}, step.valuation, now);
            instances = result.instances;
            report(result.decided, now);
            arm();
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          const at = scheduler.now();
          const violated = new Set(finishGroup(group, instances).map((v) => JSON.stringify(v.value)));
          for (const [value, { states: [state] }] of instances) {
            if (state === undefined || state.verdict !== 'inconclusive') continue;
            subscriber.next({ binding: bindingOf(value), verdict: violated.has(JSON.stringify(value)) ? 'violated' : 'satisfied', semantics: 'LTLf', at });
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
        instances = ImmutableMap();
      };
    });
}
