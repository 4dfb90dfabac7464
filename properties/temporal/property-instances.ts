import type { Map as ImmutableMap } from 'immutable';
import { compileFormula, type CompiledFormula, type Valuation } from './compile-formula.ts';
import { propertyText, type TemporalProperty } from './formula.ts';
import { MonitorState, atRest, finiteVerdict, initialState, monitorAtTime, onlineVerdict, samePast, stepMonitor } from './formula-monitor.ts';
import { F, T, hasTimeBound, junction } from './obligation.ts';

/** A temporal property ready to monitor: compiled once, instantiated per value of its variable. */
export interface PropertyPlan {
  readonly name: string;
  readonly property: TemporalProperty;
  readonly compiled: CompiledFormula;
  readonly text: string;
  /** The state of a new instance (kept here: it is met on most steps). */
  readonly initial: MonitorState;
}

export const planProperty = (name: string, property: TemporalProperty): PropertyPlan => {
  const compiled = compileFormula(property.formula);
  return { name, property, compiled, text: propertyText(property), initial: initialState(compiled) };
};

/**
 * The properties quantified over one variable (or over none), stepped together: an event names
 * one value of the variable, so one lookup finds every instance it moves. Those with a bound in
 * ms are kept apart from those without: only theirs are visited when time passes, and instances
 * of the others (a past-time one lives as long as its value) would make that visit long.
 */
export interface PropertyGroup {
  readonly variable: string | undefined;
  /** Whether time alone can decide an instance (a bound in ms): only then does passing time visit the group. */
  readonly timed: boolean;
  readonly plans: readonly PropertyPlan[];
  /** The variable's value at the step being taken: one object per group, rebound each step (nothing keeps it). */
  readonly binding: Record<string, unknown>;
}

/** Groups by variable and by whether time can decide them, in the order the properties first name each. */
export function groupProperties(plans: readonly PropertyPlan[]): PropertyGroup[] {
  const groups: Array<{ variable: string | undefined; timed: boolean; plans: PropertyPlan[]; binding: Record<string, unknown> }> = [];
  for (const plan of plans) {
    const variable = plan.property.variable;
    const timed = hasTimeBound(plan.compiled.obligation);
    const group = groups.find((g) => g.variable === variable && g.timed === timed);
    if (group === undefined) groups.push({ variable, timed, plans: [plan], binding: variable === undefined ? {} : { [variable]: null } });
    else group.plans.push(plan);
  }
  return groups;
}

/**
 * The instances for one bound value: a monitor state per property of the group, undefined for
 * one at rest (it acts as a new one) or, without forall, not yet stepped. A value, so explanations
 * with equal instances compare equal.
 */
export class InstanceRow {
  private hashed: number | undefined;
  constructor(readonly states: ReadonlyArray<MonitorState | undefined>) {}

  equals(other: unknown): boolean {
    if (!(other instanceof InstanceRow) || other.states.length !== this.states.length) return false;
    for (let i = 0; i < this.states.length; i++) {
      const [a, b] = [this.states[i], other.states[i]];
      if (a !== b && (a === undefined || b === undefined || !a.equals(b))) return false;
    }
    return true;
  }

  hashCode(): number {
    if (this.hashed === undefined) {
      let h = 7;
      for (const state of this.states) h = (31 * h + (state === undefined ? 0 : state.hashCode())) | 0;
      this.hashed = h;
    }
    return this.hashed;
  }
}

/** The live instances of one group: bound value → its row (the key is null without forall). */
export type Instances = ImmutableMap<unknown, InstanceRow>;

export interface Decision {
  readonly plan: PropertyPlan;
  readonly value: unknown;
  readonly verdict: 'satisfied' | 'violated';
}

const NONE: readonly Decision[] = [];
/**
 * What a forall instance decided satisfied leaves behind: a later mention of its value must not
 * start a new instance, which would judge only the rest of the trace. One shared object.
 */
const SATISFIED = new MonitorState(T, undefined, 'satisfied');
const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const emptyRow = (states: ReadonlyArray<MonitorState | undefined>): boolean => states.every((s) => s === undefined);

/**
 * One event for one group. Without forall, the one instance of each property takes every step.
 * With `forall x`, the instances for the event's `params.x` take the step (created on first
 * mention); events without that parameter leave them alone. A violated forall instance is
 * dropped (its verdict is reported once), a satisfied one leaves the shared SATISFIED mark, and
 * one back at rest is dropped too (it would act as a new one); decisions are returned.
 */
export function stepGroup(group: PropertyGroup, instances: Instances, params: Readonly<Record<string, unknown>>, valuation: Valuation, time: number): { instances: Instances; decided: readonly Decision[]; deadline: number } {
  const variable = group.variable;
  let value: unknown = null;
  if (variable !== undefined) {
    if (!Object.hasOwn(params, variable) || !isScalar(params[variable])) return { instances, decided: NONE, deadline: Infinity };
    value = params[variable];
  }
  const row = instances.get(value);
  const bindings = group.binding;
  if (variable !== undefined) bindings[variable] = value;
  let states: Array<MonitorState | undefined> | undefined;
  let decided: Decision[] | undefined;
  let deadline = Infinity;
  for (let i = 0; i < group.plans.length; i++) {
    const plan = group.plans[i]!;
    const held = row?.states[i];
    const before = held ?? plan.initial;
    if (before.verdict !== 'inconclusive') continue;
    const after = stepMonitor(plan.compiled, before, valuation, time, bindings);
    let kept: MonitorState | undefined = after;
    if (after.verdict !== 'inconclusive') {
      (decided ??= []).push({ plan, value, verdict: after.verdict });
      if (variable !== undefined) kept = after.verdict === 'satisfied' ? SATISFIED : undefined;
    } else if (variable !== undefined && atRest(plan.compiled, after)) kept = undefined;
    if (kept === held) continue;
    states ??= row === undefined ? new Array<MonitorState | undefined>(group.plans.length).fill(undefined) : [...row.states];
    states[i] = kept;
    const due = kept === undefined || kept.verdict !== 'inconclusive' ? undefined : kept.deadline;
    if (due !== undefined && due < deadline) deadline = due;
  }
  if (states === undefined) return { instances, decided: decided ?? NONE, deadline };
  return { instances: emptyRow(states) ? instances.delete(value) : instances.set(value, new InstanceRow(states)), decided: decided ?? NONE, deadline };
}

