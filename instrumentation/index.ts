// Public surface of instrumentation/: what runs inside a service: the recorder, its clock and
// exporters, the OpenTelemetry propagator; the format and the clock are also what monitor/ may import.
export { FORMAT_VERSION, encodeEvent, eventName } from './format.ts';
export type { ActionParams, JsonValue, SpecEvent, TraceContext } from './format.ts';
export { clockLessOrEqual, clockSum, compareClocks, concurrent, happenedBefore, mergeClocks } from './vector-clock.ts';
export type { ClockOrder, VectorClock } from './vector-clock.ts';
export { ProcessClock } from './process-clock.ts';
export { incarnationId } from './incarnation.ts';
export { EXPORT_SUCCESS, exportFailed, exportOutcome } from './event-exporter.ts';
export type { EventExporter, ExportResult } from './event-exporter.ts';
export { MemoryEventExporter } from './memory-event-exporter.ts';
export { NdjsonFileExporter } from './ndjson-file-exporter.ts';
export { KafkaEventExporter } from './kafka-event-exporter.ts';
export type { KafkaEventExporterOptions } from './kafka-event-exporter.ts';
export { SpecRecorder } from './spec-recorder.ts';
export type { SpecRecorderOptions } from './spec-recorder.ts';
export { mergeRead, stampWrite } from './shared-state-clock.ts';
export type { Stamped } from './shared-state-clock.ts';
export { CLOCK_HEADER, DEFAULT_CLOCK_HEADER_LIMITS, decodeClockHeader, encodeClockHeader } from './clock-header.ts';
export type { ClockHeaderLimits } from './clock-header.ts';
export { SpecClockPropagator, receivedClock, specwatchPropagator } from './clock-propagator.ts';
export type { ClockCarrier } from './clock-propagator.ts';
export { SPEC_ACTION_ATTRIBUTE, SPEC_PARAM_PREFIX, SpecSpanProcessor } from './spec-span-processor.ts';
export type { ActionRecorder } from './spec-span-processor.ts';
export { untraced } from './untraced.ts';
