import type { Map as ImmutableMap } from 'immutable';
import { compileFormula, type CompiledFormula, type Valuation } from './compile-formula.ts';
import { propertyText, type TemporalProperty } from './formula.ts';
import { MonitorState, atRest, finiteVerdict, initialState, monitorAtTime, onlineVerdict, samePast, stepMonitor } from './formula-monitor.ts';
import { F, junction, nextDeadline } from './obligation.ts';

/** A temporal property ready to monitor: compiled once, instantiated per value of its variable. */
export interface PropertyPlan {
  readonly name: string;
  readonly property: TemporalProperty;
  readonly compiled: CompiledFormula;
  readonly text: string;
}

/** The live instances of one property: bound value → monitor state (the key is null without forall). */
export type Instances = ImmutableMap<unknown, MonitorState>;

export interface Decision {
  readonly value: unknown;
  readonly verdict: 'satisfied' | 'violated';
}

export const planProperty = (name: string, property: TemporalProperty): PropertyPlan =>
  ({ name, property, compiled: compileFormula(property.formula), text: propertyText(property) });

const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const bind = (plan: PropertyPlan, value: unknown): Record<string, unknown> => (plan.property.variable === undefined ? {} : { [plan.property.variable]: value });

/**
 * One event for one property. Without forall, the one instance takes every step. With
 * `forall x`, the instance for the event's `params.x` takes the step (created on first mention);
 * events without that parameter leave the instances alone. A final instance is dropped, and so
 * is one back at rest (it would act as a new one); its decision is returned.
 */
export function stepProperty(plan: PropertyPlan, instances: Instances, params: Readonly<Record<string, unknown>>, valuation: Valuation, time: number): { instances: Instances; decided?: Decision } {
  const variable = plan.property.variable;
  let value: unknown = null;
  if (variable !== undefined) {
    if (!Object.hasOwn(params, variable) || !isScalar(params[variable])) return { instances };
    value = params[variable];
  }
  const before = instances.get(value) ?? initialState(plan.compiled);
  if (variable === undefined && before.verdict !== 'inconclusive') return { instances };
  const after = stepMonitor(plan.compiled, before, valuation, time, bind(plan, value));
  if (after.verdict !== 'inconclusive') {
    const decided = { value, verdict: after.verdict };
    return { instances: variable === undefined ? instances.set(value, after) : instances.delete(value), decided };
  }
  if (variable !== undefined && atRest(plan.compiled, after)) return { instances: instances.delete(value) };
  return { instances: after === before && instances.has(value) ? instances : instances.set(value, after) };
}

/** Time passed: instances whose deadline went by are decided (and the forall ones dropped). */
export function propertyAtTime(plan: PropertyPlan, instances: Instances, now: number): { instances: Instances; decided: Decision[] } {
  const decided: Decision[] = [];
  let next = instances;
  for (const [value, state] of instances) {
    if (state.verdict !== 'inconclusive') continue;
    const deadline = nextDeadline(state.obligation);
    if (deadline === undefined || deadline >= now) continue;
    const after = monitorAtTime(state, now);
    if (after.verdict === 'inconclusive') next = next.set(value, after);
    else {
      decided.push({ value, verdict: after.verdict });
      next = plan.property.variable === undefined ? next.set(value, after) : next.delete(value);
    }
  }
  return { instances: next, decided };
}

/** LTLf at the end of a bounded run: the instances still undecided that the finite trace violates. */
export function finishProperty(plan: PropertyPlan, instances: Instances): unknown[] {
  const violated: unknown[] = [];
  for (const [value, state] of instances) if (state.verdict === 'inconclusive' && finiteVerdict(state) === 'violated') violated.push(value);
  // Without forall and without any step, the formula is judged on the empty trace.
  if (plan.property.variable === undefined && instances.size === 0 && finiteVerdict(initialState(plan.compiled)) === 'violated') violated.push(null);
  return violated;
}

/**
 * Two explanations in the same spec state, as one: each instance must satisfy what one of them
 * or the other must (the disjunction of their obligations), so it is violated only when both
 * are. An instance violated on one side (`violatedIn`) counts as violated there; one missing
 * acts as a new one, as it would at its next mention. Undefined when the past parts differ: they cannot be
 * joined, so both explanations are kept.
 */
export function joinInstances(plan: PropertyPlan, a: Instances, b: Instances, violatedInA: (value: unknown) => boolean, violatedInB: (value: unknown) => boolean): Instances | undefined {
  let joined = a;
  const fresh = initialState(plan.compiled);
  const violated = new MonitorState(F, undefined, 'violated');
  for (const value of new Set([...a.keys(), ...b.keys()])) {
    // Violated on a path stays violated there, even if a later mention started a new instance.
    const x = violatedInA(value) ? violated : (a.get(value) ?? fresh);
    const y = violatedInB(value) ? violated : (b.get(value) ?? fresh);
    if (x.equals(y)) continue;
    if (x.verdict === 'violated' || y.verdict === 'violated') {
      const alive = x.verdict === 'violated' ? y : x;
      joined = alive.verdict === 'violated' ? joined.delete(value) : joined.set(value, alive);
      continue;
    }
    if (!samePast(x.past, y.past)) return undefined;
    const obligation = junction('or', [x.obligation, y.obligation]);
    joined = joined.set(value, new MonitorState(obligation, x.past, onlineVerdict(obligation)));
  }
  return joined;
}
