import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, propagation, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { CLOCK_HEADER } from '../../instrumentation/clock-header.ts';
import { SpecClockPropagator, receivedClock, specwatchPropagator, type ClockCarrier } from '../../instrumentation/clock-propagator.ts';
import { mergeClocks, type VectorClock } from '../../instrumentation/vector-clock.ts';

/** A process clock in a few lines: what the propagator needs of a recorder. */
class FakeProcess implements ClockCarrier {
  current: VectorClock;
  readonly received: VectorClock[] = [];
  constructor(clock: VectorClock) {
    this.current = clock;
  }
  clock(): VectorClock {
    return this.current;
  }
  receive(clock: VectorClock): void {
    this.received.push(clock);
    this.current = mergeClocks(this.current, clock);
  }
}

const SAMPLED_SPAN = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });

describe('SpecClockPropagator', () => {
  it('injects the current clock into the header', () => {
    const headers: Record<string, string> = {};
    new SpecClockPropagator(new FakeProcess({ 'a@1': 3, 'b@2': 1 })).inject(ROOT_CONTEXT, headers, defaultTextMapSetter);
    expect(headers).toEqual({ [CLOCK_HEADER]: 'a@1=3,b@2=1' });
  });

  it('injects nothing when tracing is suppressed (the SDK exporting its own data)', () => {
    const headers: Record<string, string> = {};
    new SpecClockPropagator(new FakeProcess({ a: 3 })).inject(suppressTracing(ROOT_CONTEXT), headers, defaultTextMapSetter);
    expect(headers).toEqual({});
  });

  it('injects nothing for the empty clock', () => {
    const headers: Record<string, string> = {};
    new SpecClockPropagator(new FakeProcess({})).inject(ROOT_CONTEXT, headers, defaultTextMapSetter);
    expect(headers).toEqual({});
  });

  it('extract is a receive: the carried clock merges into the process clock', () => {
    const receiver = new FakeProcess({ b: 2, c: 1 });
    const context = new SpecClockPropagator(receiver).extract(ROOT_CONTEXT, { [CLOCK_HEADER]: 'a=3,b=1' }, defaultTextMapGetter);
    expect(receiver.received).toEqual([{ a: 3, b: 1 }]);
    expect(receiver.current).toEqual({ a: 3, b: 2, c: 1 });
    expect(receivedClock(context)).toEqual({ a: 3, b: 1 });
    expect(receivedClock(ROOT_CONTEXT)).toBeUndefined();
  });

  it('a clock goes from one process to another through inject and extract', () => {
    const sender = new FakeProcess({ sender: 5 });
    const receiver = new FakeProcess({ receiver: 1 });
    const headers: Record<string, string> = {};
    new SpecClockPropagator(sender).inject(ROOT_CONTEXT, headers, defaultTextMapSetter);
    new SpecClockPropagator(receiver).extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    expect(receiver.current).toEqual({ sender: 5, receiver: 1 });
  });

  it('reads Kafka header values handed through as Buffers, and the first of an array', () => {
    const receiver = new FakeProcess({});
    const propagator = new SpecClockPropagator(receiver);
    propagator.extract(ROOT_CONTEXT, { [CLOCK_HEADER]: Buffer.from('a=1') }, defaultTextMapGetter);
    propagator.extract(ROOT_CONTEXT, { [CLOCK_HEADER]: [Buffer.from('b=2'), Buffer.from('c=3')] }, defaultTextMapGetter);
    propagator.extract(ROOT_CONTEXT, { [CLOCK_HEADER]: ['d=4', 'e=5'] }, defaultTextMapGetter);
    expect(receiver.received).toEqual([{ a: 1 }, { b: 2 }, { d: 4 }]);
  });

  it('ignores a missing header and counts malformed ones without receiving', () => {
    const receiver = new FakeProcess({ a: 1 });
    const propagator = new SpecClockPropagator(receiver, { maxEntries: 2 });
    const before: Context = ROOT_CONTEXT.setValue(Symbol('unrelated'), 1);
    expect(propagator.extract(before, {}, defaultTextMapGetter)).toBe(before);
    for (const bad of ['a=-1', 'a=1,a=2', 'x=1,y=1,z=1', '%zz=1', Buffer.from([0xff, 0x3d, 0x31])]) {
      expect(propagator.extract(before, { [CLOCK_HEADER]: bad }, defaultTextMapGetter)).toBe(before);
    }
    expect(propagator.extract(before, { [CLOCK_HEADER]: 42 }, defaultTextMapGetter)).toBe(before);
    expect(receiver.received).toEqual([]);
    expect(propagator.rejected).toBe(5);
  });

  it('does not decode a huge Buffer past the length limit', () => {
    const receiver = new FakeProcess({});
    const propagator = new SpecClockPropagator(receiver, { maxLength: 8 });
    propagator.extract(ROOT_CONTEXT, { [CLOCK_HEADER]: Buffer.from('a=1,b=22') }, defaultTextMapGetter);
    propagator.extract(ROOT_CONTEXT, { [CLOCK_HEADER]: Buffer.from('a=1,b=222') }, defaultTextMapGetter);
    expect(receiver.received).toEqual([{ a: 1, b: 22 }]);
    expect(propagator.rejected).toBe(1);
  });

  it('a getter that finds headers case-insensitively is used as given', () => {
    const getter: TextMapGetter<Record<string, string>> = {
      keys: (carrier) => Object.keys(carrier),
      get: (carrier, key) => Object.entries(carrier).find(([k]) => k.toLowerCase() === key)?.[1],
    };
    const receiver = new FakeProcess({});
    new SpecClockPropagator(receiver).extract(ROOT_CONTEXT, { 'Specwatch-Clock': 'a=1' }, getter);
    expect(receiver.received).toEqual([{ a: 1 }]);
  });

  it('fields() names the header', () => {
    expect(new SpecClockPropagator(new FakeProcess({})).fields()).toEqual([CLOCK_HEADER]);
  });
});

describe('specwatchPropagator', () => {
  it('carries W3C trace context, baggage and the clock', () => {
    expect(specwatchPropagator(new FakeProcess({})).fields()).toEqual(expect.arrayContaining(['traceparent', 'tracestate', 'baggage', CLOCK_HEADER]));
  });

  it('injects and extracts all three together', () => {
    const sender = new FakeProcess({ s: 2 });
    const receiver = new FakeProcess({ r: 1 });
    const baggage = propagation.createBaggage({ tenant: { value: 't1' } });
    const sent = propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, SAMPLED_SPAN), baggage);
    const headers: Record<string, string> = {};
    specwatchPropagator(sender).inject(sent, headers, defaultTextMapSetter);
    expect(headers).toMatchObject({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', baggage: 'tenant=t1', [CLOCK_HEADER]: 's=2' });

    const got = specwatchPropagator(receiver).extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    expect(trace.getSpanContext(got)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(propagation.getBaggage(got)?.getEntry('tenant')?.value).toBe('t1');
    expect(receivedClock(got)).toEqual({ s: 2 });
    expect(receiver.current).toEqual({ s: 2, r: 1 });
  });

  it('a suppressed context carries neither trace context nor clock', () => {
    const headers: Record<string, string> = {};
    specwatchPropagator(new FakeProcess({ s: 2 })).inject(suppressTracing(trace.setSpan(ROOT_CONTEXT, SAMPLED_SPAN)), headers, defaultTextMapSetter);
    expect(headers).toEqual({});
  });
});
