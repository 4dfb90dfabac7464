// Public surface of adapters/: NDJSON files. Kafka is `specwatch/adapters/kafka` (adapters/kafka/index.ts),
// apart so that reading files does not load kafkajs.
export { checkTraceFilesReadable, readTraceFiles } from './trace-files.ts';
export type { TraceFileOptions } from './trace-files.ts';
export { NdjsonLineSplitter } from './ndjson-lines.ts';
export type { NdjsonLine } from './ndjson-lines.ts';
