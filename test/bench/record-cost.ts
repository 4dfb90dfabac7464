// The cost of SpecRecorder.record on the service's hot path, with batching as in production: the
// exporter's work (keeping or JSON-encoding batches) runs between chunks of records, untimed.
// Part of `npm run bench` (stage record-cost). Alone: node --import tsx test/bench/record-cost.ts [--events N] [--samples N]; prints JSON.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXPORT_SUCCESS, type EventExporter, type ExportResult } from '../../instrumentation/event-exporter.ts';
import { encodeEvent, type SpecEvent } from '../../instrumentation/format.ts';
import { MemoryEventExporter } from '../../instrumentation/memory-event-exporter.ts';
import { SpecRecorder } from '../../instrumentation/spec-recorder.ts';

export interface RecordCostOptions {
  /** Records per sample. */
  readonly events: number;
  /** Entries of the recorder's clock: its own and `processes - 1` received ones. */
  readonly processes: number;
  /** Timed samples, after one untimed warm-up (default 5). */
  readonly samples?: number;
  /** 'memory' keeps batches (emptied between chunks); 'json' encodes every event as the real exporters do (default). */
  readonly exporter?: 'memory' | 'json';
}

/** Does the encoding work of the NDJSON and Kafka exporters (timed apart), then drops the text. */
class EncodingExporter implements EventExporter {
  bytes = 0;
  encodingNs = 0n;
  export(events: readonly SpecEvent[]): Promise<ExportResult> {
    const start = process.hrtime.bigint();
    for (const event of events) this.bytes += encodeEvent(event).length;
    this.encodingNs += process.hrtime.bigint() - start;
    return Promise.resolve(EXPORT_SUCCESS);
  }
  async shutdown(): Promise<void> {}
}

/** A chunk is one full export batch: recording it schedules its export, which runs when we yield. */
const CHUNK = 512;
const yieldToExports = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** ns per `record` call, and per event for the exporter's encoding (0 for 'memory'). */
async function sample(events: number, processes: number, kind: 'memory' | 'json'): Promise<{ record: number; encode: number }> {
  const memory = new MemoryEventExporter();
  const encoding = new EncodingExporter();
  const exporter = kind === 'memory' ? memory : encoding;
  const recorder = new SpecRecorder({ service: 'bench', proc: 'bench@00000000', exporter, maxExportBatchSize: CHUNK, maxQueueSize: 4 * CHUNK });
  const peers: Record<string, number> = {};
  for (let p = 1; p < processes; p++) peers[`peer-${p}@${p.toString(16).padStart(8, '0')}`] = p;
  recorder.receive(peers);
  const params = { id: 1, version: 2 };
  let timed = 0n;
  for (let done = 0; done < events; done += CHUNK) {
    const n = Math.min(CHUNK, events - done);
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) recorder.record('CreateContent', params);
    timed += process.hrtime.bigint() - start;
    await yieldToExports();
    memory.reset();
  }
  await recorder.shutdown();
  if (recorder.dropped > 0 || recorder.exported !== events) throw new Error(`bench lost events: dropped ${recorder.dropped}, exported ${recorder.exported} of ${events}`);
  if (Object.keys(recorder.clock()).length !== processes) throw new Error(`the clock has ${Object.keys(recorder.clock()).length} entries, not ${processes}`);
  return { record: Number(timed) / events, encode: Number(encoding.encodingNs) / events };
}

/**
 * ns per `record` call, one number per sample of `events` records, and their median; and the
 * median ns per event the exporter then spent encoding (building the clock object included).
 */
export async function measureRecordCost(options: RecordCostOptions): Promise<{ nsPerRecordMedian: number; samples: number[]; encodeNsPerEventMedian: number }> {
  const kind = options.exporter ?? 'json';
  await sample(Math.min(options.events, 20_000), options.processes, kind);
  const samples: number[] = [];
  const encoding: number[] = [];
  for (let s = 0; s < (options.samples ?? 5); s++) {
    const { record, encode } = await sample(options.events, options.processes, kind);
    samples.push(record);
    encoding.push(encode);
  }
  return { nsPerRecordMedian: median(samples), samples, encodeNsPerEventMedian: median(encoding) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, samples: { type: 'string', default: '5' } } });
  const report: Record<string, Record<string, { nsPerRecordMedian: number; samples: number[]; encodeNsPerEventMedian: number }>> = {};
  for (const exporter of ['memory', 'json'] as const) {
    report[exporter] = {};
    for (const processes of [1, 10, 100, 1000]) {
      process.stderr.write(`record-cost: ${exporter}, ${processes} processes\n`);
      const { nsPerRecordMedian, samples, encodeNsPerEventMedian } = await measureRecordCost({ events: Number(values.events), processes, samples: Number(values.samples), exporter });
      report[exporter][processes] = { nsPerRecordMedian: Math.round(nsPerRecordMedian), samples: samples.map(Math.round), encodeNsPerEventMedian: Math.round(encodeNsPerEventMedian) };
    }
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
