// Public surface of monitor/: decoding, causal ordering, diagnostics, the CLI's commands.
export { decodeEvent, describeFound, overSizeLimit } from './decode-event.ts';
export { decodeRecordBytes, invalidUtf8Offset, notUtf8 } from './record-bytes.ts';
export { contentDigest } from './content-digest.ts';
export { DEFAULT_LIMITS } from './format-limits.ts';
export type { FormatLimits } from './format-limits.ts';
export { causalOrder, DEFAULT_DEDUP_WINDOW, DEFAULT_MAX_HELD } from './causal-order.ts';
export type { CausalOrderOptions } from './causal-order.ts';
export { deliversBefore } from './causal-holdback.ts';
export { SpecwatchError } from './errors.ts';
export type { SpecwatchErrorCode, SpecwatchErrorOptions } from './errors.ts';
export { describeDiagnostic, describeOrigin } from './describe-diagnostic.ts';
export { OrderTally } from './order-tally.ts';
export type {
  ConflictDiagnostic, DecodedItem, DeliveredEvent, Diagnostic, DuplicateDiagnostic, EventRef, GapCause, GapDiagnostic,
  LateDiagnostic, MalformedDiagnostic, OrderedItem, Origin, ReceivedEvent, Watermark,
} from './trace-items.ts';
export { readFirst } from './read-first.ts';
export { checkConformance, DEFAULT_MAX_CONFIGURATIONS, DEFAULT_REORDER_WINDOW } from './check-conformance.ts';
export type { CheckItem, CheckSummary, ConformanceOptions } from './check-conformance.ts';
export { checkExitStatus, checkTrace, describeCheckSummary } from './check-trace.ts';
export type { CheckTraceOptions } from './check-trace.ts';
export { alertId } from './alerts.ts';
export type { Alert, AlertEvent, AlertKind } from './alerts.ts';
export { OrderExploration } from './order-exploration.ts';
export { describeAlert } from './describe-alert.ts';
export { temporalVerdicts } from './temporal-verdicts.ts';
export type { TemporalStep, TemporalVerdict, TemporalVerdictOptions } from './temporal-verdicts.ts';
export type {
  AlertSink, BrokerConnection, EventPublisher, EventSourceOptions, EventSourceStatus, EventStreams, LiveEventSource, PublishRecord, StreamEnd, StreamStart,
} from './cli/event-streams.ts';
