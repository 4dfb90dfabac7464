import { isNext, type ActionContext, type ActionInvariant, type ObservedAction, type Spec, type StateInvariant } from './define-spec.ts';

export interface SpecStep<S, L> {
  readonly state: S;
  readonly local: L;
}

/** Enabled, with every next state; or not, with the first false guard (or what threw). */
export type Attempt<S, L> =
  | { readonly enabled: true; readonly steps: ReadonlyArray<SpecStep<S, L>> }
  | { readonly enabled: false; readonly guard: string; readonly threw?: string };

export const NO_SUCH_ACTION = '(the spec has no such action)';
export const NO_NEXT_STATE = '(the effect gave no next state)';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Tries one action on one state. Parameters come from untrusted events, so a guard or effect
 * that throws on them makes the action not enabled, with the reason, instead of stopping the check.
 */
export function attemptAction<S, L>(spec: Spec<S, L>, state: S, local: L, action: ObservedAction): Attempt<S, L> {
  if (!Object.hasOwn(spec.actions, action.action)) return { enabled: false, guard: NO_SUCH_ACTION };
  const definition = spec.actions[action.action]!;
  const context: ActionContext<S, L> = { state, local, params: action.params, proc: action.proc };
  const guards = definition.guards;
  if (guards !== undefined) {
    for (const name in guards) {
      try {
        if (guards[name]!(context) !== true) return { enabled: false, guard: name };
      } catch (error) {
        return { enabled: false, guard: name, threw: message(error) };
      }
    }
  }
  let result: ReturnType<typeof definition.effect>;
  try {
    result = definition.effect(context);
  } catch (error) {
    return { enabled: false, guard: '(effect)', threw: message(error) };
  }
  const choices = Array.isArray(result) ? (result as ReadonlyArray<S>) : [result as S];
  if (choices.length === 0) return { enabled: false, guard: NO_NEXT_STATE };
  return { enabled: true, steps: choices.map((choice) => (isNext<S, L>(choice) ? { state: choice.state, local: choice.local } : { state: choice, local })) };
}

interface InvariantLists<S> {
  readonly state: ReadonlyArray<[string, StateInvariant<S>]>;
  readonly action: ReadonlyArray<[string, ActionInvariant<S>]>;
}
// A spec's invariants never change; listing them once keeps that off the per-step path.
const invariantLists = new WeakMap<object, InvariantLists<unknown>>();

function invariantsOf<S, L>(spec: Spec<S, L>): InvariantLists<S> {
  let lists = invariantLists.get(spec) as InvariantLists<S> | undefined;
  if (lists === undefined) {
    lists = { state: Object.entries(spec.invariants ?? {}), action: Object.entries(spec.actionInvariants ?? {}) };
    invariantLists.set(spec, lists as InvariantLists<unknown>);
  }
  return lists;
}

/** Names of the invariants broken by one step (state invariants on `after`, action invariants on the step). */
export function brokenInvariants<S, L>(spec: Spec<S, L>, before: S, action: ObservedAction, after: S): readonly string[] {
  let broken: string[] | undefined;
  const lists = invariantsOf(spec);
  for (const [name, invariant] of lists.state) {
    let holds: boolean;
    try {
      if (typeof invariant === 'function') holds = invariant(after);
      else holds = !Object.hasOwn(action.params, invariant.forEach) || invariant.holds(after, action.params[invariant.forEach]);
    } catch {
      holds = false;
    }
    if (!holds) (broken ??= []).push(name);
  }
  for (const [name, invariant] of lists.action) {
    let holds: boolean;
    try {
      holds = invariant(before, action, after);
    } catch {
      holds = false;
    }
    if (!holds) (broken ??= []).push(name);
  }
  return broken ?? NONE_BROKEN;
}

const NONE_BROKEN: readonly string[] = [];

/** Names of the end conditions the final state breaks. */
export function brokenEndConditions<S, L>(spec: Spec<S, L>, state: S): string[] {
  return Object.entries(spec.endConditions ?? {}).flatMap(([name, holds]) => {
    try {
      return holds(state) ? [] : [name];
    } catch {
      return [name];
    }
  });
}
