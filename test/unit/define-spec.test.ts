import { describe, expect, it } from 'vitest';
import {
  atom, attemptAction, brokenEndConditions, brokenInvariants, defineSpec, eventIs, forall, G, implies, isSpec, next, NO_NEXT_STATE, NO_SUCH_ACTION, O, parseProperty,
  SpecDefinitionError,
} from '../../properties/index.ts';

const counter = defineSpec<number, number>({
  name: 'counter',
  init: () => 0,
  local: () => 0,
  actions: {
    Add: {
      guards: { 'n is a number': ({ params }) => typeof params.n === 'number', 'n is positive': ({ params }) => (params.n as number) > 0 },
      effect: ({ state, local, params }) => next(state + (params.n as number), local + 1),
    },
    Fork: { effect: ({ state }) => [state + 1, state + 2] },
    Nothing: { effect: () => [] },
    Fragile: { guards: { 'reads a field': ({ params }) => (params.deep as { x: number }).x > 0 }, effect: ({ state }) => state },
  },
  invariants: { Small: (s) => s < 10, PerId: { forEach: 'id', holds: (s, id) => id !== 'bad' || s === 0 } },
  actionInvariants: { NeverDown: (before, _action, after) => after >= before },
  endConditions: { Even: (s) => s % 2 === 0 },
});
const act = (action: string, params: Record<string, unknown> = {}) => ({ proc: 'p', action, params });

describe('defineSpec', () => {
  it('marks a valid definition as a spec', () => {
    expect(isSpec(counter)).toBe(true);
    expect(isSpec({ name: 'x' })).toBe(false);
  });

  it('rejects a definition that cannot work, saying why', () => {
    expect(() => defineSpec({ name: '', init: () => 0, actions: { A: { effect: () => 0 } } })).toThrow(/name must be a non-empty string/);
    expect(() => defineSpec({ name: 'x', init: () => 0, actions: {} })).toThrow(/at least one action/);
    expect(() => defineSpec({ name: 'x', init: () => 0, actions: { A: {} as never } })).toThrow(/action A needs an effect/);
    expect(() => defineSpec({ name: 'x', init: () => 0, actions: { A: { guards: { g: 1 as never }, effect: () => 0 } } })).toThrow(SpecDefinitionError);
  });

  it('takes a property as text, as a formula built in code, or as forall(variable, formula), alike', () => {
    const base = { name: 'x', init: () => 0, actions: { A: { effect: () => 0 } }, predicates: { big: ({ state }: { state: number }) => state > 1 } };
    const text = defineSpec({ ...base, properties: { P: 'G (action == "A" -> O action == "B")', Q: 'forall id: G big(id)' } });
    const built = defineSpec({
      ...base,
      properties: { P: G(implies(eventIs('action', 'A'), O(eventIs('action', 'B')))), Q: forall('id', G(atom('big', 'id'))) },
    });
    expect(built.temporal.map((p) => [p.name, p.property])).toEqual(text.temporal.map((p) => [p.name, p.property]));
    expect(built.temporal[0]!.property).toEqual(parseProperty('G (action == "A" -> O action == "B")'));
  });

  it('rejects a property that is neither text nor a formula, naming it', () => {
    expect(() => defineSpec({ name: 'x', init: () => 0, actions: { A: { effect: () => 0 } }, properties: { P: { formula: 'G a' } as never } }))
      .toThrow(/property P must be formula text, a formula built with G, F, O, … or forall\(variable, formula\); got an object with fields \["formula"\]/);
    expect(() => defineSpec({ name: 'x', init: () => 0, actions: { A: { effect: () => 0 } }, properties: { P: 7 as never } })).toThrow(/property P .* got a number/);
  });
});

describe('attemptAction', () => {
  it('applies the effect when every guard holds, with the local state', () => {
    expect(attemptAction(counter, 1, 5, act('Add', { n: 2 }))).toEqual({ enabled: true, steps: [{ state: 3, local: 6 }] });
  });

  it('names the first false guard, in the order written', () => {
    expect(attemptAction(counter, 0, 0, act('Add', { n: 'x' }))).toEqual({ enabled: false, guard: 'n is a number' });
    expect(attemptAction(counter, 0, 0, act('Add', { n: -1 }))).toEqual({ enabled: false, guard: 'n is positive' });
  });

  it('treats a guard that throws on bad parameters as false, keeping the message', () => {
    expect(attemptAction(counter, 0, 0, act('Fragile', {}))).toMatchObject({ enabled: false, guard: 'reads a field', threw: expect.stringMatching(/undefined/) });
  });

  it('gives every next state of a nondeterministic action, and none when there is no choice', () => {
    expect(attemptAction(counter, 0, 0, act('Fork'))).toEqual({ enabled: true, steps: [{ state: 1, local: 0 }, { state: 2, local: 0 }] });
    expect(attemptAction(counter, 0, 0, act('Nothing'))).toEqual({ enabled: false, guard: NO_NEXT_STATE });
  });

  it('does not take an action the spec does not have, nor Object.prototype names', () => {
    expect(attemptAction(counter, 0, 0, act('Multiply'))).toEqual({ enabled: false, guard: NO_SUCH_ACTION });
    expect(attemptAction(counter, 0, 0, act('constructor'))).toEqual({ enabled: false, guard: NO_SUCH_ACTION });
  });
});

describe('invariants and end conditions', () => {
  it('checks state invariants, per-parameter invariants (for the value the action names), and action invariants', () => {
    expect(brokenInvariants(counter, 5, act('Add', { n: 6 }), 11)).toEqual(['Small']);
    expect(brokenInvariants(counter, 1, act('Add', { id: 'bad' }), 1)).toEqual(['PerId']);
    expect(brokenInvariants(counter, 1, act('Add', { id: 'good' }), 1)).toEqual([]);
    expect(brokenInvariants(counter, 3, act('Add'), 2)).toEqual(['NeverDown']);
  });

  it('judges end conditions on the final state', () => {
    expect(brokenEndConditions(counter, 3)).toEqual(['Even']);
    expect(brokenEndConditions(counter, 4)).toEqual([]);
  });
});
