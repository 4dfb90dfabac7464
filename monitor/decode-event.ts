import { FORMAT_VERSION, type SpecEvent } from '../instrumentation/format.ts';
import { DEFAULT_LIMITS, type FormatLimits } from './format-limits.ts';
import type { DecodedItem, MalformedDiagnostic, Origin } from './trace-items.ts';

const GOT_PREVIEW = 40;

/** How a found value is named in a rejection: its type and a short, escaped preview. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  switch (typeof value) {
    case 'string': {
      const preview = value.length > GOT_PREVIEW ? `${value.slice(0, GOT_PREVIEW)}…` : value;
      return `the string ${JSON.stringify(preview)}${value.length > GOT_PREVIEW ? ` (${value.length} chars)` : ''}`;
    }
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return `an object with ${Object.keys(value).length} fields`;
    default:
      return typeof value;
  }
}

function overLimit(text: string, limit: number): boolean {
  // Bytes ≥ UTF-16 units, and ≤ 3 × units: the exact count is needed only in between.
  if (text.length > limit) return true;
  return text.length * 3 > limit && Buffer.byteLength(text, 'utf8') > limit;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const MAX_COUNT = '2^53−1';
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function malformed(origin: Origin, field: string, expected: string, got: string, proc?: string, seq?: number): MalformedDiagnostic {
  const diagnostic: MalformedDiagnostic = { type: 'diagnostic', kind: 'malformed', origin, field, expected, got };
  return proc === undefined ? diagnostic : seq === undefined ? { ...diagnostic, proc } : { ...diagnostic, proc, seq };
}

/** The rejection of a record over the size limit (one line, one message value). */
export const overSizeLimit = (origin: Origin, limits: FormatLimits, bytes: number): MalformedDiagnostic =>
  malformed(origin, '(event)', `at most ${limits.maxEventBytes} bytes`, `${bytes} bytes`);

/**
 * Decodes one record (an NDJSON line or a message value) as event format v1, validating every
 * rule of the format. Never throws: bad input becomes a `malformed` diagnostic naming the field.
 * Written without closures or extra objects: it runs once per event.
 */
export function decodeEvent(text: string, origin: Origin, limits: FormatLimits = DEFAULT_LIMITS): DecodedItem {
  if (overLimit(text, limits.maxEventBytes)) {
    return overSizeLimit(origin, limits, Buffer.byteLength(text, 'utf8'));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return malformed(origin, '(event)', 'one JSON object', `text that is not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) return malformed(origin, '(event)', 'one JSON object', describeFound(parsed));
  const raw = parsed;

  if (raw.sw !== FORMAT_VERSION) return malformed(origin, 'sw', `the format version, the integer ${FORMAT_VERSION}`, describeFound(raw.sw));
  const proc = raw.proc;
  if (typeof proc !== 'string' || proc.length === 0 || proc.length > limits.maxProcLength) {
    return malformed(origin, 'proc', `a non-empty string of at most ${limits.maxProcLength} chars`, describeFound(proc));
  }
  const seq = raw.seq;
  if (!isCount(seq) || seq < 1) return malformed(origin, 'seq', `a positive integer of at most ${MAX_COUNT}`, describeFound(seq), proc);

  const vc = raw.vc;
  if (!isPlainObject(vc)) return malformed(origin, 'vc', 'an object from process to count', describeFound(vc), proc, seq);
  let entries = 0;
  let sum = 0;
  for (const key in vc) {
    const count = vc[key];
    if (++entries > limits.maxClockEntries) {
      return malformed(origin, 'vc', `at most ${limits.maxClockEntries} entries`, `more than ${limits.maxClockEntries} entries`, proc, seq);
    }
    if (key.length === 0 || key.length > limits.maxProcLength) {
      return malformed(origin, 'vc', `process names of 1 to ${limits.maxProcLength} chars`, describeFound(key).replace('the string', 'the key'), proc, seq);
    }
    if (!isCount(count)) return malformed(origin, `vc[${JSON.stringify(key)}]`, `a non-negative integer of at most ${MAX_COUNT}`, describeFound(count), proc, seq);
    sum += count;
  }
  if (!Object.hasOwn(vc, proc) || vc[proc] !== seq) {
    const found = Object.hasOwn(vc, proc) ? vc[proc] : undefined;
    return malformed(origin, `vc[${JSON.stringify(proc)}]`, `${seq}, equal to seq (an event counts itself)`, describeFound(found), proc, seq);
  }
  const invalid = invalidOptionalField(raw, limits);
  if (invalid !== undefined) return malformed(origin, invalid[0], invalid[1], invalid[2], proc, seq);
  if (raw.params === undefined) raw.params = {};
  return { type: 'event', event: raw as unknown as SpecEvent, origin, clockSum: sum, text };
}

const isInexact = (n: number): boolean => n > Number.MAX_SAFE_INTEGER || n < -Number.MAX_SAFE_INTEGER;

/** Whether a parameter value holds a number beyond ±(2^53−1), which JSON.parse has rounded. */
function holdsInexactNumber(value: unknown): boolean {
  if (typeof value === 'number') return isInexact(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsInexactNumber);
  for (const key in value) if (holdsInexactNumber((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** Where that number is (the rare path: only for the rejection). */
function inexactNumberAt(value: unknown, path: string): [string, number] | undefined {
  if (typeof value === 'number') return isInexact(value) ? [path, value] : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = inexactNumberAt(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first of action, params, service, time, trace that breaks the format, as [field, expected, got]. */
function invalidOptionalField(raw: Record<string, unknown>, limits: FormatLimits): [string, string, string] | undefined {
  const action = raw.action;
  if (typeof action !== 'string' || action.length === 0 || action.length > limits.maxActionLength) {
    return ['action', `a non-empty string of at most ${limits.maxActionLength} chars`, describeFound(action)];
  }
  if (raw.params !== undefined) {
    if (!isPlainObject(raw.params)) return ['params', 'an object', describeFound(raw.params)];
    // Rounded numbers could make two different ids one (and a conflict look like a duplicate).
    const inexact = holdsInexactNumber(raw.params) ? inexactNumberAt(raw.params, 'params') : undefined;
    if (inexact !== undefined) {
      return [inexact[0], 'a number within ±(2^53−1), beyond which numbers are not held exactly (send large ids as strings)', `${describeFound(inexact[1])} (as read)`];
    }
  }
  const service = raw.service;
  if (service !== undefined && (typeof service !== 'string' || service.length > limits.maxStringLength)) {
    return ['service', `a string of at most ${limits.maxStringLength} chars`, describeFound(service)];
  }
  const time = raw.time;
  if (time !== undefined && !(typeof time === 'number' && Number.isFinite(time) && time >= 0)) {
    return ['time', 'milliseconds since the epoch, a non-negative number', describeFound(time)];
  }
  const trace = raw.trace;
  if (trace === undefined) return undefined;
  if (!isPlainObject(trace)) return ['trace', 'an object with traceId and spanId', describeFound(trace)];
  for (const id of ['traceId', 'spanId'] as const) {
    const value = trace[id];
    if (typeof value !== 'string' || value.length === 0 || value.length > limits.maxStringLength) {
      return [`trace.${id}`, `a non-empty string of at most ${limits.maxStringLength} chars`, describeFound(value)];
    }
  }
  return undefined;
}
