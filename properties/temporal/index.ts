// Public surface of properties/temporal/: the temporal formula tree, its builders and text form, and the parser.
export {
  and, atom, children, depth, eventIs, F, FALSE, forall, formulaText, G, H, iff, implies, isFutureOp, isPastOp,
  not, O, or, propertyText, R, S, TRUE, U, W, X, Y,
} from './formula.ts';
export type { Bound, EventField, Formula, TemporalProperty, Term } from './formula.ts';
export { FormulaSyntaxError, parseProperty, syntaxPointer } from './parse-formula.ts';
