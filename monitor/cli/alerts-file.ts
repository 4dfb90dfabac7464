import { readFileSync } from 'node:fs';
import type { Alert } from '../alerts.ts';
import { SpecwatchError } from '../errors.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isEvent = (value: unknown): boolean =>
  isObject(value) && typeof value.proc === 'string' && typeof value.seq === 'number' && typeof value.action === 'string' && isObject(value.params);

/** What is wrong with a JSON object that says it is an alert, or undefined. */
function alertProblem(value: Record<string, unknown>): string | undefined {
  for (const field of ['id', 'kind', 'verdict', 'name', 'reason']) if (typeof value[field] !== 'string') return `"${field}" must be a string`;
  for (const field of ['guard', 'semantics']) if (value[field] !== undefined && typeof value[field] !== 'string') return `"${field}" must be a string`;
  if (value.verdict !== 'violated' && value.verdict !== 'inconclusive') return '"verdict" must be "violated" or "inconclusive"';
  if (value.event !== undefined && !isEvent(value.event)) return '"event" must have proc, seq, action and params';
  if (value.history !== undefined && !(Array.isArray(value.history) && value.history.every(isEvent))) return '"history" must be a list of events';
  if (value.binding !== undefined && !isObject(value.binding)) return '"binding" must be an object';
  return undefined;
}

/**
 * Alerts as `specwatch check --json` and `specwatch monitor` print them, one JSON object per line.
 * Other JSON lines (summaries, diagnostics) are skipped; anything else is an error naming the line.
 */
export function readAlertsFile(path: string): Alert[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SpecwatchError(`cannot read alerts ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { code: 'INPUT_UNREADABLE', cause: error });
  }
  const alerts: Alert[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SpecwatchError(`${path}:${i + 1}: expected one JSON alert per line (from 'specwatch check --json'), got text that is not JSON`, { code: 'USAGE' });
    }
    if (!isObject(value) || value.type !== 'alert') return;
    const problem = alertProblem(value);
    if (problem !== undefined) throw new SpecwatchError(`${path}:${i + 1}: not an alert: ${problem}`, { code: 'USAGE' });
    alerts.push(value as unknown as Alert);
  });
  return alerts;
}
