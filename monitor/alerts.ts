import { createHash } from 'node:crypto';
import type { SpecEvent } from '../instrumentation/index.ts';
import type { Diagnostic } from './trace-items.ts';

export type AlertKind = 'nonconformance' | 'invariant' | 'property' | 'end-condition' | 'gap' | 'conflict' | 'malformed' | 'late';

/** An event as an alert shows it. */
export interface AlertEvent {
  readonly proc: string;
  readonly seq: number;
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** One finding, with everything a person needs to act on it (README, `specwatch check`, --json). */
export interface Alert {
  readonly type: 'alert';
  /** The same finding gets the same id across restarts and replays. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly verdict: 'violated' | 'inconclusive';
  /** The action, invariant or end condition concerned (the diagnostic kind for input problems). */
  readonly name: string;
  readonly event?: AlertEvent;
  /** The guard conjunct that was false. */
  readonly guard?: string;
  /** The parameter values the finding is about. */
  readonly binding?: Readonly<Record<string, unknown>>;
  /** The state the event met, trimmed to the entries its parameters select. */
  readonly state?: unknown;
  /** Events in the causal past of `event` that share a parameter value with it, oldest first. */
  readonly history?: readonly AlertEvent[];
  /** For temporal properties: which semantics decided (online LTL3, or LTLf when a bounded run ended). */
  readonly semantics?: 'LTL3' | 'LTLf';
  /** For input problems (gap, conflict, malformed, late): the facts, as `specwatch order --diagnostics` gives them. */
  readonly diagnostic?: Omit<Exclude<Diagnostic, { kind: 'duplicate' }>, 'type'>;
  /** One line: what happened and why. */
  readonly reason: string;
}

export function alertId(...parts: ReadonlyArray<string | number | undefined>): string {
  return createHash('sha256').update(parts.map((p) => String(p ?? '')).join('\u0000')).digest('hex').slice(0, 16);
}

export const alertEvent = (event: SpecEvent): AlertEvent => ({ proc: event.proc, seq: event.seq, action: event.action, params: event.params });

/** Input problems from decoding and ordering, as alerts (duplicates are only counted). */
export function diagnosticAlert(diagnostic: Exclude<Diagnostic, { kind: 'duplicate' }>, reason: string): Alert {
  let identity: ReadonlyArray<string | number | undefined>;
  switch (diagnostic.kind) {
    case 'gap':
      identity = [diagnostic.proc, diagnostic.fromSeq, diagnostic.toSeq];
      break;
    case 'conflict':
      identity = [diagnostic.proc, diagnostic.seq, ...diagnostic.copies];
      break;
    case 'malformed':
      identity = [diagnostic.proc, diagnostic.seq, diagnostic.origin.source, diagnostic.origin.line ?? diagnostic.origin.offset, diagnostic.field];
      break;
    default:
      identity = [diagnostic.proc, diagnostic.seq];
  }
  const { type: _type, ...facts } = diagnostic;
  return { type: 'alert', id: alertId(diagnostic.kind, ...identity), kind: diagnostic.kind, verdict: 'violated', name: diagnostic.kind, diagnostic: facts, reason };
}
