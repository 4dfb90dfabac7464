// The online monitors against the finite-trace definitions: the same LTLf verdict at the end of
// every trace, and an online verdict, once given, agrees with every continuation tried.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formulaText } from '../../properties/temporal/formula.ts';
import { FormulaMonitor } from '../../properties/temporal/formula-monitor.ts';
import { holdsAt } from '../support/ltlf-reference.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { formulas, propSteps, timed } from '../support/temporal-arbitraries.ts';

describe('temporal monitors against the LTLf definitions', () => {
  it('give the LTLf verdict of the reference at the end of every trace', () => {
    fc.assert(
      fc.property(formulas(5), propSteps(8).filter((s) => s.length > 0), (formula, steps) => {
        const trace = timed(steps);
        const monitor = new FormulaMonitor(formula);
        for (const step of trace) monitor.step(step.valuation, step.time);
        expect(monitor.finish(), formulaText(formula)).toBe(holdsAt(formula, trace, 0) ? 'satisfied' : 'violated');
      }),
      { numRuns: propertyRuns(3000) },
    );
  }, 600_000);

  it('decide online only what every continuation agrees with', () => {
    fc.assert(
      fc.property(formulas(5), propSteps(6), fc.array(propSteps(5).filter((s) => s.length > 0), { minLength: 1, maxLength: 6 }), (formula, prefix, continuations) => {
        const trace = timed(prefix);
        const monitor = new FormulaMonitor(formula);
        const verdicts = trace.map((step) => monitor.step(step.valuation, step.time));
        verdicts.forEach((verdict, k) => {
          if (k > 0 && verdicts[k - 1] !== 'inconclusive') expect(verdict, 'a verdict never changes').toBe(verdicts[k - 1]);
          if (verdict === 'inconclusive') return;
          for (const continuation of continuations) {
            const whole = [...trace.slice(0, k + 1), ...timed(continuation, trace[k]!.time)];
            expect(holdsAt(formula, whole, 0), `${formulaText(formula)} after ${k + 1} steps`).toBe(verdict === 'satisfied');
          }
        });
      }),
      { numRuns: propertyRuns(3000) },
    );
  }, 600_000);

  it('decide on time alone only what every later continuation agrees with', () => {
    fc.assert(
      fc.property(formulas(5), propSteps(6).filter((s) => s.length > 0), fc.integer({ min: 0, max: 40 }), fc.array(propSteps(5).filter((s) => s.length > 0), { minLength: 1, maxLength: 6 }), (formula, prefix, wait, continuations) => {
        const trace = timed(prefix);
        const monitor = new FormulaMonitor(formula);
        for (const step of trace) monitor.step(step.valuation, step.time);
        const before = monitor.verdict;
        const now = trace.at(-1)!.time + wait;
        const verdict = monitor.passTime(now);
        if (before !== 'inconclusive') expect(verdict).toBe(before);
        if (verdict === 'inconclusive') return;
        for (const continuation of continuations) {
          const whole = [...trace, ...timed(continuation, now)];
          expect(holdsAt(formula, whole, 0), `${formulaText(formula)} at ${now}`).toBe(verdict === 'satisfied');
        }
      }),
      { numRuns: propertyRuns(3000) },
    );
  }, 600_000);
});
