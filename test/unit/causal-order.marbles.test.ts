import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { causalOrder, decodeEvent, type DeliveredEvent, type GapDiagnostic, type ReceivedEvent } from '../../monitor/index.ts';
import { ev } from '../support/hand-events.ts';

const received = (e: ReturnType<typeof ev>): ReceivedEvent => {
  const item = decodeEvent(JSON.stringify(e), { source: 'marbles' });
  if (item.type !== 'event') throw new Error('test event must decode');
  return item;
};
const delivered = (r: ReceivedEvent, afterGap = false): DeliveredEvent => ({ type: 'delivered', event: r.event, origin: r.origin, afterGap, text: r.text });
const gap = (proc: string, fromSeq: number, toSeq: number, neededBy: [string, number]): GapDiagnostic => ({
  type: 'diagnostic', kind: 'gap', proc, fromSeq, toSeq, neededBy: { proc: neededBy[0], seq: neededBy[1] }, cause: 'timeout',
});

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const p1 = received(ev('p', 1));
const p2 = received(ev('p', 2));
const p3 = received(ev('p', 3));
const a1 = received(ev('a', 1));
const b1 = received(ev('b', 1));

describe('causalOrder timing (marble tests)', () => {
  it('reports a gap exactly holdTimeout after the blocked event arrived, then releases it', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-c--------', { a: p1, c: p3 });
      expectObservable(source.pipe(causalOrder({ settle: 0, holdTimeout: 5 }))).toBe('a------(gc)', {
        a: delivered(p1), g: gap('p', 2, 2, ['p', 3]), c: delivered(p3, true),
      });
    });
  });

  it('reports no gap when the missing event arrives in time', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-c-b------', { a: p1, b: p2, c: p3 });
      expectObservable(source.pipe(causalOrder({ settle: 0, holdTimeout: 5 }))).toBe('a---(bc)', {
        a: delivered(p1), b: delivered(p2), c: delivered(p3),
      });
    });
  });

  it('lets a ready event wait `settle` for events that sort before it', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('y-x------', { x: a1, y: b1 });
      expectObservable(source.pipe(causalOrder({ settle: 3 }))).toBe('---(xy)', { x: delivered(a1), y: delivered(b1) });
    });
  });

  it('lets each ready event wait `settle` from its own arrival, so a later one that sorts first may overtake it', () => {
    const c1 = received(ev('c', 1));
    testScheduler().run(({ hot, expectObservable }) => {
      // y leaves at 3; x, which arrived at 2, waits until 5, and z (arrived at 4, sorts first) goes before it.
      const source = hot('y-x-z----', { y: a1, x: c1, z: b1 });
      expectObservable(source.pipe(causalOrder({ settle: 3 }))).toBe('---y-(zx)', { y: delivered(a1), x: delivered(c1), z: delivered(b1) });
    });
  });

  it('delivers at once with settle 0, in arrival order for concurrent events', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('y-x', { x: a1, y: b1 });
      expectObservable(source.pipe(causalOrder({ settle: 0 }))).toBe('y-x', { x: delivered(a1), y: delivered(b1) });
    });
  });

  it('holds until the end of input by default, then delivers in the stable order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('yx|', { x: a1, y: b1 });
      expectObservable(source.pipe(causalOrder())).toBe('--(xy|)', { x: delivered(a1), y: delivered(b1) });
    });
  });

  it('cancels its timers on unsubscribe: no gap after teardown', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-c--------', { a: p1, c: p3 });
      expectObservable(source.pipe(causalOrder({ settle: 0, holdTimeout: 5 })), '^---!').toBe('a', { a: delivered(p1) });
    });
  });

  it('passes an upstream error downstream', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#', { a: p1 }, new Error('broker gone'));
      expectObservable(source.pipe(causalOrder({ settle: 0 }))).toBe('a-#', { a: delivered(p1) }, new Error('broker gone'));
    });
  });
});
