import { is, isCollection, isImmutable, isKeyed, isRecord } from 'immutable';

const MAX_ENTRIES = 20;
const MAX_TEXT = 4096;

/** Immutable or plain values as JSON-friendly data, bounded in size. */
export function plainValue(value: unknown): unknown {
  const plain = isImmutable(value) ? (value as { toJS(): unknown }).toJS() : value;
  const text = JSON.stringify(plain) ?? 'undefined';
  return text.length <= MAX_TEXT ? plain : `${text.slice(0, MAX_TEXT)}… (${text.length} chars)`;
}

const selects = (key: unknown, values: readonly unknown[]): boolean =>
  values.some((v) => is(key, v) || (isCollection(key) && key.includes(v)) || (Array.isArray(key) && key.includes(v)));

/**
 * The part of a state an event's parameters select: in each keyed collection, the entries whose
 * key is (or contains) one of the event's parameter values; other fields whole. The guard read
 * from these entries, so a report shows what decided it without dumping the whole state.
 */
export function stateForEvent(state: unknown, params: Readonly<Record<string, unknown>>): unknown {
  const values = Object.values(params).filter((v) => v === null || typeof v !== 'object');
  return selectState(state, (key) => selects(key, values));
}

/** A whole state as JSON-friendly data (collections capped), for end-of-trace reports. */
export function wholeState(state: unknown): unknown {
  return selectState(state, () => true);
}

function selectState(state: unknown, keep: (key: unknown) => boolean): unknown {
  if (!isRecord(state) && !(isImmutable(state) && isKeyed(state))) return plainValue(state);
  const trimmed: Record<string, unknown> = {};
  for (const [field, value] of (state as unknown as { toSeq(): Iterable<[string, unknown]> }).toSeq()) {
    if (isImmutable(value) && isKeyed(value)) {
      const entries = [...(value as unknown as Iterable<[unknown, unknown]>)].filter(([key]) => keep(key)).slice(0, MAX_ENTRIES);
      trimmed[field] = Object.fromEntries(entries.map(([key, item]) => [typeof key === 'string' ? key : JSON.stringify(plainValue(key)), plainValue(item)]));
    } else if (isCollection(value)) {
      trimmed[field] = [...(value as Iterable<unknown>)].filter((item) => keep(item)).slice(0, MAX_ENTRIES).map(plainValue);
    } else trimmed[field] = plainValue(value);
  }
  return trimmed;
}
