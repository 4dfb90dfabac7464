import { readFileSync } from 'node:fs';
import { Subject, from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import counterRace from '../../examples/counter-race/spec.ts';
import uploader, { uploaderSpec } from '../../examples/uploader/spec.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { checkConformance, decodeEvent, causalOrder, type Alert, type CheckItem, type CheckSummary, type ConformanceOptions, type OrderedItem } from '../../monitor/index.ts';
import { attemptAction, defineSpec, type Spec } from '../../properties/index.ts';
import { Set as ImmutableSet } from 'immutable';
import { ev } from '../support/hand-events.ts';
import { deliveredEvents, orderEvents } from '../support/run-order.ts';
import { REPO } from '../support/run-cli.ts';

function check<S, L>(spec: Spec<S, L>, events: readonly SpecEvent[], options: ConformanceOptions = {}): { alerts: Alert[]; summary: CheckSummary } {
  const items: CheckItem[] = [];
  from(orderEvents(events)).pipe(checkConformance(spec, options)).subscribe((i) => items.push(i));
  return { alerts: items.filter((i): i is Alert => i.type === 'alert'), summary: items.find((i): i is CheckSummary => i.type === 'summary')! };
}
const byHand = (name: string): SpecEvent[] =>
  readFileSync(`${REPO}examples/traces/uploader-by-hand/${name}.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SpecEvent);

describe('checkConformance on traces written by hand', () => {
  it('raises no false alarm when concurrent events must be reordered to explain the trace', () => {
    // The worker read the upload (version 1) before the user's concurrent edit: delivery order
    // puts the edit first, and only the other order explains CreateContent of version 1.
    const events = byHand('reorder-needed');
    expect(check(uploader, events).alerts).toEqual([]);
    // The test means something only if the delivery order itself fails.
    let state = uploader.init();
    let local = uploader.local!();
    const verdicts = deliveredEvents(orderEvents(events)).map((e) => {
      const attempt = attemptAction(uploader, state, local, e);
      if (attempt.enabled) ({ state, local } = attempt.steps[0]!);
      return attempt.enabled;
    });
    expect(verdicts).toContain(false);
  });

  it('names the event, the action, the false guard, the state met and the causal history when no order works', () => {
    const { alerts } = check(uploader, byHand('no-order-works'));
    expect(alerts[0]).toMatchObject({
      kind: 'nonconformance', verdict: 'violated', name: 'CreateContent', guard: 'version is the upload version',
      event: { proc: 'worker-1@7f3a', seq: 2 }, state: { uploads: { '1': 1 } },
      history: [{ action: 'Create' }, { action: 'Receive' }],
    });
  });

  it('waits for a later concurrent event that enables an earlier one', () => {
    // b's Observe(2) arrives first in delivery order but only holds after a's Increment.
    const { alerts } = check(counterRace, [ev('b', 1, {}, 'Observe', { x: 2 }), ev('a', 1, {}, 'Increment'), ev('a', 2, {}, 'Double')], { maxConfigurations: 1000 });
    expect(alerts.filter((a) => a.kind === 'nonconformance')).toEqual([]);
  });

  it('judges a waiting event once a window of events waits behind it, not only when the input ends', () => {
    // u#2 can never be taken (no version 5), and every later event of u is causally after it.
    const events = [ev('u', 1, {}, 'Create', { id: 1, version: 1 }), ev('u', 2, {}, 'Edit', { id: 1, version: 5 })];
    for (let seq = 3; seq <= 60; seq++) events.push(ev('u', seq, {}, 'Create', { id: seq, version: 1 }));
    const items: CheckItem[] = [];
    const input = new Subject<OrderedItem>();
    input.pipe(checkConformance(uploader, { reorderWindow: 40 })).subscribe((i) => items.push(i));
    for (const item of orderEvents(events)) input.next(item);
    // Still running: the nonconformance is out, and the events behind it were judged too.
    expect(items.filter((i) => i.type === 'alert').map((a) => (a as Alert).event?.seq)).toEqual([2]);
    input.complete();
    expect((items.at(-1) as CheckSummary).events).toBe(60);
  });

  it('names the same guard and state whatever the arrival order when explanations fail differently', () => {
    // After A and B (concurrent) x is 2 in one order and 1 in the other; C fails g1 or g2 accordingly.
    const last = defineSpec<number>({
      name: 'last-writer',
      init: () => 0,
      actions: {
        A: { effect: () => 1 },
        B: { effect: () => 2 },
        C: { guards: { 'g1: x is not 1': ({ state }) => state !== 1, 'g2: x is not 2': ({ state }) => state !== 2 }, effect: ({ state }) => state },
      },
    });
    const a = ev('a', 1, {}, 'A');
    const b = ev('b', 1, {}, 'B');
    const c = ev('c', 1, { a: 1, b: 1 }, 'C');
    const reports = [[a, b, c], [b, a, c]].map((events) => check(last, events).alerts);
    expect(reports[0]).toHaveLength(1);
    expect(reports[0]![0]).toMatchObject({ guard: 'g1: x is not 1' });
    expect(reports[1]).toEqual(reports[0]);
  });

  it('reports a forEach invariant once per value it is broken for, not once per name', () => {
    const marks = defineSpec<Readonly<Record<string, boolean>>>({
      name: 'marks',
      init: () => ({}),
      actions: { Mark: { effect: ({ state, params }) => ({ ...state, [String(params.id)]: true }) } },
      invariants: { NeverMarked: { forEach: 'id', holds: (state, id) => state[String(id)] !== true } },
    });
    const { alerts } = check(marks, [ev('p', 1, {}, 'Mark', { id: 1 }), ev('p', 2, {}, 'Mark', { id: 2 }), ev('p', 3, {}, 'Mark', { id: 1 })]);
    expect(alerts.map((a) => [a.kind, a.name, a.binding])).toEqual([['invariant', 'NeverMarked', { id: 1 }], ['invariant', 'NeverMarked', { id: 2 }]]);
  });

  it('shows the state right after the event that broke an invariant, not the state when it was reported', () => {
    const marks = defineSpec<Readonly<Record<string, boolean>>>({
      name: 'marks',
      init: () => ({}),
      actions: {
        Mark: { effect: ({ state, params }) => ({ ...state, [String(params.id)]: true }) },
        Unmark: { effect: ({ state, params }) => ({ ...state, [String(params.id)]: false }) },
      },
      invariants: { NeverMarked: { forEach: 'id', holds: (state, id) => state[String(id)] !== true } },
    });
    const events = [ev('p', 1, {}, 'Mark', { id: 1 }), ev('p', 2, {}, 'Unmark', { id: 1 }), ...Array.from({ length: 30 }, (_, i) => ev('q', i + 1, {}, 'Unmark', { id: 2 }))];
    // Reported at the end of the trace and, with a small window, while it goes on: both long after the break.
    for (const options of [{}, { reorderWindow: 8 }]) {
      const invariant = check(marks, events, options).alerts.find((a) => a.kind === 'invariant');
      expect(invariant?.event).toMatchObject({ proc: 'p', seq: 1 });
      expect(invariant?.state).toEqual({ 1: true });
    }
  });

  it('takes events together without an unrelated waiting event that no order enables, whatever its name or arrival', () => {
    // Inc, Inc, Lock conforms (Lock needs n ≠ 1, Inc needs the lock open); Bad is never enabled.
    const locking = defineSpec<{ n: number; locked: boolean }>({
      name: 'locking',
      init: () => ({ n: 0, locked: false }),
      actions: {
        Lock: { guards: { 'n is not 1': ({ state }) => state.n !== 1 }, effect: ({ state }) => ({ ...state, locked: true }) },
        Inc: { guards: { 'not locked': ({ state }) => !state.locked }, effect: ({ state }) => ({ ...state, n: state.n + 1 }) },
        Bad: { guards: { never: () => false }, effect: ({ state }) => state },
      },
    });
    for (const bad of ['0', 'd']) {
      const { alerts } = check(locking, [ev('a', 1, {}, 'Lock'), ev('b', 1, {}, 'Inc'), ev('c', 1, {}, 'Inc'), ev(bad, 1, {}, 'Bad')]);
      expect(alerts.map((a) => [a.event?.proc, a.name, a.verdict])).toEqual([[bad, 'Bad', 'violated']]);
    }
  });

  it('keeps a violation violated when more events wait on it than are taken together', () => {
    const counting = defineSpec<{ n: number }>({
      name: 'counting',
      init: () => ({ n: 0 }),
      actions: { Inc: { effect: ({ state }) => ({ n: state.n + 1 }) }, Bad: { guards: { never: () => false }, effect: ({ state }) => state } },
    });
    // Every Inc of p waits on p's Bad: 100 of them, more than a block takes.
    const events = [ev('p', 1, {}, 'Bad'), ...Array.from({ length: 100 }, (_, i) => ev('p', i + 2, {}, 'Inc')), ev('q', 1, {}, 'Bad')];
    const { alerts } = check(counting, events);
    expect(alerts.map((a) => [a.event?.proc, a.name, a.verdict])).toEqual([['p', 'Bad', 'violated'], ['q', 'Bad', 'violated']]);
  });

  it('moves an accepted event after a later one when the two are further apart than the exact search window', () => {
    // Only b's Create 1, b's Delete 1, a's Create 1 explains the trace; 20 uploads of other ids
    // by c lie between a's Create and b's, beyond the last 16 steps.
    const fillers = Array.from({ length: 20 }, (_, i) => ev('c', i + 1, {}, 'Create', { id: i + 2, version: 1 }));
    const events = [ev('a', 1, {}, 'Create', { id: 1, version: 1 }), ...fillers, ev('b', 1, {}, 'Create', { id: 1, version: 1 }), ev('b', 2, {}, 'Delete', { id: 1 })];
    expect(check(uploader, events).alerts.filter((a) => a.kind === 'nonconformance')).toEqual([]);
    // A window that holds them all finds the order too.
    expect(check(uploader, events, { searchWindow: 32 }).alerts.filter((a) => a.kind === 'nonconformance')).toEqual([]);
    // A third Create of id 1 fits no order: still a violation.
    expect(check(uploader, [...events, ev('b', 3, {}, 'Create', { id: 1, version: 1 })]).alerts.filter((a) => a.kind === 'nonconformance').map((a) => [a.event?.proc, a.event?.seq, a.verdict])).toEqual([['b', 1, 'violated']]);
  });

  it('reports an invariant only when every explanation breaks it', () => {
    // x := x + 1 and x := x * 2 race; with no observation both orders explain the trace, and only one passes x = 3.
    const free = check(counterRace, [ev('a', 1, {}, 'Increment'), ev('b', 1, {}, 'Double')]);
    expect(free.alerts.filter((a) => a.kind === 'invariant')).toEqual([]);
    // An observation of 3 leaves only Double-then-Increment, which passes x = 3.
    const pinned = check(counterRace, [ev('a', 1, {}, 'Increment'), ev('b', 1, {}, 'Double'), ev('c', 1, { a: 1, b: 1 }, 'Observe', { x: 3 })]);
    expect(pinned.alerts.filter((a) => a.kind === 'invariant').map((a) => a.name)).toEqual(['XIsNeverThree']);
  });

  it('says inconclusive, with the reason, when the bound cut the exploration short', () => {
    const wide = [...Array.from({ length: 8 }, (_, i) => ev(`p${i}`, 1, {}, 'Increment')), ev('q', 1, Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`p${i}`, 1])), 'Observe', { x: 9 })];
    const { alerts } = check(counterRace, wide, { maxConfigurations: 1 });
    expect(alerts.map((a) => a.verdict)).toEqual(['inconclusive', 'inconclusive']);
    expect(alerts[0]!.reason).toMatch(/not every order was explored/);
    expect(check(counterRace, wide, { maxConfigurations: 4 }).alerts.map((a) => a.verdict)).toEqual(['violated', 'violated']);
  });

  it('gives the same alerts, ids included, whatever the arrival order', () => {
    const events = readFileSync(`${REPO}examples/uploader/traces/edit-race.buggy.ndjson`, 'utf8').trim().split('\n');
    const run = (lines: string[]) => {
      const items: CheckItem[] = [];
      from(lines.map((l, i) => decodeEvent(l, { source: 't', line: i + 1 }))).pipe(causalOrder(), checkConformance(uploader)).subscribe((i) => items.push(i));
      return items.filter((i) => i.type === 'alert');
    };
    const reference = run(events);
    expect(reference.length).toBeGreaterThan(0);
    for (const rotate of [1, 3, 7]) expect(run([...events.slice(rotate), ...events.slice(0, rotate)].reverse())).toEqual(reference);
  });
});

describe('temporal properties in check', () => {
  const timed = (e: SpecEvent, time: number): SpecEvent => ({ ...e, time });
  // Upload 1 is created, handled, deleted; no worker ever removes its content.
  const orphaned = [
    timed(ev('u', 1, {}, 'Create', { id: 1, version: 1 }), 0),
    timed(ev('w', 1, { u: 1 }, 'Receive', { id: 1, op: 'create' }), 10),
    timed(ev('w', 2, { u: 1 }, 'CreateContent', { id: 1, version: 1 }), 20),
    timed(ev('u', 2, { w: 2 }, 'Delete', { id: 1 }), 30),
  ];
  // Then a user creates 300 other uploads over the next minutes, each one handled.
  const later = Array.from({ length: 300 }, (_, i) => timed(ev('v', i + 1, {}, 'Create', { id: 100 + i, version: 1 }), 2000 + 1000 * i));

  it('decides a missed deadline online (LTL3) from the events\' time, while the trace goes on', () => {
    const { alerts } = check(uploaderSpec('1s'), [...orphaned, ...later], { reorderWindow: 50 });
    const orphan = alerts.find((a) => a.name === 'OrphansCleanedUp');
    expect(orphan).toMatchObject({ kind: 'property', verdict: 'violated', semantics: 'LTL3', binding: { id: 1 } });
    expect(orphan!.reason).toMatch(/time bounds use the events' time field/);
  });

  it('joins explanations without starting an instance that neither of them has', () => {
    // P1 has an instance for r = 1 (after a); P2 has none on either order, but is violated in
    // one. The joined row must not hold a fresh P2 that the end of the trace would then judge.
    const spec = defineSpec<ImmutableSet<unknown>>({
      name: 'join', init: () => ImmutableSet(),
      actions: { a: { effect: ({ state, params }) => state.add(params.r) }, b: { effect: ({ state }) => state } },
      predicates: { started: ({ state }, r) => state.has(r) },
      properties: { P1: 'forall r: G (action == "a" -> F[<=1000] action == "c")', P2: 'forall r: action != "b" | started(r)' },
    });
    const { alerts } = check(spec, [timed(ev('p1', 1, {}, 'a', { r: 1 }), 10), timed(ev('p2', 1, {}, 'b', { r: 1 }), 20)], { maxConfigurations: 1000 });
    expect(alerts.map((a) => [a.name, a.semantics])).toEqual([['P1', 'LTLf']]);
  });

  it('lists what the end of the trace violates in the spec\'s order of properties, timed or not', () => {
    // A and C have a bound in ms, B has none: the checker steps them in different groups.
    const spec = defineSpec<null>({
      name: 'order', init: () => null,
      actions: { a: { effect: ({ state }) => state } },
      properties: {
        A: 'forall r: G (action == "a" -> F[<=1000] action == "c")',
        B: 'forall r: G (action == "a" -> F action == "c")',
        C: 'forall r: G (action == "a" -> F[<=2000] action == "c")',
      },
    });
    const { alerts } = check(spec, [timed(ev('p', 1, {}, 'a', { r: 1 }), 10)]);
    expect(alerts.map((a) => [a.name, a.semantics])).toEqual([['A', 'LTLf'], ['B', 'LTLf'], ['C', 'LTLf']]);
  });

  it('judges what is still pending when the trace ends on the finite trace (LTLf)', () => {
    const { alerts } = check(uploaderSpec('1h'), orphaned);
    expect(alerts.filter((a) => a.kind === 'property').map((a) => [a.name, a.semantics]).sort()).toEqual([
      ['MessagesHandled', 'LTLf'], ['OrphansCleanedUp', 'LTLf'],
    ]);
  });
});
