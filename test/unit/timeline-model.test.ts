import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../../monitor/index.ts';
import {
  alertSlice, causalFuture, causalPast, causalSort, entitySlice, findAlert, messageArrows, parseParamFilter, projectClocks, timelineView,
} from '../../monitor/timeline/index.ts';
import { ev } from '../support/hand-events.ts';
import { REPO } from '../support/run-cli.ts';

const trace = (name: string): SpecEvent[] =>
  causalSort(readFileSync(`${REPO}examples/uploader/traces/${name}.ndjson`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SpecEvent));
const named = (events: readonly SpecEvent[], at: number): string => `${events[at]!.proc}#${events[at]!.seq}`;
const all = (events: readonly SpecEvent[]) => events.map((_, i) => i);

describe('message arrows', () => {
  it('recovers the messages of the edit race from the clocks, not the relayed ones', () => {
    const events = trace('edit-race.buggy');
    const projected = projectClocks(events, all(events));
    const arrows = messageArrows(projected).map((a) => `${named(events, a.from)} -> ${named(events, a.to)}`);
    // worker-1#5 learnt user-1#3 through worker-2#3: one arrow, from worker-2.
    expect(arrows.sort()).toEqual([
      'user-1@3f2a#1 -> worker-1@7f3a#1', 'user-1@3f2a#2 -> worker-1@7f3a#3', 'user-1@3f2a#3 -> worker-2@9b1c#1',
      'worker-1@7f3a#4 -> worker-2@9b1c#2', 'worker-2@9b1c#3 -> worker-1@7f3a#5',
    ]);
  });

  it('draws an arrow per sender when a receive merges two clocks', () => {
    const events = causalSort([ev('a', 1), ev('b', 1), ev('c', 1, { a: 1, b: 1 })]);
    expect(messageArrows(projectClocks(events, all(events))).map((a) => named(events, a.from)).sort()).toEqual(['a#1', 'b#1']);
  });
});

describe('projected clocks', () => {
  it('count only the subset, so seqs run 1, 2, 3 and every entry names a kept event', () => {
    const events = causalSort([ev('a', 1), ev('a', 2), ev('b', 1, { a: 2 }), ev('a', 3, { b: 1 }), ev('b', 2, { a: 3 })]);
    const keep = events.flatMap((e, i) => (e.seq === 1 && e.proc === 'a' ? [] : [i]));
    const projected = projectClocks(events, keep);
    expect(projected.map((p) => [p.proc, p.rank, { ...p.clock }])).toEqual([
      ['a', 1, { a: 1 }], ['b', 1, { a: 1, b: 1 }], ['a', 2, { a: 2, b: 1 }], ['b', 2, { a: 2, b: 2 }],
    ]);
  });

  it('accept a process called __proto__', () => {
    const events = causalSort([ev('__proto__', 1), ev('b', 1, { ['__proto__']: 1 })]);
    const projected = projectClocks(events, all(events));
    expect(Object.hasOwn(projected[1]!.clock, '__proto__')).toBe(true);
    expect(messageArrows(projected)).toEqual([{ from: 0, to: 1 }]);
  });
});

describe('causal cones and slices', () => {
  it('gives the causal past and future of an event', () => {
    const events = trace('edit-race.buggy');
    const pushEdit = events.findIndex((e) => e.proc === 'worker-1@7f3a' && e.seq === 5);
    expect(causalPast(events, pushEdit)).toHaveLength(10);
    expect(causalFuture(events, 0).map((i) => named(events, i))).not.toContain('user-1@3f2a#1');
    expect(causalFuture(events, pushEdit)).toEqual([]);
  });

  it('reads a filter as key = value, the value as JSON when it is JSON', () => {
    expect(parseParamFilter('id=1')).toEqual({ key: 'id', value: 1 });
    expect(parseParamFilter(' op = edit ')).toEqual({ key: 'op', value: 'edit' });
    expect(parseParamFilter('name = "a = b"')).toEqual({ key: 'name', value: 'a = b' });
    expect(parseParamFilter('id')).toBeUndefined();
    expect(parseParamFilter('id =')).toBeUndefined();
    const events = causalSort([ev('a', 1, {}, 'S', { id: 1 }), ev('a', 2, {}, 'S', { id: '1' }), ev('a', 3, {}, 'S', { other: 1 })]);
    expect(entitySlice(events, { key: 'id', value: 1 })).toEqual([0]);
  });

  it('cuts around an alert: its event and its causal history, or the entity of one judged at the end', () => {
    const events = trace('worker-crash.buggy');
    const atEnd: Alert = { type: 'alert', id: 'b1a7dcd68acf9c51', kind: 'property', verdict: 'violated', name: 'OrphansCleanedUp', binding: { id: 1 }, reason: '…' };
    expect(alertSlice(events, atEnd)).toEqual({ ok: true, indices: all(events) });
    const inputProblem: Alert = { type: 'alert', id: 'ffff0000', kind: 'gap', verdict: 'violated', name: 'gap', reason: 'gap: …' };
    expect(alertSlice(events, inputProblem)).toMatchObject({ ok: false, reason: expect.stringMatching(/names no event/) });
    const elsewhere: Alert = { ...atEnd, event: { proc: 'nobody', seq: 1, action: 'X', params: {} } };
    expect(alertSlice(events, elsewhere)).toMatchObject({ ok: false, reason: expect.stringMatching(/nobody#1 is not among/) });
    expect(() => timelineView({ events, alerts: [elsewhere], sources: [] }, { around: elsewhere })).toThrow(/cannot cut around/);
  });

  it('finds an alert by its id or a unique prefix of 4 characters or more', () => {
    const alerts = ['80ce2f8e47a72487', '80cf000000000000', '96c5ca552ba9baef'].map((id): Alert => ({ type: 'alert', id, kind: 'property', verdict: 'violated', name: 'P', reason: '' }));
    expect(findAlert(alerts, '96c5')?.id).toBe('96c5ca552ba9baef');
    expect(findAlert(alerts, '80c')).toBeUndefined();
    expect(findAlert(alerts, '80ce')?.id).toBe('80ce2f8e47a72487');
    expect(findAlert(alerts, 'beef')).toBeUndefined();
  });
});
