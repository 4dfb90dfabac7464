/**
 * The vector clock a message carries, as one HTTP header value or one Kafka header value.
 *
 * Header name: `specwatch-clock`. Value: a comma-separated list of entries `proc=count`, e.g.
 *
 *     specwatch-clock: api@19c2=40,worker-1@7f3a=12
 *
 * - `proc` is the process incarnation, UTF-8 percent-encoded (RFC 3986). Encoders escape every
 *   character but `A-Z a-z 0-9 - _ . ! ~ * ' ( ) @` (JavaScript's encodeURIComponent, with `@`
 *   left readable); decoders accept any valid percent-encoding. Non-empty, at most 200 characters.
 * - `count` is a non-negative integer in canonical decimal (no sign, no leading zeros), at most
 *   2^53 − 1. Entries of 0 may be omitted; an empty value is the empty clock.
 * - Spaces and tabs around an entry are ignored, so repeated HTTP headers joined by ", " still
 *   parse; an empty entry, an entry without `=`, a bad count or a repeated `proc` make the whole
 *   value malformed. Limits: at most 1024 entries and 64 KiB by default.
 *
 * A receiver ignores a malformed value (it is untrusted input): the message then carries no clock.
 */
import type { VectorClock } from './vector-clock.ts';

export const CLOCK_HEADER = 'specwatch-clock';

export interface ClockHeaderLimits {
  /** Most entries (processes) accepted; default 1024, as for an event's `vc`. */
  readonly maxEntries?: number;
  /** Most characters accepted; default 64 KiB. */
  readonly maxLength?: number;
}

export const DEFAULT_CLOCK_HEADER_LIMITS = { maxEntries: 1024, maxLength: 64 * 1024 } as const;

/** Event format v1 bounds a `proc` to 200 characters. */
const MAX_PROC_LENGTH = 200;
// Percent-encoding keeps ',' and '=' free as separators and the value within visible ASCII, which
// HTTP header values and every language's standard library handle; '@' stays readable.
const encodeProc = (proc: string): string => encodeURIComponent(proc).replaceAll('%40', '@');
const COUNT = /^(?:0|[1-9][0-9]*)$/;
const ENCODED_PROC = /^[\x21-\x7e]+$/;

export function encodeClockHeader(clock: VectorClock): string {
  const entries: string[] = [];
  for (const proc of Object.keys(clock)) {
    const count = clock[proc]!;
    if (count !== 0) entries.push(`${encodeProc(proc)}=${count}`);
  }
  return entries.join(',');
}

/** The clock a header value carries, or undefined when the value is malformed or over a limit. */
export function decodeClockHeader(text: string, limits: ClockHeaderLimits = {}): VectorClock | undefined {
  const maxEntries = limits.maxEntries ?? DEFAULT_CLOCK_HEADER_LIMITS.maxEntries;
  const maxLength = limits.maxLength ?? DEFAULT_CLOCK_HEADER_LIMITS.maxLength;
  if (typeof text !== 'string' || text.length > maxLength) return undefined;
  const clock: Record<string, number> = {};
  if (text.trim() === '') return clock;
  const entries = text.split(',');
  if (entries.length > maxEntries) return undefined;
  const seen = new Set<string>();
  for (const raw of entries) {
    const entry = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    const equals = entry.indexOf('=');
    if (equals <= 0) return undefined;
    const encoded = entry.slice(0, equals);
    const count = entry.slice(equals + 1);
    if (!ENCODED_PROC.test(encoded) || !COUNT.test(count)) return undefined;
    const value = Number(count);
    const proc = decodeProc(encoded);
    if (!Number.isSafeInteger(value) || proc === undefined || seen.has(proc)) return undefined;
    seen.add(proc);
    // An own data property even for "__proto__", which plain assignment would not create.
    Object.defineProperty(clock, proc, { value, enumerable: true, writable: true, configurable: true });
  }
  return clock;
}

function decodeProc(encoded: string): string | undefined {
  let proc: string;
  try {
    proc = decodeURIComponent(encoded);
  } catch {
    return undefined; // a '%' without two hex digits, or bytes that are not UTF-8
  }
  return proc.length > 0 && proc.length <= MAX_PROC_LENGTH ? proc : undefined;
}
