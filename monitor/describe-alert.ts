import type { Alert, AlertEvent } from './alerts.ts';

const eventLine = (e: AlertEvent): string => `${e.proc}#${e.seq} ${e.action} ${JSON.stringify(e.params)}`;

/** An alert as readable text: what, where, why, the state met, and the causal history. */
export function describeAlert(alert: Alert): string {
  const lines = [`${alert.verdict === 'violated' ? 'VIOLATED' : 'INCONCLUSIVE'} ${alert.kind} ${alert.name}${alert.event === undefined ? '' : `: ${eventLine(alert.event)}`}`];
  lines.push(`  ${alert.reason}`);
  if (alert.state !== undefined) lines.push(`  state met: ${JSON.stringify(alert.state)}`);
  if (alert.history !== undefined && alert.history.length > 0) {
    lines.push('  causal history (events before it that share a parameter value):');
    for (const past of alert.history) lines.push(`    ${eventLine(past)}`);
  }
  lines.push(`  alert ${alert.id}`);
  return lines.join('\n');
}
