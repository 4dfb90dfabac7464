// A progression remembered for a window of step times must be what progressing again at any
// time in that window gives: the window is what lets a monitor state skip repeated steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFormula } from '../../properties/temporal/compile-formula.ts';
import { formulaText } from '../../properties/temporal/formula.ts';
import { progress, progressWithin, withinWindow } from '../../properties/temporal/obligation.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { formulas } from '../support/temporal-arbitraries.ts';

const steps = fc.array(fc.record({ bits: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), dt: fc.integer({ min: 0, max: 15 }) }), { minLength: 1, maxLength: 8 });

describe('progression time windows', () => {
  it('give the same obligation at every time inside the window', () => {
    fc.assert(
      fc.property(formulas(5), steps, (formula, trace) => {
        let obligation = compileFormula(formula).obligation;
        let time = 0;
        for (const { bits, dt } of trace) {
          time += dt;
          const { obligation: next, window } = progressWithin(obligation, bits, time);
          expect(next.key, 'the tracked progression is the plain one').toBe(progress(obligation, bits, time).key);
          if (!window.fresh) expect(withinWindow(window, time), 'the step time is inside its own window').toBe(true);
          for (let t = time - 40; t <= time + 40; t += 0.5) {
            if (withinWindow(window, t)) expect(progress(obligation, bits, t).key, `${formulaText(formula)} at ${t} (step at ${time})`).toBe(next.key);
          }
          obligation = next;
        }
      }),
      { numRuns: propertyRuns(500) },
    );
  }, 600_000);
});
