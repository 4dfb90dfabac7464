import { isCollection, isImmutable, isKeyed, isRecord } from 'immutable';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { attemptAction, isNext, type Next, type Spec } from '../../properties/index.ts';
import { plainValue } from '../trim-state.ts';
import type { EventState } from './timeline-model.ts';

const MAX_ENTRIES = 20;
type Keyed = { has(key: unknown): boolean; get(key: unknown): unknown };
type Listed = { includes(value: unknown): boolean };

/**
 * The entries of a state an event's parameters select, as JSON text, by lookup rather than by
 * scanning each collection (as reports do), so that replaying 100,000 events stays linear.
 */
function stateMet(state: unknown, params: Readonly<Record<string, unknown>>): string {
  if (!isRecord(state) && !(isImmutable(state) && isKeyed(state))) return JSON.stringify(plainValue(state)) ?? 'null';
  const values = Object.values(params).filter((v) => v === null || typeof v !== 'object').slice(0, MAX_ENTRIES);
  const fields: string[] = [];
  for (const [field, value] of (state as unknown as { toSeq(): Iterable<[string, unknown]> }).toSeq()) {
    let text: string;
    if (isImmutable(value) && isKeyed(value)) {
      const keyed = value as unknown as Keyed;
      const found = [...new Set(values.filter((v) => keyed.has(v)))];
      text = `{${found.map((v) => `${JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v))}:${JSON.stringify(plainValue(keyed.get(v)))}`).join(',')}}`;
    } else if (isCollection(value)) text = JSON.stringify(values.filter((v) => (value as unknown as Listed).includes(v)));
    else text = JSON.stringify(plainValue(value)) ?? 'null';
    fields.push(`${JSON.stringify(field)}:${text}`);
  }
  return `{${fields.join(',')}}`;
}

/** The first next state of an action whose guard was false: the event did happen, so its effect is kept. */
function forcedStep<S, L>(spec: Spec<S, L>, state: S, local: L, event: SpecEvent): { state: S; local: L } | undefined {
  try {
    const result = spec.actions[event.action]?.effect({ state, local, params: event.params, proc: event.proc });
    const first = Array.isArray(result) ? (result as ReadonlyArray<S | Next<S, L>>)[0] : (result as S | Next<S, L> | undefined);
    if (first === undefined) return undefined;
    return isNext<S, L>(first) ? { state: first.state, local: first.local } : { state: first, local };
  } catch {
    return undefined;
  }
}

/**
 * Replays the events through the spec in the order given (the order check delivers them, which
 * respects happens-before), and notes the state each met. An event whose guard is false in this
 * order still has its effect applied, when it can be: it happened, and a replay that dropped it
 * would drift from what the system did for every later event.
 */
export function replayStates<S, L>(spec: Spec<S, L>, events: readonly SpecEvent[]): EventState[] {
  let state = spec.init();
  const locals = new Map<string, L>();
  return events.map((event) => {
    const local = locals.has(event.proc) ? locals.get(event.proc)! : (spec.local?.() as L);
    const attempt = attemptAction(spec, state, local, event);
    const met: EventState = {
      stateJson: stateMet(state, event.params), ...(local === undefined ? {} : { localJson: JSON.stringify(plainValue(local)) }),
      ...(attempt.enabled ? {} : { disabledBy: attempt.guard }),
    };
    const step = attempt.enabled ? attempt.steps[0] : forcedStep(spec, state, local, event);
    if (step !== undefined) {
      state = step.state;
      locals.set(event.proc, step.local);
    }
    return met;
  });
}
