// Random formulas (depth ≤ 5) and traces of proposition sets, for the temporal property tests.
import fc from 'fast-check';
import type { Valuation } from '../../properties/temporal/compile-formula.ts';
import type { Formula } from '../../properties/temporal/formula.ts';
import type { ReferenceStep } from './ltlf-reference.ts';

const ATOMS = ['p', 'q', 'r'];
const leaf: fc.Arbitrary<Formula> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ATOMS).map((name): Formula => ({ op: 'atom', name, args: [] })) },
  { weight: 1, arbitrary: fc.constantFrom<Formula>({ op: 'true' }, { op: 'false' }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'b'), fc.boolean()).map(([value, equal]): Formula => ({ op: 'test', field: 'action', equal, term: { value } })) },
);
const bound = fc.oneof(fc.integer({ min: 0, max: 3 }).map((steps) => ({ steps })), fc.integer({ min: 0, max: 30 }).map((ms) => ({ ms })));

/** Past and present only: what the operands of Y, O, H and S may be. */
const backward = (depth: number): fc.Arbitrary<Formula> => depth === 0 ? leaf : fc.oneof(
  { weight: 2, arbitrary: leaf },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('not', 'Y', 'O', 'H'), backward(depth - 1)).map(([op, f]) => ({ op, f }) as Formula) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('and', 'or', 'implies', 'S'), backward(depth - 1), backward(depth - 1)).map(([op, left, right]) => ({ op, left, right }) as Formula) },
);

export const formulas = (depth: number): fc.Arbitrary<Formula> => depth === 0 ? leaf : fc.oneof(
  { weight: 2, arbitrary: leaf },
  { weight: 1, arbitrary: backward(Math.min(depth, 3)) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('not', 'X', 'F', 'G'), formulas(depth - 1)).map(([op, f]) => ({ op, f }) as Formula) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('F', 'G'), formulas(depth - 1), bound).map(([op, f, within]) => ({ op, f, within }) as Formula) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('and', 'or', 'implies', 'iff', 'U', 'R', 'W'), formulas(depth - 1), formulas(depth - 1)).map(([op, left, right]) => ({ op, left, right }) as Formula) },
);

export interface PropStep {
  readonly props: readonly string[];
  readonly action: string;
  readonly dt: number;
}

export const propSteps = (max: number): fc.Arbitrary<PropStep[]> =>
  fc.array(fc.record({ props: fc.subarray(ATOMS), action: fc.constantFrom('a', 'b'), dt: fc.integer({ min: 0, max: 15 }) }), { maxLength: max });

export const valuationOf = (step: PropStep): Valuation => ({
  atom: (name) => step.props.includes(name),
  field: (field) => (field === 'action' ? step.action : undefined),
});

/** Steps with absolute, non-decreasing times starting at `start`. */
export function timed(steps: readonly PropStep[], start = 0): ReferenceStep[] {
  let time = start;
  return steps.map((step) => ({ valuation: valuationOf(step), time: (time += step.dt) }));
}
