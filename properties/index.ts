// Public surface of properties/: the spec language and its evaluation on states.
export { defineSpec, isNext, isSpec, next, SpecDefinitionError } from './define-spec.ts';
export type {
  ActionContext, ActionInvariant, ActionSpec, Effect, Guard, Next, ObservedAction, Params, Spec, SpecDefinition, StateInvariant,
} from './define-spec.ts';
export { attemptAction, brokenEndConditions, brokenInvariants, NO_NEXT_STATE, NO_SUCH_ACTION } from './attempt-action.ts';
export type { Attempt, SpecStep } from './attempt-action.ts';
export { finishGroup, groupAtTime, groupProperties, InstanceRow, joinInstances, planProperty, stepGroup } from './temporal/property-instances.ts';
export type { Decision, Instances, PropertyGroup, PropertyPlan } from './temporal/property-instances.ts';
export type { Valuation } from './temporal/compile-formula.ts';
export type { Predicate, PredicateView } from './define-spec.ts';
export {
  and, atom, eventIs, F, FALSE, forall, formulaText, G, H, iff, implies, not, O, or, propertyText, R, S, TRUE, U, W, X, Y,
  FormulaSyntaxError, parseProperty, syntaxPointer,
} from './temporal/index.ts';
export type { Bound, EventField, Formula, TemporalProperty, Term } from './temporal/index.ts';
export { FormulaMonitor, finiteVerdict, type Verdict } from './temporal/formula-monitor.ts';
