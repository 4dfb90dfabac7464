import { describe, expect, it } from 'vitest';
import { Subject, from } from 'rxjs';
import { causalOrder, decodeEvent, type DecodedItem, type OrderedItem } from '../../monitor/index.ts';
import { diagnosticAlert } from '../../monitor/alerts.ts';
import { describeDiagnostic } from '../../monitor/describe-diagnostic.ts';
import { ev } from '../support/hand-events.ts';
import { deliveredEvents, idOf, orderEvents } from '../support/run-order.ts';

const ids = (items: readonly OrderedItem[]) => deliveredEvents(items).map(idOf);
const kinds = (items: readonly OrderedItem[]) => items.flatMap((i) => (i.type === 'diagnostic' ? [i.kind] : []));

describe('causalOrder', () => {
  it('puts a receive after its send whatever the arrival order', () => {
    const send = ev('a', 1);
    const receive = ev('b', 1, { a: 1 });
    expect(ids(orderEvents([receive, send]))).toEqual(['a#1', 'b#1']);
    expect(ids(orderEvents([send, receive]))).toEqual(['a#1', 'b#1']);
  });

  it('orders concurrent events by clock sum, then proc, then seq', () => {
    const items = orderEvents([ev('b', 1), ev('a', 2), ev('a', 1), ev('c', 1, { a: 2 })]);
    expect(ids(items)).toEqual(['a#1', 'b#1', 'a#2', 'c#1']);
  });

  it('orders ready events by time first, but never before their causal past', () => {
    // c's wall clock is behind: its time sorts first, yet it must follow a, which it heard from.
    const at = (time: number, e: ReturnType<typeof ev>) => ({ ...e, time });
    const items = orderEvents([at(5, ev('a', 1)), at(1, ev('b', 1)), at(0, ev('c', 1, { a: 1 })), ev('d', 1)]);
    expect(ids(items)).toEqual(['d#1', 'b#1', 'a#1', 'c#1']);
  });

  it('drops an identical duplicate and counts it', () => {
    const items = orderEvents([ev('a', 1), ev('a', 1), ev('a', 2), ev('a', 1)]);
    expect(ids(items)).toEqual(['a#1', 'a#2']);
    expect(kinds(items)).toEqual(['duplicate', 'duplicate']);
  });

  it('treats the same content with keys in another order as a duplicate', () => {
    const items = from([
      decodeEvent('{"sw":1,"proc":"a","seq":1,"vc":{"a":1},"action":"X","params":{"x":1,"y":2}}', { source: 'f', line: 1 }),
      decodeEvent('{"params":{"y":2,"x":1},"action":"X","vc":{"a":1},"seq":1,"proc":"a","sw":1}', { source: 'f', line: 2 }),
    ]);
    const out: OrderedItem[] = [];
    items.pipe(causalOrder()).subscribe((i) => out.push(i));
    expect(kinds(out)).toEqual(['duplicate']);
  });

  it('reports a conflict, keeps one copy by content whatever arrived first, and names the field', () => {
    const one = ev('a', 1, {}, 'Step', { v: 1 });
    const other = ev('a', 1, {}, 'Step', { v: 2 });
    const forward = orderEvents([one, other]);
    const backward = orderEvents([other, one]);
    expect(deliveredEvents(forward)).toEqual(deliveredEvents(backward));
    const conflict = forward.find((i) => i.type === 'diagnostic' && i.kind === 'conflict');
    expect(conflict).toMatchObject({ proc: 'a', seq: 1, fields: ['params'] });
  });

  it('reports a conflict with an event already delivered, keeping the delivered one', () => {
    const items = orderEvents([ev('a', 1, {}, 'Step', { v: 1 }), ev('a', 1, {}, 'Step', { v: 2 })], { settle: 0 });
    expect(deliveredEvents(items)[0]!.params).toEqual({ v: 1 });
    expect(kinds(items)).toEqual(['conflict']);
  });

  it('reports a missing event as a gap naming proc and seq range, then releases what waited', () => {
    const items = orderEvents([ev('a', 1), ev('a', 4), ev('b', 1, { a: 4 })]);
    const gap = items.find((i) => i.type === 'diagnostic' && i.kind === 'gap');
    expect(gap).toMatchObject({ proc: 'a', fromSeq: 2, toSeq: 3, neededBy: { proc: 'a', seq: 4 }, cause: 'end-of-input' });
    expect(ids(items)).toEqual(['a#1', 'a#4', 'b#1']);
    expect(items.filter((i) => i.type === 'delivered').map((i) => (i.type === 'delivered' ? i.afterGap : null))).toEqual([false, true, true]);
  });

  it('reports events another process received from but that never arrived', () => {
    const items = orderEvents([ev('b', 1, { ghost: 2 })]);
    expect(items[0]).toMatchObject({ kind: 'gap', proc: 'ghost', fromSeq: 1, toSeq: 2, neededBy: { proc: 'b', seq: 1 } });
    expect(ids(items)).toEqual(['b#1']);
  });

  it('rejects a clock that goes backwards as malformed', () => {
    const items = orderEvents([ev('a', 1, { b: 3 }), ev('a', 2, { b: 1 }), ev('b', 1), ev('b', 2), ev('b', 3)]);
    const bad = items.find((i) => i.type === 'diagnostic' && i.kind === 'malformed');
    expect(bad).toMatchObject({ proc: 'a', seq: 2, field: 'vc["b"]' });
    expect(bad?.type === 'diagnostic' && bad.kind === 'malformed' ? bad.got : '').toMatch(/regression/);
    expect(ids(items)).toEqual(['b#1', 'b#2', 'b#3', 'a#1']);
  });

  it('breaks a cycle of clocks by rejecting one event, never waiting forever', () => {
    const items = orderEvents([ev('a', 1, { b: 1 }), ev('b', 1, { a: 1 })]);
    expect(kinds(items)).toEqual(['malformed']);
    expect(ids(items)).toHaveLength(1);
  });

  it('reports an event arriving after its gap was declared as late, not delivered', () => {
    // Two blocked events over a limit of one: a#1 is declared lost, then turns up.
    const items = orderEvents([ev('a', 2), ev('b', 2), ev('a', 1)], { maxHeld: 1 });
    expect(items.filter((i) => i.type === 'diagnostic')).toMatchObject([
      { kind: 'gap', proc: 'a', fromSeq: 1, toSeq: 1, cause: 'held-limit' },
      { kind: 'late', proc: 'a', seq: 1 },
      { kind: 'gap', proc: 'b', fromSeq: 1, toSeq: 1, cause: 'end-of-input' },
    ]);
    expect(ids(items)).toEqual(['a#2', 'b#2']);
  });

  it('never holds more than maxHeld events', () => {
    // b#1 never comes, so every b event blocks; the limit forces the gap instead of growing.
    const maxHeld = 5;
    const input = new Subject<DecodedItem>();
    const out: OrderedItem[] = [];
    input.pipe(causalOrder({ maxHeld })).subscribe((item) => out.push(item));
    const events = [ev('a', 1), ...Array.from({ length: 50 }, (_, i) => ev('b', i + 2, { a: 1 }))];
    events.forEach((e, i) => {
      input.next(decodeEvent(JSON.stringify(e), { source: 't', line: i + 1 }));
      const held = i + 1 - out.filter((o) => o.type === 'delivered').length;
      expect(held).toBeLessThanOrEqual(maxHeld);
    });
    input.complete();
    expect(kinds(out)).toEqual(['gap']);
    expect(ids(out)).toHaveLength(51);
  });

  it('passes decoding diagnostics straight through', () => {
    const out: OrderedItem[] = [];
    from([decodeEvent('nope', { source: 'f', line: 3 })]).pipe(causalOrder()).subscribe((i) => out.push(i));
    expect(out).toMatchObject([{ kind: 'malformed', origin: { source: 'f', line: 3 } }]);
  });

  it('rejects nonsense options at construction', () => {
    expect(() => causalOrder({ maxHeld: 0 })).toThrow(/maxHeld/);
    expect(() => causalOrder({ settle: -1 })).toThrow(/settle/);
  });
});

