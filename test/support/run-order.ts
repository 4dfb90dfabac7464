import { from, type Observable } from 'rxjs';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { causalOrder, decodeEvent, type CausalOrderOptions, type DecodedItem, type OrderedItem } from '../../monitor/index.ts';

export const decodeAll = (events: readonly SpecEvent[], source = 'test'): DecodedItem[] =>
  events.map((event, i) => decodeEvent(JSON.stringify(event), { source, line: i + 1 }));

/** Runs causalOrder synchronously over in-memory events (no time bounds involved). */
export function orderEvents(events: readonly SpecEvent[], options: CausalOrderOptions = {}): OrderedItem[] {
  const out: OrderedItem[] = [];
  const source: Observable<DecodedItem> = from(decodeAll(events));
  source.pipe(causalOrder(options)).subscribe((item) => out.push(item));
  return out;
}

export const deliveredEvents = (items: readonly OrderedItem[]): SpecEvent[] =>
  items.flatMap((item) => (item.type === 'delivered' ? [item.event] : []));

export const idOf = (e: { proc: string; seq: number }): string => `${e.proc}#${e.seq}`;
