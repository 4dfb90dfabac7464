// The bounded-response monitor, G (P -> F[<=d] Q), steps without progression: it must reach
// exactly the obligations progression reaches (the same keys), step by step, with the same verdicts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFormula, type CompiledFormula } from '../../properties/temporal/compile-formula.ts';
import { formulaText, type Formula } from '../../properties/temporal/formula.ts';
import { FormulaMonitor, onlineVerdict } from '../../properties/temporal/formula-monitor.ts';
import { progress } from '../../properties/temporal/obligation.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { propSteps, valuationOf, type PropStep } from '../support/temporal-arbitraries.ts';

const leaf: fc.Arbitrary<Formula> = fc.oneof(
  fc.constantFrom('p', 'q', 'r').map((name): Formula => ({ op: 'atom', name, args: [] })),
  fc.tuple(fc.constantFrom('a', 'b'), fc.boolean()).map(([value, equal]): Formula => ({ op: 'test', field: 'action', equal, term: { value } })),
  fc.constantFrom<Formula>({ op: 'true' }, { op: 'false' }),
);
const present: fc.Arbitrary<Formula> = fc.letrec<{ f: Formula }>((tie) => ({
  f: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('f').map((f): Formula => ({ op: 'not', f })),
    fc.tuple(fc.constantFrom('and', 'or', 'implies'), tie('f'), tie('f')).map(([op, left, right]) => ({ op, left, right }) as Formula)),
})).f;
const response = fc.tuple(present, present, fc.integer({ min: 0, max: 30 })).map(([p, q, ms]): Formula =>
  ({ op: 'G', f: { op: 'implies', left: p, right: { op: 'F', f: q, within: { ms } } } }));

/** The literals' values at one step, as the monitor computes them. */
const valuesAt = (compiled: CompiledFormula, step: PropStep): boolean[] => compiled.literals.map((l) =>
  l.kind === 'atom' ? step.props.includes(l.name) : l.kind === 'test' ? (step.action === ('value' in l.term ? l.term.value : undefined)) === l.equal : false);

describe('the bounded-response monitor', () => {
  it('reaches what progression reaches, step by step', () => {
    fc.assert(
      fc.property(response, propSteps(12), (formula, steps) => {
        const compiled = compileFormula(formula);
        // Constant triggers fold away (G(true) and the like); the rest must take the fast path.
        if (compiled.obligation.k === 'G' && compiled.obligation.key.includes('Ft')) expect(compiled.response, formulaText(formula)).toBeDefined();
        const monitor = new FormulaMonitor(formula);
        let obligation = compiled.obligation;
        let time = 0;
        steps.forEach((step, k) => {
          time += step.dt;
          obligation = progress(obligation, valuesAt(compiled, step), time);
          const verdict = monitor.step(valuationOf(step), time);
          expect(verdict, `${formulaText(formula)}, step ${k + 1} at ${time}`).toBe(onlineVerdict(obligation));
          if (verdict === 'inconclusive') expect(monitor.obligationKey, `${formulaText(formula)}, step ${k + 1} at ${time}`).toBe(obligation.key);
          else obligation = verdict === 'violated' ? { k: 'false', key: 'false' } : { k: 'true', key: 'true' };
        });
      }),
      { numRuns: propertyRuns(3000) },
    );
  }, 600_000);
});
