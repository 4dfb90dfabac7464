// `npm run bench`: runs every stage several times, each in a fresh process, and prints one JSON
// report with medians and ratios against decode-only measured in the same run.
// Options: see USAGE (--help).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchOptions, countOption } from './bench-options.ts';
import { benchTrace, uploaderTrace } from './bench-trace.ts';
import { clockHeaderSizes } from './clock-header-size.ts';
import { measureRecordCost } from './record-cost.ts';

const ALL_STAGES = ['decode-only', 'decode-validate', 'order', 'order-live', 'order-cli', 'check-one-configuration', 'check', 'record-cost', 'clock-header'];
const USAGE = `usage: npm run -s bench -- [--runs N] [--events N] [--stages a,b,c]

Runs each stage --runs times (default 3), each in a fresh process, on a generated trace of
--events events (default 1000000; traces are cached in ~/.cache/specwatch/bench), and prints
one JSON report: medians, peak RSS, and ratios to decode-only measured in the same run.
Stages (default all): ${ALL_STAGES.join(', ')}.`;
const values = benchOptions(USAGE, { runs: { type: 'string', default: '3' }, events: { type: 'string', default: '1000000' }, stages: { type: 'string' } });
const runs = countOption(values, 'runs', USAGE);
const events = countOption(values, 'events', USAGE, 16);
const STAGE = fileURLToPath(new URL('./stage.ts', import.meta.url));

interface StageRun {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly peakRssMB: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

function measure(stage: string, path: string) {
  const samples: StageRun[] = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`bench: ${stage} run ${i + 1}/${runs}\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', STAGE, stage, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    samples.push(JSON.parse(out) as StageRun);
  }
  return {
    events: samples[0]!.events,
    eventsPerSecond: Math.round(median(samples.map((s) => s.eventsPerSecond))),
    peakRssMB: round(median(samples.map((s) => s.peakRssMB))),
    runsEventsPerSecond: samples.map((s) => Math.round(s.eventsPerSecond)),
  };
}

const shape = { processes: 16, events, messageProbability: 0.3, seed: 1 };
const wanted = typeof values.stages === 'string' ? values.stages.split(',') : ALL_STAGES;
const unknown = wanted.filter((stage) => !ALL_STAGES.includes(stage));
if (unknown.length > 0) {
  process.stderr.write(`unknown stage ${unknown.join(', ')}\n\n${USAGE}\n`);
  process.exit(2);
}
const INSTRUMENTATION = ['record-cost', 'clock-header'];
const traceStages = wanted.filter((stage) => stage !== 'check' && !INSTRUMENTATION.includes(stage));
// Traces are made (once, cached) only for the stages that read them.
const path = traceStages.length > 0 ? await benchTrace(shape) : '';
const quarter = wanted.includes('order') ? await benchTrace({ ...shape, events: Math.round(events / 4) }) : '';

// The check stage runs on the uploader's own trace (16 processes: 4 users, 11 workers, a cleaner).
const uploaderShape = { events, uploads: Math.max(1, Math.round(events / 100)), users: 4, workers: 11, seed: 1 };
const uploaderPath = wanted.includes('check') ? await uploaderTrace(uploaderShape) : undefined;
const results: Record<string, ReturnType<typeof measure>> = {};
for (const stage of traceStages) results[stage] = measure(stage, path);
// A quarter of the length with the same uploads: what the checker keeps grows with the live
// uploads (the spec's own state), and must not grow with the length of the trace.
const uploaderQuarter = uploaderPath === undefined ? undefined : await uploaderTrace({ ...uploaderShape, events: Math.round(events / 4) });
const checkSuite = uploaderPath === undefined || uploaderQuarter === undefined ? undefined : {
  trace: { ...uploaderShape, file: uploaderPath },
  'decode-only': measure('decode-only', uploaderPath),
  check: measure('check', uploaderPath),
  checkQuarter: measure('check', uploaderQuarter),
};
const orderQuarter = wanted.includes('order') ? measure('order', quarter) : undefined;

// The service side: `record` with batches encoded as the NDJSON and Kafka exporters do, and the
// clock header's size, against the number of processes in the clock.
const PROCESS_COUNTS = [1, 10, 100, 1000];
const recordCost: Record<string, { nsPerRecordMedian: number; samples: number[]; exporterEncodeNsPerEvent: number }> = {};
if (wanted.includes('record-cost')) {
  for (const processes of PROCESS_COUNTS) {
    process.stderr.write(`bench: record-cost with ${processes} processes\n`);
    const { nsPerRecordMedian, samples, encodeNsPerEventMedian } = await measureRecordCost({ events: 100_000, processes, samples: 2 * runs + 1, exporter: 'json' });
    recordCost[`${processes} processes`] = { nsPerRecordMedian: Math.round(nsPerRecordMedian), samples: samples.map(Math.round), exporterEncodeNsPerEvent: Math.round(encodeNsPerEventMedian) };
  }
}
const clockHeader = wanted.includes('clock-header') ? Object.fromEntries(clockHeaderSizes(PROCESS_COUNTS).map(({ processes, bytes }) => [`${processes} processes`, bytes])) : undefined;

const base = results['decode-only']?.eventsPerSecond;
const ratio = (stage: string) => (base === undefined || results[stage] === undefined ? undefined : round(results[stage]!.eventsPerSecond / base));
const report = {
  machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
  trace: path === '' ? undefined : { ...shape, file: path },
  runs,
  stages: results,
  ratiosToDecodeOnly: Object.fromEntries(wanted.map((s) => [s, ratio(s)])),
  check: checkSuite === undefined ? undefined : {
    ...checkSuite,
    ratioToDecodeOnly: round(checkSuite.check.eventsPerSecond / checkSuite['decode-only'].eventsPerSecond),
  },
  instrumentation: {
    recordNsPerEvent: wanted.includes('record-cost') ? recordCost : undefined,
    clockHeaderBytes: clockHeader,
  },
  memory: {
    orderPeakRssMB: orderQuarter === undefined ? undefined : { [`${Math.round(events / 4)} events`]: orderQuarter.peakRssMB, [`${events} events`]: results.order!.peakRssMB },
    checkPeakRssMB: checkSuite === undefined ? undefined : {
      [`${checkSuite.checkQuarter.events} events, ${uploaderShape.uploads} uploads`]: checkSuite.checkQuarter.peakRssMB,
      [`${checkSuite.check.events} events, ${uploaderShape.uploads} uploads`]: checkSuite.check.peakRssMB,
    },
  },
  targets: {
    'order ≥ 0.5 × decode-only': ratio('order') === undefined ? undefined : ratio('order')! >= 0.5,
    'order-cli ≥ 300,000 events/s end to end': results['order-cli'] === undefined ? undefined : results['order-cli'].eventsPerSecond >= 300_000,
    'order peak RSS < 300 MB': results.order === undefined ? undefined : results.order.peakRssMB < 300,
    'check ≥ 0.33 × decode-only': checkSuite === undefined ? undefined : checkSuite.check.eventsPerSecond / checkSuite['decode-only'].eventsPerSecond >= 0.33,
    'check ≥ 250,000 events/s (uploader)': checkSuite === undefined ? undefined : checkSuite.check.eventsPerSecond >= 250_000,
    'check-one-configuration ≥ 250,000 events/s end to end': results['check-one-configuration'] === undefined ? undefined : results['check-one-configuration'].eventsPerSecond >= 250_000,
    'record < 2 µs median (1 to 1,000 processes)': wanted.includes('record-cost') ? PROCESS_COUNTS.every((n) => recordCost[`${n} processes`]!.nsPerRecordMedian < 2000) : undefined,
  },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
