import type { SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../alerts.ts';
import { eventKey } from './timeline-model.ts';

/** One parameter value: the entity a slice is about (`id = 1`). */
export interface ParamFilter {
  readonly key: string;
  readonly value: unknown;
}

/** `key=value` or `key = value`; the value is read as JSON when it is JSON (1, "a", true), else as text. */
export function parseParamFilter(text: string): ParamFilter | undefined {
  const match = /^\s*([^=\s][^=]*?)\s*=\s*(.*?)\s*$/s.exec(text);
  if (match === null || match[2] === '') return undefined;
  let value: unknown = match[2];
  try {
    value = JSON.parse(match[2]!);
  } catch {
    // Plain text: `op = edit` means the string "edit".
  }
  return { key: match[1]!, value };
}

const sameValue = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));

const matches = (event: SpecEvent, filter: ParamFilter): boolean => Object.hasOwn(event.params, filter.key) && sameValue(event.params[filter.key], filter.value);

/** Positions of the events about one entity: their `key` parameter equals the value. */
export function entitySlice(events: readonly SpecEvent[], filter: ParamFilter): number[] {
  return events.flatMap((event, i) => (matches(event, filter) ? [i] : []));
}

export type AlertSlice = { readonly ok: true; readonly indices: number[] } | { readonly ok: false; readonly reason: string };

/**
 * The events that explain an alert: its event and the causal history it carries (events in its
 * causal past sharing a parameter value). An alert judged at the end of the trace names no event:
 * then the events of the entity it is about (its binding).
 */
export function alertSlice(events: readonly SpecEvent[], alert: Alert): AlertSlice {
  const position = new Map(events.map((e, i) => [eventKey(e.proc, e.seq), i]));
  if (alert.event !== undefined) {
    const at = position.get(eventKey(alert.event.proc, alert.event.seq));
    if (at === undefined) return { ok: false, reason: `its event ${eventKey(alert.event.proc, alert.event.seq)} is not among these events` };
    const past = (alert.history ?? []).flatMap((h) => position.get(eventKey(h.proc, h.seq)) ?? []);
    return { ok: true, indices: [...new Set([...past, at])].sort((a, b) => a - b) };
  }
  const binding = Object.entries(alert.binding ?? {});
  if (binding.length === 0) return { ok: false, reason: `a ${alert.kind} alert names no event and no parameter values to cut around` };
  return { ok: true, indices: events.flatMap((event, i) => (binding.some(([key, value]) => matches(event, { key, value })) ? [i] : [])) };
}

/** The alert with this id, or the only one it begins (ids are long to type). */
export function findAlert(alerts: readonly Alert[], id: string): Alert | undefined {
  const exact = alerts.find((a) => a.id === id);
  if (exact !== undefined || id.length < 4) return exact;
  const byPrefix = alerts.filter((a) => a.id.startsWith(id));
  return byPrefix.length === 1 ? byPrefix[0] : undefined;
}
