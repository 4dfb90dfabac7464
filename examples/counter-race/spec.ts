// The talk's race: global x = 1; one agent does x := x + 1, another x := x * 2, either atomically
// or through a local tmp (read, then write), so the order of concurrent steps decides x.
import { defineSpec, next } from '../../properties/index.ts';

/** tmp: the value a process read and has not written back yet (PlusCal's `local tmp`). */
type Tmp = number | null;

export default defineSpec<number, Tmp>({
  name: 'counter-race',
  init: () => 1,
  local: () => null,
  actions: {
    Increment: { effect: ({ state }) => state + 1 },
    Double: { effect: ({ state }) => state * 2 },
    Read: {
      guards: { 'holds no value read earlier': ({ local }) => local === null },
      effect: ({ state }) => next(state, state),
    },
    WriteIncrement: {
      guards: { 'has read x': ({ local }) => local !== null },
      effect: ({ local }) => next((local ?? 0) + 1, null),
    },
    WriteDouble: {
      guards: { 'has read x': ({ local }) => local !== null },
      effect: ({ local }) => next((local ?? 0) * 2, null),
    },
    /** A process observed x: the observation must match. */
    Observe: {
      guards: { 'x has the observed value': ({ state, params }) => state === params.x },
      effect: ({ state }) => state,
    },
    /** Nondeterministic: x becomes 0 or 10 (the talk's `either x := 0 or x := 10`). */
    Reset: { effect: () => [0, 10] },
  },
  invariants: { XIsNeverThree: (x) => x !== 3 },
  endConditions: { XEndsAtFour: (x) => x === 4 },
});
