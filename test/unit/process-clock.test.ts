import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProcessClock, type ClockCapture } from '../../instrumentation/process-clock.ts';
import { happenedBefore, mergeClocks } from '../../instrumentation/vector-clock.ts';
import type { VectorClock } from '../../instrumentation/vector-clock.ts';
import { propertyRuns } from '../support/property-runs.ts';

describe('ProcessClock', () => {
  it('counts its own events from 1 and snapshots them as plain copies', () => {
    const clock = new ProcessClock('a');
    expect(clock.seq).toBe(0);
    expect(clock.snapshot()).toEqual({});
    const first = clock.tick();
    const second = clock.tick();
    expect(first).toEqual({ a: 1 });
    expect(second).toEqual({ a: 2 });
    expect(clock.seq).toBe(2);
    expect(Object.getPrototypeOf(second)).toBe(Object.prototype);
  });

  it('merges component-wise and ticks on top of what it received', () => {
    const clock = new ProcessClock('a');
    clock.tick();
    clock.merge({ b: 3, c: 1 });
    clock.merge({ b: 2, c: 4 });
    expect(clock.tick()).toEqual({ a: 2, b: 3, c: 4 });
  });

  it('ignores entries no valid clock has', () => {
    const clock = new ProcessClock('a');
    clock.tick();
    clock.merge({ a: 7, b: -1, c: 1.5, d: Number.NaN, e: '3' as unknown as number, '': 2, ['x'.repeat(201)]: 1, f: 0 });
    expect(clock.snapshot()).toEqual({ a: 1 });
    expect(clock.seq).toBe(1);
    clock.merge(null as unknown as VectorClock);
    clock.merge(5 as unknown as VectorClock);
    expect(clock.tick()).toEqual({ a: 2 });
  });

  it('ignores inherited entries of the clock it receives', () => {
    const clock = new ProcessClock('a');
    clock.merge(Object.create({ b: 5 }) as VectorClock);
    expect(clock.tick()).toEqual({ a: 1 });
  });

  it('keeps processes named like Object.prototype members as own entries', () => {
    const proto = new ProcessClock('__proto__');
    const received: Record<string, number> = {};
    Object.defineProperty(received, 'constructor', { value: 2, enumerable: true });
    Object.defineProperty(received, 'hasOwnProperty', { value: 3, enumerable: true });
    proto.merge(received);
    const snapshot = proto.tick();
    expect(Object.getPrototypeOf(snapshot)).toBe(Object.prototype);
    expect(Object.hasOwn(snapshot, '__proto__')).toBe(true);
    const entries = (clock: VectorClock): Array<[string, number]> => Object.entries(clock).sort(([a], [b]) => a.localeCompare(b));
    expect(entries(snapshot)).toEqual([['__proto__', 1], ['constructor', 2], ['hasOwnProperty', 3]]);
    // A new "constructor" incarnation has no events yet: the 2 is not its own, so it is ignored.
    const other = new ProcessClock('constructor');
    other.merge(snapshot);
    expect(entries(other.tick())).toEqual([['__proto__', 1], ['constructor', 1], ['hasOwnProperty', 3]]);
  });

  it('gives the same snapshots once its key set is compiled, and after it changes', () => {
    const clock = new ProcessClock('__proto__');
    clock.merge({ constructor: 1 });
    const seen: VectorClock[] = [];
    // Enough ticks to pass the compile threshold, then a new key and again.
    for (let i = 0; i < 1000; i++) seen.push(clock.tick());
    clock.merge({ c: 9, constructor: 2 });
    for (let i = 0; i < 1000; i++) seen.push(clock.tick());
    expect(JSON.stringify(seen[999])).toBe('{"constructor":1,"__proto__":1000}');
    expect(JSON.stringify(seen[1999])).toBe('{"constructor":2,"__proto__":2000,"c":9}');
    seen.forEach((vc, i) => {
      expect(Object.getPrototypeOf(vc)).toBe(Object.prototype);
      expect(Object.hasOwn(vc, '__proto__') && vc['__proto__']).toBe(i + 1);
    });
  });
});

describe('ProcessClock captures', () => {
  it('build, later, the clock of their tick: after more ticks, merges, new keys and a compiled key set', () => {
    const clock = new ProcessClock('__proto__');
    clock.merge({ constructor: 1 });
    const early = clock.tickCaptured();
    const shared = clock.tickCaptured();
    clock.merge({ constructor: 2 });
    const afterMerge = clock.tickCaptured();
    clock.merge({ c: 9 });
    for (let i = 0; i < 1000; i++) clock.tick();
    const compiled = clock.tickCaptured();
    expect(shared.values).toBe(early.values); // no merge in between: nothing copied
    expect(JSON.stringify(clock.build(early))).toBe('{"constructor":1,"__proto__":1}');
    expect(JSON.stringify(clock.build(shared))).toBe('{"constructor":1,"__proto__":2}');
    expect(JSON.stringify(clock.build(afterMerge))).toBe('{"constructor":2,"__proto__":3}');
    expect(JSON.stringify(clock.build(compiled))).toBe('{"constructor":2,"__proto__":1004,"c":9}');
    expect(Object.getPrototypeOf(clock.build(compiled))).toBe(Object.prototype);
  });
});

