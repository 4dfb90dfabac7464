// Public surface of adapters/: the world outside (files now; Kafka, webhooks, metrics to come).
export { checkTraceFilesReadable, readTraceFiles } from './trace-files.ts';
export type { TraceFileOptions } from './trace-files.ts';
export { NdjsonLineSplitter } from './ndjson-lines.ts';
export type { NdjsonLine } from './ndjson-lines.ts';
