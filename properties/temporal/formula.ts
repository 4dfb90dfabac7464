// Temporal formulas (LTL with past, bounded operators and one top-level `forall`), as plain
// immutable trees. Built with the functions below or parsed from text (parse-formula.ts).

/** A bound on F or G: a number of steps, or a time span in milliseconds. */
export type Bound = { readonly steps: number } | { readonly ms: number };

/** A literal in a formula: a JSON scalar, or a variable bound by `forall`. */
export type Term = { readonly value: string | number | boolean | null } | { readonly variable: string };

/** What a test of the current event looks at. */
export type EventField = 'action' | 'proc' | 'service' | `params.${string}`;

export type Formula =
  | { readonly op: 'true' }
  | { readonly op: 'false' }
  /** A named predicate of the spec on the current state, e.g. orphan(id). */
  | { readonly op: 'atom'; readonly name: string; readonly args: readonly Term[] }
  /** A test of the current event, e.g. action == "Delete". */
  | { readonly op: 'test'; readonly field: EventField; readonly equal: boolean; readonly term: Term }
  | { readonly op: 'not' | 'X' | 'F' | 'G' | 'Y' | 'O' | 'H'; readonly f: Formula }
  | { readonly op: 'F' | 'G'; readonly f: Formula; readonly within: Bound }
  | { readonly op: 'and' | 'or' | 'implies' | 'iff' | 'U' | 'R' | 'W' | 'S'; readonly left: Formula; readonly right: Formula };

/** A property: `forall x:` (optional) over a formula. */
export interface TemporalProperty {
  readonly variable?: string;
  readonly formula: Formula;
}

export const TRUE: Formula = { op: 'true' };
export const FALSE: Formula = { op: 'false' };
export const atom = (name: string, ...args: Array<string | { value: string | number | boolean | null }>): Formula =>
  ({ op: 'atom', name, args: args.map((a) => (typeof a === 'string' ? { variable: a } : a)) });
export const eventIs = (field: EventField, value: string | number | boolean | null, equal = true): Formula =>
  ({ op: 'test', field, equal, term: { value } });
export const not = (f: Formula): Formula => ({ op: 'not', f });
export const and = (left: Formula, right: Formula): Formula => ({ op: 'and', left, right });
export const or = (left: Formula, right: Formula): Formula => ({ op: 'or', left, right });
export const implies = (left: Formula, right: Formula): Formula => ({ op: 'implies', left, right });
export const iff = (left: Formula, right: Formula): Formula => ({ op: 'iff', left, right });
export const X = (f: Formula): Formula => ({ op: 'X', f });
export const F = (f: Formula, within?: Bound): Formula => (within === undefined ? { op: 'F', f } : { op: 'F', f, within });
export const G = (f: Formula, within?: Bound): Formula => (within === undefined ? { op: 'G', f } : { op: 'G', f, within });
export const U = (left: Formula, right: Formula): Formula => ({ op: 'U', left, right });
export const R = (left: Formula, right: Formula): Formula => ({ op: 'R', left, right });
export const W = (left: Formula, right: Formula): Formula => ({ op: 'W', left, right });
export const Y = (f: Formula): Formula => ({ op: 'Y', f });
export const O = (f: Formula): Formula => ({ op: 'O', f });
export const H = (f: Formula): Formula => ({ op: 'H', f });
export const S = (left: Formula, right: Formula): Formula => ({ op: 'S', left, right });
export const forall = (variable: string, formula: Formula): TemporalProperty => ({ variable, formula });

const PAST = new Set(['Y', 'O', 'H', 'S']);
const FUTURE = new Set(['X', 'F', 'G', 'U', 'R', 'W']);

export const isPastOp = (f: Formula): boolean => PAST.has(f.op);
export const isFutureOp = (f: Formula): boolean => FUTURE.has(f.op);

export function children(f: Formula): Formula[] {
  if ('f' in f) return [f.f];
  if ('left' in f) return [f.left, f.right];
  return [];
}


/** Nesting depth of operators (an atom has depth 0). */
export const depth = (f: Formula): number => (children(f).length === 0 ? 0 : 1 + Math.max(...children(f).map(depth)));

const termText = (t: Term): string => ('variable' in t ? t.variable : JSON.stringify(t.value));
const boundText = (b: Bound): string => ('steps' in b ? `${b.steps}` : b.ms % 1000 === 0 ? `${b.ms / 1000}s` : `${b.ms}ms`);
const BINARY: Record<string, string> = { and: '&', or: '|', implies: '->', iff: '<->', U: 'U', R: 'R', W: 'W', S: 'S' };

/** The formula as text the parser reads back to the same tree (fully parenthesized). */
export function formulaText(f: Formula): string {
  switch (f.op) {
    case 'true':
    case 'false':
      return f.op;
    case 'atom':
      return f.args.length === 0 ? f.name : `${f.name}(${f.args.map(termText).join(', ')})`;
    case 'test':
      return `${f.field} ${f.equal ? '==' : '!='} ${termText(f.term)}`;
    case 'not':
      return `!${formulaText(f.f)}`;
    default:
      if ('left' in f) return `(${formulaText(f.left)} ${BINARY[f.op]} ${formulaText(f.right)})`;
      if ('within' in f && f.within !== undefined) return `${f.op}[<=${boundText(f.within)}] ${formulaText(f.f)}`;
      return `${f.op} ${formulaText(f.f)}`;
  }
}

export const propertyText = (p: TemporalProperty): string => (p.variable === undefined ? formulaText(p.formula) : `forall ${p.variable}: ${formulaText(p.formula)}`);