/** One step of a simulated run: an event at a process, a send, or the receive of a message in flight. */
type Step = { kind: 'event'; at: number } | { kind: 'send'; from: number; to: number } | { kind: 'receive'; pick: number };

const NAMES = ['a', 'constructor', '__proto__', 'd@1'];
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('event' as const), at: fc.nat(NAMES.length - 1) }),
  fc.record({ kind: fc.constant('send' as const), from: fc.nat(NAMES.length - 1), to: fc.nat(NAMES.length - 1) }),
  fc.record({ kind: fc.constant('receive' as const), pick: fc.nat(100) }),
);

interface Simulated {
  /** Each recorded event's clock, by event index. */
  readonly clocks: VectorClock[];
  /** The reference: reach[e][f] iff a path of program-order and message edges leads from e to f. */
  readonly reach: boolean[][];
}

/**
 * Runs the schedule on ProcessClocks, checking every receive against mergeClocks, and builds the
 * happens-before graph over all steps (events, sends, receives) as Lamport defines it.
 */
function simulate(processes: number, steps: readonly Step[]): Simulated {
  const clocks = Array.from({ length: processes }, (_, p) => new ProcessClock(NAMES[p]!));
  // Graph nodes are steps; `last[p]` is p's latest node, for program order.
  const last: Array<number | undefined> = Array.from({ length: processes }, () => undefined);
  const edges: number[][] = [];
  const eventNode: number[] = [];
  const recorded: VectorClock[] = [];
  const inFlight: Array<{ to: number; clock: VectorClock; node: number }> = [];
  const deferred: Array<{ index: number; clock: ProcessClock; captured: ClockCapture; then: VectorClock }> = [];
  const node = (p: number): number => {
    const n = edges.length;
    edges.push([]);
    if (last[p] !== undefined) edges[last[p]!]!.push(n);
    last[p] = n;
    return n;
  };
  for (const s of steps) {
    if (s.kind === 'event') {
      eventNode.push(node(s.at % processes));
      const clock = clocks[s.at % processes]!;
      // Every other event is captured and built only at the end, after later ticks and merges.
      if (recorded.length % 2 === 0) recorded.push(clock.tick());
      else {
        const captured = clock.tickCaptured();
        deferred.push({ index: recorded.length, clock, captured, then: clock.snapshot() });
        recorded.push({});
      }
    } else if (s.kind === 'send') {
      const from = s.from % processes;
      inFlight.push({ to: s.to % processes, clock: clocks[from]!.snapshot(), node: node(from) });
    } else if (inFlight.length > 0) {
      const [message] = inFlight.splice(s.pick % inFlight.length, 1);
      const receiver = clocks[message!.to]!;
      const expected = mergeClocks(receiver.snapshot(), message!.clock);
      receiver.merge(message!.clock);
      expect(receiver.snapshot()).toEqual(expected);
      const n = node(message!.to);
      edges[message!.node]!.push(n);
    }
  }
  for (const { index, clock, captured, then } of deferred) {
    recorded[index] = clock.build(captured);
    expect(JSON.stringify(recorded[index]), 'a capture builds the clock of its tick').toBe(JSON.stringify(then));
  }
  // Transitive closure by a search from each event node.
  const reach = eventNode.map((from) => {
    const seen = new Set<number>();
    const stack = [...edges[from]!];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...edges[n]!);
    }
    return eventNode.map((to) => seen.has(to));
  });
  return { clocks: recorded, reach };
}

describe('ProcessClock against Lamport happens-before', () => {
  it('e → f in the clocks iff a path of program order and messages leads from e to f', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: NAMES.length }), fc.array(step, { maxLength: 60 }), (processes, steps) => {
        const { clocks, reach } = simulate(processes, steps);
        for (let e = 0; e < clocks.length; e++) {
          for (let f = 0; f < clocks.length; f++) {
            expect(happenedBefore(clocks[e]!, clocks[f]!), `event ${e} → event ${f}`).toBe(reach[e]![f]);
          }
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('detects a reference that disagrees (the property can fail)', () => {
    // Two events at different processes with a message between them, then one without.
    const { clocks, reach } = simulate(2, [
      { kind: 'event', at: 0 },
      { kind: 'send', from: 0, to: 1 },
      { kind: 'receive', pick: 0 },
      { kind: 'event', at: 1 },
      { kind: 'event', at: 0 },
    ]);
    expect(reach[0]![1]).toBe(true);
    expect(happenedBefore(clocks[0]!, clocks[1]!)).toBe(true);
    expect(reach[2]![1]).toBe(false);
    expect(happenedBefore(clocks[2]!, clocks[1]!)).toBe(false);
    expect(happenedBefore(clocks[1]!, clocks[2]!)).toBe(false);
  });
});
