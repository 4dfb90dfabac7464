import { FORMAT_VERSION, type SpecEvent } from '../instrumentation/index.ts';
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
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Decodes one record (an NDJSON line or a message value) as event format v1, validating every
 * rule of the format. Never throws: bad input becomes a `malformed` diagnostic naming the field.
 */
export function decodeEvent(text: string, origin: Origin, limits: FormatLimits = DEFAULT_LIMITS): DecodedItem {
  // Filled in as soon as valid, so later rejections can name the event.
  const identity: { proc?: string; seq?: number } = {};
  const reject = (field: string, expected: string, got: string): MalformedDiagnostic => ({
    type: 'diagnostic', kind: 'malformed', origin, field, expected, got, ...identity,
  });

  if (overLimit(text, limits.maxEventBytes)) {
    return reject('(event)', `at most ${limits.maxEventBytes} bytes`, `${Buffer.byteLength(text, 'utf8')} bytes`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return reject('(event)', 'one JSON object', `text that is not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) return reject('(event)', 'one JSON object', describeFound(parsed));
  const raw = parsed;

  if (raw.sw !== FORMAT_VERSION) {
    const expected = `the format version, the integer ${FORMAT_VERSION}`;
    return reject('sw', expected, describeFound(raw.sw));
  }
  if (typeof raw.proc !== 'string' || raw.proc.length === 0 || raw.proc.length > limits.maxProcLength) {
    return reject('proc', `a non-empty string of at most ${limits.maxProcLength} chars`, describeFound(raw.proc));
  }
  const proc = raw.proc;
  identity.proc = proc;
  if (!isCount(raw.seq) || raw.seq < 1) return reject('seq', 'a positive integer', describeFound(raw.seq));
  const seq = raw.seq;
  identity.seq = seq;

  const vc = raw.vc;
  if (!isPlainObject(vc)) return reject('vc', 'an object from process to count', describeFound(vc));
  let entries = 0;
  let sum = 0;
  for (const key in vc) {
    const count = vc[key];
    if (++entries > limits.maxClockEntries) {
      return reject('vc', `at most ${limits.maxClockEntries} entries`, `more than ${limits.maxClockEntries} entries`);
    }
    if (key.length === 0 || key.length > limits.maxProcLength) {
      return reject('vc', `process names of 1 to ${limits.maxProcLength} chars`, `the key ${describeFound(key)}`);
    }
    if (!isCount(count)) return reject(`vc[${JSON.stringify(key)}]`, 'a non-negative integer', describeFound(count));
    sum += count;
  }
  if (vc[proc] !== seq) {
    return reject(`vc[${JSON.stringify(proc)}]`, `${seq}, equal to seq (an event counts itself)`, describeFound(vc[proc]));
  }

  if (typeof raw.action !== 'string' || raw.action.length === 0 || raw.action.length > limits.maxActionLength) {
    return reject('action', `a non-empty string of at most ${limits.maxActionLength} chars`, describeFound(raw.action));
  }
  if (raw.params === undefined) raw.params = {};
  else if (!isPlainObject(raw.params)) return reject('params', 'an object', describeFound(raw.params));
  if (raw.service !== undefined && (typeof raw.service !== 'string' || raw.service.length > limits.maxStringLength)) {
    return reject('service', `a string of at most ${limits.maxStringLength} chars`, describeFound(raw.service));
  }
  if (raw.time !== undefined && !(typeof raw.time === 'number' && Number.isFinite(raw.time) && raw.time >= 0)) {
    return reject('time', 'milliseconds since the epoch, a non-negative number', describeFound(raw.time));
  }
  if (raw.trace !== undefined) {
    const trace = raw.trace;
    if (!isPlainObject(trace)) return reject('trace', 'an object with traceId and spanId', describeFound(trace));
    for (const id of ['traceId', 'spanId'] as const) {
      const value = trace[id];
      if (typeof value !== 'string' || value.length === 0 || value.length > limits.maxStringLength) {
        return reject(`trace.${id}`, `a non-empty string of at most ${limits.maxStringLength} chars`, describeFound(value));
      }
    }
  }
  const event = raw as unknown as SpecEvent;
  return { type: 'event', event, origin, clockSum: sum };
}
