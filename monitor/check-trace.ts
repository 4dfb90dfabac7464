import { pipe, type OperatorFunction } from 'rxjs';
import type { Spec } from '../properties/index.ts';
import { causalOrder } from './causal-order.ts';
import { checkConformance, type CheckItem, type CheckSummary, type ConformanceOptions } from './check-conformance.ts';
import type { DecodedItem } from './trace-items.ts';

export interface CheckTraceOptions extends ConformanceOptions {
  /** Most events held for their causal past (causalOrder's maxHeld). */
  readonly maxHeld?: number;
}

/**
 * What `specwatch check` runs on decoded records: causal delivery in the stable order (time
 * first), ready events waiting until `maxHeld` are held or the input ends, then the exploring
 * checker. A file needs no low latency, and so a process whose events were written far behind
 * the others' (a lagging partition) is put back where its times say, within `maxHeld` events.
 */
export function checkTrace<S, L>(spec: Spec<S, L>, options: CheckTraceOptions = {}): OperatorFunction<DecodedItem, CheckItem> {
  const { maxHeld, ...conformance } = options;
  return pipe(causalOrder({ ...(maxHeld === undefined ? {} : { maxHeld }) }), checkConformance(spec, conformance));
}

/** `specwatch check`'s exit status: 1 if anything was violated or malformed, else 3 if anything was inconclusive, else 0. */
export const checkExitStatus = (summary: CheckSummary): 0 | 1 | 3 => (summary.violated > 0 ? 1 : summary.inconclusive > 0 ? 3 : 0);

/** The summary line `specwatch check` ends with. */
export function describeCheckSummary(summary: CheckSummary): string {
  const alerts = Object.values(summary.alerts).reduce((sum, n) => sum + n, 0);
  const kinds = Object.entries(summary.alerts).map(([kind, n]) => `${n} ${kind}`).join(', ');
  const duplicates = summary.duplicates === 0 ? '' : `; ${summary.duplicates.toLocaleString('en-US')} duplicate${summary.duplicates === 1 ? '' : 's'} dropped`;
  return `specwatch check: ${summary.events.toLocaleString('en-US')} events checked against ${summary.spec}: ${alerts === 0 ? 'all conform' : kinds}` +
    ` (most orders explored at once: ${summary.peakConfigurations})${duplicates}`;
}