describe('causalOrder conflict details', () => {
  it('names only the fields that really differ, whatever the key order inside them', () => {
    const items = from([
      decodeEvent('{"sw":1,"proc":"a","seq":1,"vc":{"a":1},"action":"X","params":{"x":1,"y":2},"service":"s1"}', { source: 'f', line: 1 }),
      decodeEvent('{"sw":1,"proc":"a","seq":1,"vc":{"a":1},"action":"X","params":{"y":2,"x":1},"service":"s2"}', { source: 'f', line: 2 }),
    ]);
    const out: OrderedItem[] = [];
    items.pipe(causalOrder()).subscribe((i) => out.push(i));
    expect(out.find((i) => i.type === 'diagnostic')).toMatchObject({ kind: 'conflict', fields: ['service'] });
  });

  it('names the copy it drops: when the held copy gives way to a smaller text, the held one', () => {
    // The same content: the second line's text sorts first, so it is kept and line 1 is dropped.
    const items = from([
      decodeEvent('{"sw":1,"proc":"a","seq":2,"vc":{"a":2},"action":"X"}', { source: 'f', line: 1 }),
      decodeEvent('{"action":"X","sw":1,"proc":"a","seq":2,"vc":{"a":2}}', { source: 'f', line: 2 }),
      decodeEvent('{"sw":1,"proc":"a","seq":1,"vc":{"a":1},"action":"X"}', { source: 'f', line: 3 }),
    ]);
    const out: OrderedItem[] = [];
    items.pipe(causalOrder()).subscribe((i) => out.push(i));
    expect(out.find((i) => i.type === 'diagnostic')).toMatchObject({ kind: 'duplicate', origin: { line: 1 } });
    expect(out.flatMap((i) => (i.type === 'delivered' && i.event.seq === 2 ? [i.origin.line] : []))).toEqual([2]);
  });

  it('gives two different conflicts of one event different copies, so their alerts differ', () => {
    const copy = (version: number, line: number) =>
      decodeEvent(`{"sw":1,"proc":"a","seq":1,"vc":{"a":1},"action":"X","params":{"version":${version}}}`, { source: 'f', line });
    const out: OrderedItem[] = [];
    from([copy(1, 1), copy(2, 2), copy(3, 3)]).pipe(causalOrder({ settle: 0 })).subscribe((i) => out.push(i));
    const conflicts = out.flatMap((i) => (i.type === 'diagnostic' && i.kind === 'conflict' ? [i] : []));
    expect(conflicts).toHaveLength(2);
    expect(conflicts[0]!.copies).not.toEqual(conflicts[1]!.copies);
    const ids = conflicts.map((c) => diagnosticAlert(c, describeDiagnostic(c)).id);
    expect(new Set(ids).size).toBe(2);
  });

  it('reports every copy of a lost range as late, across adjacent gaps', () => {
    const items = orderEvents([ev('a', 3), ev('a', 5), ev('b', 9), ev('a', 1), ev('a', 2), ev('a', 4)], { maxHeld: 1 });
    const late = items.flatMap((i) => (i.type === 'diagnostic' && i.kind === 'late' ? [i.seq] : []));
    expect(late.sort()).toEqual([1, 2, 4]);
  });
});
