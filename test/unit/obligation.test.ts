import { describe, expect, it } from 'vitest';
import { bounded, junction, lit, passTime, progress } from '../../properties/temporal/obligation.ts';

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
