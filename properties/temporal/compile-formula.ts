import type { EventField, Formula, Term } from './formula.ts';
import { boundedResponse, type BoundedResponse } from './bounded-response.ts';
import { F, T, binary, bounded, junction, lit, unary, type Obligation } from './obligation.ts';

/** What a step offers the formula: the spec's predicates on the state met, and the event. */
export interface Valuation {
  atom(name: string, args: readonly unknown[]): boolean;
  /** A field of the current event (undefined when there is none, or it lacks the field). */
  field(field: EventField): unknown;
}

/** A literal's meaning at one step: a predicate, an event test, or a past subformula's root. */
export type Literal =
  | { readonly kind: 'atom'; readonly name: string; readonly args: readonly Term[] }
  | { readonly kind: 'test'; readonly field: EventField; readonly equal: boolean; readonly term: Term }
  | { readonly kind: 'past'; readonly node: number };

/** One node of a past subformula, evaluated bottom-up at every step (Havelund and Roşu). */
export type PastNode =
  | { readonly op: 'literal'; readonly literal: number }
  | { readonly op: 'const'; readonly value: boolean }
  | { readonly op: 'not' | 'Y' | 'O' | 'H'; readonly f: number }
  | { readonly op: 'and' | 'or' | 'implies' | 'iff' | 'S'; readonly l: number; readonly r: number };

export interface CompiledFormula {
  readonly obligation: Obligation;
  readonly literals: readonly Literal[];
  /** Past subformulas in evaluation order (children first); literals of kind 'past' point here. */
  readonly past: readonly PastNode[];
  /** Set when the formula is a bounded response, G (P -> F[<=d] Q): its steps skip progression. */
  readonly response?: BoundedResponse;
}

/** A term's value: a literal's, or the value bound to the variable. */
export const resolveTerm = (term: Term, bindings: Readonly<Record<string, unknown>>): unknown => ('variable' in term ? bindings[term.variable] : term.value);

/** Compiles a formula to an obligation over numbered literals; variables are bound when stepping. */
export function compileFormula(formula: Formula): CompiledFormula {
  const literals: Literal[] = [];
  const past: PastNode[] = [];
  const literalKeys = new Map<string, number>();
  const literal = (l: Literal): number => {
    const key = JSON.stringify(l);
    let slot = literalKeys.get(key);
    if (slot === undefined) literalKeys.set(key, (slot = literals.push(l) - 1));
    return slot;
  };
  const present = (f: Formula): Literal | undefined => {
    if (f.op === 'atom') return { kind: 'atom', name: f.name, args: f.args };
    if (f.op === 'test') return { kind: 'test', field: f.field, equal: f.equal, term: f.term };
    return undefined;
  };
  // Past (and present) formulas become nodes evaluated at each step; one literal stands for the root.
  const pastNode = (f: Formula): number => {
    const atomic = present(f);
    let node: PastNode;
    if (atomic !== undefined) node = { op: 'literal', literal: literal(atomic) };
    else if (f.op === 'true' || f.op === 'false') node = { op: 'const', value: f.op === 'true' };
    else if (f.op === 'not' || f.op === 'Y' || f.op === 'O' || f.op === 'H') node = { op: f.op, f: pastNode(f.f) };
    else if (f.op === 'and' || f.op === 'or' || f.op === 'implies' || f.op === 'iff' || f.op === 'S') node = { op: f.op, l: pastNode(f.left), r: pastNode(f.right) };
    else throw new Error(`a future operator (${f.op}) inside a past operator is not supported`);
    return past.push(node) - 1;
  };
  const nnf = (f: Formula, positive: boolean): Obligation => {
    const atomic = present(f);
    if (atomic !== undefined) return lit(literal(atomic), positive);
    switch (f.op) {
      case 'true': return positive ? T : F;
      case 'false': return positive ? F : T;
      case 'not': return nnf(f.f, !positive);
      case 'and': case 'or': {
        const k = (f.op === 'and') === positive ? 'and' : 'or';
        return junction(k, [nnf(f.left, positive), nnf(f.right, positive)]);
      }
      case 'implies':
        return nnf({ op: 'or', left: { op: 'not', f: f.left }, right: f.right }, positive);
      case 'iff':
        return nnf({ op: 'or', left: { op: 'and', left: f.left, right: f.right }, right: { op: 'and', left: { op: 'not', f: f.left }, right: { op: 'not', f: f.right } } }, positive);
      case 'X': return unary(positive ? 'X' : 'N', nnf(f.f, positive));
      case 'F': case 'G': {
        const k = (f.op === 'F') === positive ? 'F' : 'G';
        const inner = nnf(f.f, positive);
        if (!('within' in f) || f.within === undefined) return unary(k, inner);
        return 'steps' in f.within ? bounded(k === 'F' ? 'Fn' : 'Gn', f.within.steps, inner) : bounded(k === 'F' ? 'Ft' : 'Gt', f.within.ms, inner);
      }
      case 'U': return positive ? binary('U', nnf(f.left, true), nnf(f.right, true)) : binary('R', nnf(f.left, false), nnf(f.right, false));
      case 'R': return positive ? binary('R', nnf(f.left, true), nnf(f.right, true)) : binary('U', nnf(f.left, false), nnf(f.right, false));
      // a W b = b R (a | b)
      case 'W': return nnf({ op: 'R', left: f.right, right: { op: 'or', left: f.left, right: f.right } }, positive);
      default:
        return lit(literal({ kind: 'past', node: pastNode(f) }), positive);
    }
  };
  const obligation = nnf(formula, true);
  const response = boundedResponse(obligation, past.length);
  return response === undefined ? { obligation, literals, past } : { obligation, literals, past, response };
}
