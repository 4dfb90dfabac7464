/**
 * A TLA+/PlusCal-style state machine written in TypeScript: a state, an initial state, actions
 * with named guard conjuncts and an effect, per-process local state, invariants, end conditions.
 * States should be immutable values (Immutable.js records and maps are the natural choice):
 * the checker keeps earlier states to explore other orders of concurrent events.
 */
import { children, type Formula, type TemporalProperty } from './temporal/formula.ts';
import { FormulaSyntaxError, parseProperty, syntaxPointer } from './temporal/parse-formula.ts';
import { planProperty, type PropertyPlan } from './temporal/property-instances.ts';

export type Params = Readonly<Record<string, unknown>>;

/** What a spec sees of one event: the action, its parameters, and the process (PlusCal's self). */
export interface ObservedAction {
  readonly proc: string;
  readonly action: string;
  readonly params: Params;
}

export interface ActionContext<S, L> {
  readonly state: S;
  /** The local state of the event's process, as left by its previous action. */
  readonly local: L;
  readonly params: Params;
  readonly proc: string;
}

// Registered symbols: a spec may be loaded with its own copy of this module.
const NEXT = Symbol.for('specwatch.next');

/** A next state together with the process's next local state. */
export interface Next<S, L> {
  readonly [NEXT]: true;
  readonly state: S;
  readonly local: L;
}

export function next<S, L>(state: S, local: L): Next<S, L> {
  return { [NEXT]: true, state, local };
}

export function isNext<S, L>(value: S | Next<S, L>): value is Next<S, L> {
  return typeof value === 'object' && value !== null && (value as Partial<Next<S, L>>)[NEXT] === true;
}

export type Guard<S, L> = (context: ActionContext<S, L>) => boolean;

/** One next state, or several (a nondeterministic choice, PlusCal's `either` / `with x \in S`). */
export type Effect<S, L> = (context: ActionContext<S, L>) => S | Next<S, L> | ReadonlyArray<S | Next<S, L>>;

export interface ActionSpec<S, L> {
  /** Named conjuncts, checked in order; the first false one is named in the report. */
  readonly guards?: Readonly<Record<string, Guard<S, L>>>;
  readonly effect: Effect<S, L>;
}

/** A state invariant: over the whole state, or per value of one parameter (checked for the values events touch). */
export type StateInvariant<S> = ((state: S) => boolean) | { readonly forEach: string; readonly holds: (state: S, value: unknown) => boolean };

export type ActionInvariant<S> = (before: S, action: ObservedAction, after: S) => boolean;

/** What a predicate sees: the state after a step, and every process's local state. */
export interface PredicateView<S, L> {
  readonly state: S;
  readonly locals: Iterable<readonly [string, L]>;
}

/** A named predicate for temporal properties, e.g. orphan(id); arguments come from the formula. */
export type Predicate<S, L> = (view: PredicateView<S, L>, ...args: unknown[]) => boolean;

export interface SpecDefinition<S, L> {
  readonly name: string;
  readonly init: () => S;
  /** Initial local state of every process (default: undefined). */
  readonly local?: () => L;
  readonly actions: Readonly<Record<string, ActionSpec<S, L>>>;
  readonly invariants?: Readonly<Record<string, StateInvariant<S>>>;
  readonly actionInvariants?: Readonly<Record<string, ActionInvariant<S>>>;
  /** Checked on the final state when a bounded run (a file, a topic range) ends. */
  readonly endConditions?: Readonly<Record<string, (state: S) => boolean>>;
  /** Predicates the temporal properties name. */
  readonly predicates?: Readonly<Record<string, Predicate<S, L>>>;
  /**
   * Temporal properties over the states after each event, as text (`forall id: G (orphan(id) ->
   * F[<=30s] !orphan(id))`) or built with the functions of properties/temporal (a formula, or
   * `forall(variable, formula)` for one instance per value).
   */
  readonly properties?: Readonly<Record<string, string | Formula | TemporalProperty>>;
  /**
   * The parts of the state an action touches, as keys. Actions of different processes with
   * disjoint footprints must commute, and invariants must not tell their orders apart; the
   * checker then explores only orders of events that share a key. Default: one shared key, so
   * every order of concurrent events is explored.
   */
  readonly footprint?: (action: ObservedAction) => readonly unknown[];
}

const SPEC = Symbol.for('specwatch.spec');

export interface Spec<S, L> extends SpecDefinition<S, L> {
  readonly [SPEC]: true;
  /** The temporal properties, parsed and compiled. */
  readonly temporal: readonly PropertyPlan[];
}

const atomNames = (f: Formula): string[] => (f.op === 'atom' ? [f.name] : children(f).flatMap(atomNames));

/** A property given as an object: a formula alone (one instance), or forall's { variable, formula }. */
function asProperty(source: unknown): TemporalProperty | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  if (typeof (source as Partial<Formula>).op === 'string') return { formula: source as Formula };
  const formula = (source as Partial<TemporalProperty>).formula as Partial<Formula> | undefined;
  return typeof formula?.op === 'string' ? (source as TemporalProperty) : undefined;
}

const describeValue = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array'
    : typeof value === 'object' ? `an object with fields ${JSON.stringify(Object.keys(value))}` : `a ${typeof value}`;

export class SpecDefinitionError extends Error {
  override readonly name = 'SpecDefinitionError';
}

/** Checks the definition's shape once, so a mistake is reported when the spec loads. */
export function defineSpec<S, L = undefined>(definition: SpecDefinition<S, L>): Spec<S, L> {
  const fail = (why: string): never => {
    throw new SpecDefinitionError(`spec ${JSON.stringify(definition?.name ?? '?')}: ${why}`);
  };
  if (typeof definition?.name !== 'string' || definition.name.length === 0) fail('name must be a non-empty string');
  if (typeof definition.init !== 'function') fail('init must be a function returning the initial state');
  if (typeof definition.actions !== 'object' || Object.keys(definition.actions).length === 0) fail('actions must name at least one action');
  for (const [name, action] of Object.entries(definition.actions)) {
    if (typeof action?.effect !== 'function') fail(`action ${name} needs an effect function`);
    for (const [guard, check] of Object.entries(action.guards ?? {})) {
      if (typeof check !== 'function') fail(`guard "${guard}" of action ${name} must be a function`);
    }
  }
  const temporal = Object.entries(definition.properties ?? {}).map(([name, source]) => {
    let property: TemporalProperty;
    try {
      property = typeof source === 'string' ? parseProperty(source) : asProperty(source) ?? fail(
        `property ${name} must be formula text, a formula built with G, F, O, … or forall(variable, formula); got ${describeValue(source)}`);
    } catch (error) {
      if (!(error instanceof FormulaSyntaxError)) throw error;
      return fail(`property ${name}: ${error.message}\n${syntaxPointer(source as string, error)}`);
    }
    for (const atom of atomNames(property.formula)) {
      if (typeof definition.predicates?.[atom] !== 'function') fail(`property ${name} uses ${atom}(…), which is not one of the spec's predicates`);
    }
    return planProperty(name, property);
  });
  return { ...definition, temporal, [SPEC]: true };
}

export function isSpec(value: unknown): value is Spec<unknown, unknown> {
  return typeof value === 'object' && value !== null && (value as Partial<Spec<unknown, unknown>>)[SPEC] === true;
}