/**
 * Time passed: instances whose deadline went by are decided (and the forall ones dropped).
 * `deadline`: the earliest deadline left.
 */
export function groupAtTime(group: PropertyGroup, instances: Instances, now: number): { instances: Instances; decided: Decision[]; deadline: number } {
  if (!group.timed) return { instances, decided: [], deadline: Infinity };
  const decided: Decision[] = [];
  let next = instances;
  let earliest = Infinity;
  instances.forEach((row, value) => {
    let states: Array<MonitorState | undefined> | undefined;
    row.states.forEach((state, i) => {
      if (state === undefined || state.verdict !== 'inconclusive') return;
      const deadline = state.deadline;
      if (deadline === undefined) return;
      if (deadline >= now) {
        earliest = Math.min(earliest, deadline);
        return;
      }
      const after = monitorAtTime(state, now);
      states ??= [...row.states];
      const left = after.verdict === 'inconclusive' ? after.deadline : undefined;
      if (left !== undefined) earliest = Math.min(earliest, left);
      if (after.verdict === 'inconclusive') states[i] = after;
      else {
        decided.push({ plan: group.plans[i]!, value, verdict: after.verdict });
        states[i] = group.variable === undefined ? after : after.verdict === 'satisfied' ? SATISFIED : undefined;
      }
    });
    if (states !== undefined) next = emptyRow(states) ? next.delete(value) : next.set(value, new InstanceRow(states));
  });
  return { instances: next, decided, deadline: earliest };
}

/** LTLf at the end of a bounded run: the instances still undecided that the finite trace violates. */
export function finishGroup(group: PropertyGroup, instances: Instances): Array<{ plan: PropertyPlan; value: unknown }> {
  const violated: Array<{ plan: PropertyPlan; value: unknown }> = [];
  group.plans.forEach((plan, i) => {
    for (const [value, row] of instances) {
      const state = row.states[i];
      if (state !== undefined && state.verdict === 'inconclusive' && finiteVerdict(state) === 'violated') violated.push({ plan, value });
    }
    // Without forall and without any step, the formula is judged on the empty trace.
    if (group.variable === undefined && instances.get(null)?.states[i] === undefined && finiteVerdict(initialState(plan.compiled)) === 'violated') violated.push({ plan, value: null });
  });
  return violated;
}

/**
 * Two explanations in the same spec state, as one: each instance must satisfy what one of them
 * or the other must (the disjunction of their obligations), so it is violated only when both
 * are. An instance violated on one side (`violatedIn`) counts as violated there; one missing
 * acts as a new one, as it would at its next mention. Undefined when the past parts differ: they
 * cannot be joined, so both explanations are kept. `differing`: the values whose rows may differ
 * (a superset: others are left as in `a`).
 */
export function joinInstances(group: PropertyGroup, a: Instances, b: Instances, violatedInA: (plan: PropertyPlan, value: unknown) => boolean, violatedInB: (plan: PropertyPlan, value: unknown) => boolean, differing: Iterable<unknown>): Instances | undefined {
  let joined = a;
  const violated = new MonitorState(F, undefined, 'violated');
  for (const value of differing) {
    const [ra, rb] = [a.get(value), b.get(value)];
    if (ra !== undefined && rb !== undefined && ra.equals(rb)) continue;
    const states = group.plans.map((plan, i) => {
      // Neither path has this property's instance (the row is there for another property): none.
      if (ra?.states[i] === undefined && rb?.states[i] === undefined) return undefined;
      const fresh = initialState(plan.compiled);
      // Violated on a path stays violated there, even if a later mention started a new instance.
      const x = violatedInA(plan, value) ? violated : (ra?.states[i] ?? fresh);
      const y = violatedInB(plan, value) ? violated : (rb?.states[i] ?? fresh);
      if (x.equals(y)) return ra?.states[i];
      // Satisfied in one explanation: the disjunction is.
      if (x.verdict === 'satisfied' || y.verdict === 'satisfied') return x.verdict === 'satisfied' ? x : y;
      if (x.verdict === 'violated' || y.verdict === 'violated') {
        const alive = x.verdict === 'violated' ? y : x;
        return alive.verdict === 'violated' ? undefined : alive;
      }
      if (!samePast(x.past, y.past)) return null;
      const obligation = junction('or', [x.obligation, y.obligation]);
      return new MonitorState(obligation, x.past, onlineVerdict(obligation));
    });
    if (states.includes(null)) return undefined;
    const row = states as Array<MonitorState | undefined>;
    joined = emptyRow(row) ? joined.delete(value) : joined.set(value, new InstanceRow(row));
  }
  return joined;
}
