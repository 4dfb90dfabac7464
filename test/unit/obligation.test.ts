import { describe, expect, it } from 'vitest';
import { bounded, junction, lit, passTime, progress, progressWithin, withinWindow } from '../../properties/temporal/obligation.ts';

const p = lit(0, true);
const q = lit(1, true);

describe('obligations: one bound per body in a junction', () => {
  it('keeps the earliest deadline of an eventuality in a conjunction and the latest in a disjunction', () => {
    expect(junction('and', [bounded('Fd', 20, p), bounded('Fd', 10, p)]).key).toBe(bounded('Fd', 10, p).key);
    expect(junction('or', [bounded('Fd', 20, p), bounded('Fd', 10, p)]).key).toBe(bounded('Fd', 20, p).key);
    expect(junction('and', [bounded('Fn', 2, p), bounded('Fn', 5, p)]).key).toBe(bounded('Fn', 2, p).key);
  });

  it('keeps the latest deadline of an always in a conjunction and the earliest in a disjunction', () => {
    expect(junction('and', [bounded('Gd', 20, p), bounded('Gd', 10, p)]).key).toBe(bounded('Gd', 20, p).key);
    expect(junction('or', [bounded('Gd', 20, p), bounded('Gd', 10, p)]).key).toBe(bounded('Gd', 10, p).key);
  });

  it('leaves other bodies and other operators alone', () => {
    const both = junction('and', [bounded('Fd', 20, p), bounded('Fd', 10, q), bounded('Gd', 5, p)]);
    expect(both.k === 'and' ? both.parts.length : 0).toBe(3);
  });

  it('stays small however many steps start a new deadline (a busy entity)', () => {
    // G(p -> F[<=30] q) with p true at every step and q never: one pending deadline, not one per step.
    let o = junction('and', [bounded('Fd', 30, q)]);
    for (let t = 1; t <= 20; t++) o = junction('and', [progress(o, [false, false], t), bounded('Fd', t + 30, q)]);
    expect(o.key).toBe(bounded('Fd', 30, q).key);
    expect(passTime(o, 31).k).toBe('false');
  });
});

describe('obligations: the step times a progression holds for', () => {
  const notP = lit(0, false);
  // Makes a new F[<=30ms] deadline from the step time on every step.
  const triggered = (f: ReturnType<typeof lit>) => bounded('Gn', 0, bounded('Ft', 30, f));

  it('stay on the same side of every deadline compared with the step time', () => {
    // F[<=30ms] !p pending until 40: at 10 the step keeps it and adds nothing new.
    const o = junction('and', [bounded('Fd', 40, notP), triggered(notP)]);
    const { obligation, window } = progressWithin(o, [true], 10);
    expect(obligation.key).toBe(bounded('Fd', 40, notP).key);
    expect(withinWindow(window, 10)).toBe(true);
    expect(withinWindow(window, 40)).toBe(true);
    expect(withinWindow(window, 41)).toBe(false); // the deadline has gone by
    expect(withinWindow(window, 9)).toBe(false); // the new bound 9 + 30 would win over 40
  });

  it('shrink to the step time when a bound made from it equals a held one', () => {
    // At 0 the new F[<=0] deadline is the held one (both 0); at −40 it would be −40 instead.
    const o = junction('and', [bounded('Fd', 0, notP), bounded('Gn', 0, bounded('Ft', 0, notP))]);
    const { obligation, window } = progressWithin(o, [true], 0);
    expect(obligation.key).toBe(bounded('Fd', 0, notP).key);
    expect(progress(o, [true], -40).key).not.toBe(obligation.key);
    expect(withinWindow(window, -40)).toBe(false);
  });

  it('are tied to the step when its own new deadline stays', () => {
    const { window } = progressWithin(triggered(notP), [true], 5);
    expect(window.fresh).toBe(true);
    expect(withinWindow(window, 5)).toBe(false);
  });
});
