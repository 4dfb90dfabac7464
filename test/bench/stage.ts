// One benchmark stage in a fresh process, so each has its own heap and peak RSS.
// Usage: node --import tsx test/bench/stage.ts <stage> <trace.ndjson>; prints one JSON line.
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { lastValueFrom, tap } from 'rxjs';
import { NdjsonLineSplitter, checkTraceFilesReadable, readTraceFiles } from '../../adapters/index.ts';
import { DEFAULT_LIMITS, causalOrder, checkTrace, decodeEvent, type CheckItem } from '../../monitor/index.ts';
import type { Spec } from '../../properties/index.ts';
import uploader from '../../examples/uploader/spec.ts';
import eventCount from './event-count-spec.ts';
import { runCli } from '../../monitor/cli/main.ts';

type Stage = (path: string) => Promise<number>;

/** Reads lines exactly as the file adapter does, handing each to `perLine`. */
async function eachLine(path: string, perLine: (text: string, line: number) => void): Promise<void> {
  const splitter = new NdjsonLineSplitter(DEFAULT_LIMITS.maxEventBytes);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) for (const l of splitter.push(chunk as Buffer)) if (l.text !== undefined) perLine(l.text, l.line);
  for (const l of splitter.end()) if (l.text !== undefined) perLine(l.text, l.line);
}

const nullOutput = () => new Writable({ write: (_chunk, _encoding, done) => done() });

const stages: Record<string, Stage> = {
  'decode-only': async (path) => {
    let count = 0;
    await eachLine(path, (text) => {
      if (JSON.parse(text) !== null) count++;
    });
    return count;
  },
  'decode-validate': async (path) => {
    let count = 0;
    await eachLine(path, (text, line) => {
      if (decodeEvent(text, { source: path, line }).type === 'event') count++;
    });
    return count;
  },
  order: async (path) => countOrdered(path, {}),
  // What `specwatch check` runs: arrival-order causal delivery, then the exploring checker.
  check: async (path) => {
    const { events, alerts } = await checked(path, uploader);
    if (alerts.length > 0) throw new Error(`the fixed uploader load raised ${alerts.length} alerts`);
    return events;
  },
  // The same pipeline as check, with a spec that keeps one configuration throughout (event-count-spec.ts).
  'check-one-configuration': async (path) => {
    const { events, alerts, peakConfigurations } = await checked(path, eventCount);
    if (alerts.length > 0) throw new Error(`the event-count spec raised an alert: ${JSON.stringify(alerts[0]).slice(0, 300)}`);
    if (peakConfigurations !== 1) throw new Error(`expected one configuration throughout, the checker kept up to ${peakConfigurations}`);
    return events;
  },
  'order-live': async (path) => countOrdered(path, { settle: 0 }),
  'order-cli': async (path) => {
    let count = 0;
    const stdout = Object.assign(nullOutput(), { isTTY: false });
    stdout.on('pipe', () => undefined);
    const counting = new Writable({ write: (chunk: Buffer | string, _e, done) => { count += String(chunk).split('\n').length - 1; done(); } });
    const status = await runCli(['order', '--quiet', path], { stdout: counting, stderr: stdout, readTraceFiles, checkTraceFilesReadable });
    if (status !== 0) throw new Error(`specwatch order exited ${status}`);
    return count;
  },
};

/** One file through causal order and the checker, as `specwatch check` runs it. */
async function checked<S, L>(path: string, spec: Spec<S, L>): Promise<{ events: number; alerts: CheckItem[]; peakConfigurations: number }> {
  const result = { events: 0, alerts: [] as CheckItem[], peakConfigurations: 0 };
  await lastValueFrom(readTraceFiles([path]).pipe(checkTrace(spec), tap((item) => {
    if (item.type !== 'summary') result.alerts.push(item);
    else [result.events, result.peakConfigurations] = [item.events, item.peakConfigurations];
  })), { defaultValue: null });
  return result;
}

async function countOrdered(path: string, options: { settle?: number }): Promise<number> {
  let count = 0;
  await lastValueFrom(readTraceFiles([path]).pipe(causalOrder(options), tap((item) => { if (item.type === 'delivered') count++; })), { defaultValue: null });
  return count;
}

const [name, path] = process.argv.slice(2);
const stage = name === undefined ? undefined : stages[name];
if (stage === undefined || path === undefined) {
  process.stderr.write(`usage: stage.ts <${Object.keys(stages).join('|')}> <trace.ndjson>\n`);
  process.exit(2);
}
const started = process.hrtime.bigint();
const events = await stage(path);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ stage: name, events, seconds, eventsPerSecond: events / seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
