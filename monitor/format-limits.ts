/** Size limits on untrusted input. Every one is configurable (CLI flags of the same meaning). */
export interface FormatLimits {
  /** UTF-8 bytes of one event (one line, one message value). */
  readonly maxEventBytes: number;
  readonly maxClockEntries: number;
  /** `proc` and clock keys; the format fixes 200 as the default. */
  readonly maxProcLength: number;
  readonly maxActionLength: number;
  /** `service`, `trace.traceId`, `trace.spanId`. */
  readonly maxStringLength: number;
}

export const DEFAULT_LIMITS: FormatLimits = {
  maxEventBytes: 65_536,
  maxClockEntries: 1024,
  maxProcLength: 200,
  maxActionLength: 200,
  maxStringLength: 1024,
};
