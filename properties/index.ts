// Public surface of properties/: the spec language and its evaluation on states.
export { defineSpec, isNext, isSpec, next, SpecDefinitionError } from './define-spec.ts';
export type {
  ActionContext, ActionInvariant, ActionSpec, Effect, Guard, Next, ObservedAction, Params, Spec, SpecDefinition, StateInvariant,
} from './define-spec.ts';
export { attemptAction, brokenEndConditions, brokenInvariants, NO_NEXT_STATE, NO_SUCH_ACTION } from './attempt-action.ts';
export type { Attempt, SpecStep } from './attempt-action.ts';
