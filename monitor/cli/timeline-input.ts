import { filter, lastValueFrom, map, tap, type Observable } from 'rxjs';
import type { SpecEvent } from '../../instrumentation/index.ts';
import type { Spec } from '../../properties/index.ts';
import { diagnosticAlert, type Alert } from '../alerts.ts';
import { causalOrder } from '../causal-order.ts';
import { checkConformance, type ConformanceOptions } from '../check-conformance.ts';
import { describeDiagnostic } from '../describe-diagnostic.ts';
import type { DecodedItem, Diagnostic, EventRef, OrderedItem } from '../trace-items.ts';

export interface TimelineInput {
  /** Every delivered event, in delivery order. */
  readonly events: SpecEvent[];
  /** The checker's alerts with a spec; else the input's own problems (gaps, conflicts, malformed records). */
  readonly alerts: Alert[];
  /** By alert id, the event an input problem concerns (alerts of gaps and conflicts name none). */
  readonly anchors: Map<string, EventRef>;
}

type Reported = Exclude<Diagnostic, { kind: 'duplicate' }>;
const reported = (item: OrderedItem): item is Reported => item.type === 'diagnostic' && item.kind !== 'duplicate';

/**
 * Orders the records causally and keeps every delivered event (a timeline draws them all), with
 * the alerts: the checker runs on the same stream when a spec is given, exactly as `check` runs it.
 */
export async function collectTimeline(items: Observable<DecodedItem>, options: { maxHeld: number; spec?: Spec<unknown, unknown>; conformance: ConformanceOptions }): Promise<TimelineInput> {
  const events: SpecEvent[] = [];
  const alerts: Alert[] = [];
  const anchors = new Map<string, EventRef>();
  const ordered = items.pipe(
    causalOrder({ maxHeld: options.maxHeld }),
    tap((item) => {
      if (item.type === 'delivered') events.push(item.event);
      else if (item.kind === 'gap') anchors.set(diagnosticAlert(item, '').id, item.neededBy);
      else if (item.kind === 'conflict') anchors.set(diagnosticAlert(item, '').id, { proc: item.proc, seq: item.seq });
    }),
  );
  const judged: Observable<Alert> = options.spec === undefined
    ? ordered.pipe(filter(reported), map((d) => diagnosticAlert(d, describeDiagnostic(d))))
    : ordered.pipe(checkConformance(options.spec, options.conformance), filter((item): item is Alert => item.type === 'alert'));
  await lastValueFrom(judged.pipe(tap((alert) => alerts.push(alert))), { defaultValue: undefined });
  return { events, alerts, anchors };
}
