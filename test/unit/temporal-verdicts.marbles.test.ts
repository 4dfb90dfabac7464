import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { temporalVerdicts, type TemporalStep } from '../../monitor/index.ts';

const step = (props: string[], params: Record<string, unknown> = {}): TemporalStep => ({
  valuation: { atom: (name, args) => props.includes(args.length === 0 ? name : `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`), field: () => undefined },
  params,
});
const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const values = { r: step(['req']), a: step(['ack']), n: step([]) };

describe('time bounds on the monitor clock (marble tests)', () => {
  it('reports a missed deadline when the clock passes it, with no further step', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const source = hot('r---------', values);
      expectObservable(source.pipe(temporalVerdicts('G (req -> F[<=5ms] ack)', {}))).toBe('------v---', {
        v: { binding: {}, verdict: 'violated', semantics: 'LTL3', at: 6 },
      });
    });
  });

  it('reports nothing while the answer comes in time, and judges the finite trace at the end (LTLf)', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const source = hot('r--a-r-a--|', values);
      expectObservable(source.pipe(temporalVerdicts('G (req -> F[<=5ms] ack)'))).toBe('----------(s|)', {
        s: { binding: {}, verdict: 'satisfied', semantics: 'LTLf', at: 10 },
      });
    });
  });

  it('decides a G[<=t] bound as satisfied once the time is over, and F[<=t] at the end as violated', () => {
    scheduler().run(({ hot, expectObservable }) => {
      expectObservable(hot('n--n|', values).pipe(temporalVerdicts('G[<=2ms] !req'))).toBe('---s|', {
        s: { binding: {}, verdict: 'satisfied', semantics: 'LTL3', at: 3 },
      });
      expectObservable(hot('n-|', values).pipe(temporalVerdicts('F[<=5ms] ack'))).toBe('--(v|)', {
        v: { binding: {}, verdict: 'violated', semantics: 'LTLf', at: 2 },
      });
    });
  });

  it('keeps one timer per forall instance, each with its own deadline', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-b-------', { a: step(['open(1)'], { id: 1 }), b: step(['open(2)'], { id: 2 }) });
      expectObservable(source.pipe(temporalVerdicts('forall id: G (open(id) -> F[<=3ms] !open(id))'))).toBe('----x-y---', {
        x: { binding: { id: 1 }, verdict: 'violated', semantics: 'LTL3', at: 4 },
        y: { binding: { id: 2 }, verdict: 'violated', semantics: 'LTL3', at: 6 },
      });
    });
  });
});
