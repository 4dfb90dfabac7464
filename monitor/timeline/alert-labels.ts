import type { Alert } from '../alerts.ts';

/** Alerts about the input itself rather than the spec: their reason says it all. */
export const INPUT_PROBLEMS: ReadonlySet<string> = new Set(['malformed', 'conflict', 'gap', 'late']);

/** One short line naming what an alert found, for labels in diagrams. */
export function alertLabel(alert: Alert): string {
  if (INPUT_PROBLEMS.has(alert.kind)) return alert.reason;
  const what = `${alert.verdict === 'violated' ? 'VIOLATED' : 'INCONCLUSIVE'} ${alert.kind} ${alert.name}`;
  if (alert.guard !== undefined) return `${what}: guard "${alert.guard}" is false`;
  if (alert.binding !== undefined && alert.event === undefined) return `${what} for ${JSON.stringify(alert.binding)}`;
  return what;
}

/** Alerts by the event that raised them (`proc#seq`); alerts that name no event are left out. */
export function alertsByEvent(alerts: readonly Alert[]): Map<string, Alert[]> {
  const byEvent = new Map<string, Alert[]>();
  for (const alert of alerts) {
    if (alert.event === undefined) continue;
    const key = `${alert.event.proc}#${alert.event.seq}`;
    byEvent.set(key, [...(byEvent.get(key) ?? []), alert]);
  }
  return byEvent;
}
