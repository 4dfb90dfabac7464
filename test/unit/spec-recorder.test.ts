import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import type { Context, ContextManager } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { Kafka, Producer, ProducerRecord } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventExporter, ExportResult } from '../../instrumentation/event-exporter.ts';
import type { SpecEvent } from '../../instrumentation/format.ts';
import { incarnationId } from '../../instrumentation/incarnation.ts';
import { KafkaEventExporter } from '../../instrumentation/kafka-event-exporter.ts';
import { MemoryEventExporter } from '../../instrumentation/memory-event-exporter.ts';
import { NdjsonFileExporter } from '../../instrumentation/ndjson-file-exporter.ts';
import { mergeRead, stampWrite } from '../../instrumentation/shared-state-clock.ts';
import { SpecRecorder, type SpecRecorderOptions } from '../../instrumentation/spec-recorder.ts';
import { happenedBefore } from '../../instrumentation/vector-clock.ts';
import { decodeEvent } from '../../monitor/decode-event.ts';

const recorder = (exporter: EventExporter, options: Partial<SpecRecorderOptions> = {}): SpecRecorder =>
  new SpecRecorder({ service: 'worker', exporter, onError: () => undefined, ...options });
const seqs = (events: readonly SpecEvent[]): number[] => events.map((e) => e.seq);

/** An exporter whose exports wait until the test lets them go. */
class GatedExporter implements EventExporter {
  readonly batches: SpecEvent[][] = [];
  #open: Array<() => void> = [];
  #stopped = false;
  export(events: readonly SpecEvent[]): Promise<ExportResult> {
    this.batches.push([...events]);
    return new Promise((resolve) => this.#open.push(() => resolve({ code: 'success' })));
  }
  release(): void {
    for (const open of this.#open.splice(0)) open();
  }
  get inFlight(): number {
    return this.#open.length;
  }
  get stopped(): boolean {
    return this.#stopped;
  }
  async shutdown(): Promise<void> {
    this.#stopped = true;
  }
}

/**
 * A synchronous context manager: `context.with` sets the active context for the call. The
 * AsyncLocalStorage one (@opentelemetry/context-async-hooks) is not installed here.
 */
class StackContextManager implements ContextManager {
  #active: Context = ROOT_CONTEXT;
  active(): Context {
    return this.#active;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.#active;
    this.#active = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.#active = previous;
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#active = ROOT_CONTEXT;
    return this;
  }
}

/** Runs `work` (awaited when async) with a StackContextManager registered, unregistering it after. */
async function withContextManager<T>(work: () => T | Promise<T>): Promise<T> {
  context.setGlobalContextManager(new StackContextManager());
  try {
    return await work();
  } finally {
    context.disable();
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SpecRecorder events', () => {
  it('numbers events 1, 2, 3 with vc[proc] = seq and the format fields', async () => {
    const exporter = new MemoryEventExporter();
    const r = recorder(exporter, { proc: 'worker@0001', now: () => 1234 });
    const events = [r.record('A', { id: 1 }), r.record('B'), r.record('C', { id: 2 })];
    expect(seqs(events)).toEqual([1, 2, 3]);
    for (const e of events) expect(e.vc[r.proc]).toBe(e.seq);
    expect(events[0]).toEqual({ sw: 1, proc: 'worker@0001', seq: 1, vc: { 'worker@0001': 1 }, action: 'A', params: { id: 1 }, service: 'worker', time: 1234 });
    expect(events[1]!.params).toEqual({});
    expect(Object.isFrozen(events[2]!.params)).toBe(true);
    await r.shutdown();
    expect(seqs(exporter.events)).toEqual([1, 2, 3]);
    expect(r.exported).toBe(3);
  });

  it('gives a large clock as it was at the record, though the object is built later', async () => {
    const exporter = new MemoryEventExporter();
    const r = recorder(exporter, { proc: 'worker@0001', now: () => 7 });
    const peers = (count: number): Record<string, number> => Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`peer-${i}@1`, count]));
    r.receive(peers(1));
    const first = r.record('A', { id: 1 });
    const second = r.record('B');
    r.receive({ ...peers(2), 'late@1': 5 });
    const third = r.record('C');
    await r.shutdown();
    expect(exporter.events.map((e) => [e.seq, Object.keys(e.vc).length, e.vc['peer-0@1'], e.vc['late@1'], e.vc['worker@0001']])).toEqual([
      [1, 301, 1, undefined, 1],
      [2, 301, 1, undefined, 2],
      [3, 302, 2, 5, 3],
    ]);
    expect(JSON.parse(JSON.stringify(first)).vc).toEqual({ ...peers(1), 'worker@0001': 1 });
    expect({ ...second }.vc).toEqual({ ...peers(1), 'worker@0001': 2 });
    expect(decodeEvent(JSON.stringify(third), { source: 'test', line: 1 }).type).toBe('event');
  });

  it('defaults proc to a fresh incarnation of the service', () => {
    const a = new SpecRecorder({ service: 'api', exporter: new MemoryEventExporter() });
    const b = new SpecRecorder({ service: 'api', exporter: new MemoryEventExporter() });
    expect(a.proc).toMatch(/^api@[0-9a-f]{8}$/);
    expect(a.proc).not.toBe(b.proc);
  });

  it('makes events after a receive happen after the sender’s events', () => {
    const sender = recorder(new MemoryEventExporter(), { proc: 'api@1' });
    const receiver = recorder(new MemoryEventExporter(), { proc: 'worker@1' });
    const before = receiver.record('Idle');
    const sent = sender.record('Upload');
    const message = sender.clock();
    expect(message).toEqual(sent.vc);
    const unrelated = sender.record('Later');
    receiver.receive(message);
    const handled = receiver.record('Handle');
    expect(happenedBefore(sent.vc, handled.vc)).toBe(true);
    expect(happenedBefore(before.vc, handled.vc)).toBe(true);
    expect(happenedBefore(unrelated.vc, handled.vc)).toBe(false);
    expect(happenedBefore(handled.vc, unrelated.vc)).toBe(false);
    expect(handled.vc).toEqual({ 'worker@1': 2, 'api@1': 1 });
  });

  it('turns shared state into a happens-before edge with stampWrite and mergeRead', () => {
    const writer = recorder(new MemoryEventExporter(), { proc: 'api@1' });
    const reader = recorder(new MemoryEventExporter(), { proc: 'cleaner@1' });
    const db = new Map<string, ReturnType<typeof stampWrite<string>>>();
    const written = writer.record('Write', { key: 'k' });
    db.set('k', stampWrite(writer, 'v1'));
    expect(mergeRead(reader, db.get('missing'))).toBeUndefined();
    expect(mergeRead(reader, db.get('k'))).toBe('v1');
    expect(happenedBefore(written.vc, reader.record('Read', { key: 'k' }).vc)).toBe(true);
  });

  it('stamps the trace ids of the active span, and none without one', async () => {
    const r = recorder(new MemoryEventExporter());
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    const [inside, invalid, outside] = await withContextManager(() => [
      context.with(trace.setSpan(context.active(), trace.wrapSpanContext(spanContext)), () => r.record('Traced')),
      context.with(trace.setSpan(context.active(), trace.wrapSpanContext({ ...spanContext, traceId: '0'.repeat(32) })), () => r.record('Invalid')),
      r.record('Untraced'),
    ]);
    expect(inside!.trace).toEqual({ traceId: spanContext.traceId, spanId: spanContext.spanId });
    expect(invalid).not.toHaveProperty('trace');
    expect(outside).not.toHaveProperty('trace');
  });
});

describe('SpecRecorder batching', () => {
  it('exports a partial batch after scheduledDelayMillis, and not before', async () => {
    vi.useFakeTimers();
    const exporter = new MemoryEventExporter();
    const r = recorder(exporter, { scheduledDelayMillis: 100 });
    r.record('A');
    r.record('B');
    await vi.advanceTimersByTimeAsync(99);
    expect(exporter.events).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(seqs(exporter.events)).toEqual([1, 2]);
  });

  it('exports full batches without waiting, one in flight at a time, at most maxExportBatchSize each', async () => {
    const exporter = new GatedExporter();
    const r = recorder(exporter, { maxExportBatchSize: 3, maxQueueSize: 100, scheduledDelayMillis: 60_000 });
    for (let i = 0; i < 8; i++) r.record('A');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.batches.map(seqs)).toEqual([[1, 2, 3]]);
    exporter.release();
    await vi.waitFor(() => expect(exporter.batches).toHaveLength(2));
    expect(exporter.inFlight).toBe(1);
    const flushed = r.forceFlush();
    for (let i = 0; i < 5 && exporter.batches.length < 3; i++) {
      exporter.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    exporter.release();
    await flushed;
    expect(exporter.batches.map(seqs)).toEqual([[1, 2, 3], [4, 5, 6], [7, 8]]);
    expect(r.exported).toBe(8);
  });

  it('drops events beyond maxQueueSize, and the exported seqs show the gap', async () => {
    const exporter = new GatedExporter();
    const r = recorder(exporter, { maxQueueSize: 4 });
    const events = Array.from({ length: 10 }, (_, i) => r.record('A', { i }));
    expect(seqs(events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.dropped).toBe(6);
    await new Promise((resolve) => setImmediate(resolve));
    exporter.release();
    r.record('B');
    const shutdown = r.shutdown();
    await vi.waitFor(() => expect(exporter.inFlight).toBe(1));
    exporter.release();
    await shutdown;
    expect(exporter.batches.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 11]);
    expect(r.exported).toBe(5);
    expect(exporter.stopped).toBe(true);
  });

  it('counts an export that never settles as failed after 30 s, and still shuts down', async () => {
    vi.useFakeTimers();
    const errors: Error[] = [];
    const never: EventExporter = { export: () => new Promise(() => undefined), shutdown: async () => undefined };
    const r = recorder(never, { onError: (e) => errors.push(e), maxQueueSize: 4 });
    for (let i = 0; i < 10; i++) r.record('A');
    expect(r.dropped).toBe(6);
    const shutdown = r.shutdown();
    await vi.advanceTimersByTimeAsync(30_000);
    await shutdown;
    expect(r.failed).toBe(4);
    expect(errors[0]?.message).toMatch(/did not settle within 30000 ms/);
  });

  it('shutdown flushes everything queued, then drops and counts later records', async () => {
    const exporter = new MemoryEventExporter();
    const r = recorder(exporter, { maxExportBatchSize: 7, scheduledDelayMillis: 60_000 });
    for (let i = 0; i < 20; i++) r.record('A', { i });
    await r.shutdown();
    expect(seqs(exporter.events)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(r.record('Late').seq).toBe(21);
    expect(r.dropped).toBe(1);
    await r.shutdown();
    expect(exporter.events).toHaveLength(20);
    expect(await exporter.export([])).toMatchObject({ code: 'failed' });
  });

  it('reports failed exports to onError and counts them; record never throws', async () => {
    const errors: Error[] = [];
    const failing: EventExporter = {
      export: async () => ({ code: 'failed', error: new Error('broker down') }),
      shutdown: async () => undefined,
    };
    const r = recorder(failing, { onError: (e) => errors.push(e), maxExportBatchSize: 2 });
    for (let i = 0; i < 5; i++) expect(() => r.record('A')).not.toThrow();
    await r.forceFlush();
    expect(r.failed).toBe(5);
    expect(r.exported).toBe(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toMatch(/broker down/);
  });

  it('survives an exporter that breaks its contract by throwing or rejecting', async () => {
    const errors: Error[] = [];
    let calls = 0;
    const broken: EventExporter = {
      export: (): Promise<ExportResult> => {
        if (calls++ === 0) throw new Error('sync throw');
        return Promise.reject(new Error('rejected'));
      },
      shutdown: () => Promise.reject(new Error('shutdown failed')),
    };
    const r = recorder(broken, { onError: (e) => errors.push(e), maxExportBatchSize: 1 });
    r.record('A');
    r.record('B');
    await r.shutdown();
    expect(r.failed).toBe(2);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/sync throw/), expect.stringMatching(/rejected/), 'shutdown failed']);
  });

  it('rejects a bad action or params without throwing, reports once, and leaves a gap at its seq', async () => {
    const errors: Error[] = [];
    const exporter = new MemoryEventExporter();
    const r = recorder(exporter, { onError: (e) => errors.push(e) });
    r.record('A');
    expect(() => r.record('')).not.toThrow();
    expect(() => r.record(undefined as unknown as string)).not.toThrow();
    expect(() => r.record('B', [1] as unknown as Record<string, number>)).not.toThrow();
    const throwingClock = recorder(new MemoryEventExporter(), {
      now: () => {
        throw new Error('clock broke');
      },
    });
    expect(() => throwingClock.record('A')).not.toThrow();
    expect(throwingClock.rejected).toBe(1);
    r.record('C');
    await r.shutdown();
    expect(r.rejected).toBe(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/action must be a non-empty string, got an empty string/);
    expect(exporter.events.map((e) => [e.seq, e.action])).toEqual([[1, 'A'], [5, 'C']]);
  });

  it('validates its configuration at construction', () => {
    const exporter = new MemoryEventExporter();
    expect(() => new SpecRecorder({ service: '', exporter })).toThrow(TypeError);
    expect(() => new SpecRecorder({ service: 'a', proc: 'x'.repeat(201), exporter })).toThrow(/at most 200/);
    expect(() => new SpecRecorder({ service: 'a', exporter, maxQueueSize: 0 })).toThrow(/maxQueueSize/);
  });
});

describe('incarnationId', () => {
  it('appends 8 random hex chars, different each call', () => {
    const a = incarnationId('worker');
    expect(a).toMatch(/^worker@[0-9a-f]{8}$/);
    expect(incarnationId('worker')).not.toBe(a);
  });

  it('rejects names that cannot make a valid proc', () => {
    expect(() => incarnationId('')).toThrow(TypeError);
    expect(incarnationId('x'.repeat(191))).toHaveLength(200);
    expect(() => incarnationId('x'.repeat(192))).toThrow(/at most 191 chars/);
  });
});

describe('NdjsonFileExporter', () => {
  it('appends lines that decodeEvent accepts, creating the directory', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'specwatch-ndjson-')), 'nested', 'dir', 'events.ndjson');
    const exporter = new NdjsonFileExporter(path);
    const r = recorder(exporter, { proc: '__proto__', maxExportBatchSize: 2 });
    r.receive({ constructor: 3 });
    for (let i = 0; i < 5; i++) r.record('Step', { i, name: 'line\n"quoted"' });
    await r.shutdown();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const decoded = lines.map((text, i) => decodeEvent(text, { source: path, line: i + 1 }));
    for (const item of decoded) expect(item.type, JSON.stringify(item)).toBe('event');
    expect(decoded.map((item) => (item.type === 'event' ? [item.event.seq, item.event.vc['__proto__'], item.event.vc['constructor']] : []))).toEqual([
      [1, 1, 3], [2, 2, 3], [3, 3, 3], [4, 4, 3], [5, 5, 3],
    ]);
    expect(await exporter.export([])).toMatchObject({ code: 'failed' });
  });

  it('reports a path it cannot write as failed, and a batch it cannot encode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'specwatch-ndjson-'));
    writeFileSync(join(dir, 'file'), '');
    const r = recorder(new MemoryEventExporter(), { proc: 'p' });
    const event = r.record('A');
    const blocked = new NdjsonFileExporter(join(dir, 'file', 'events.ndjson'));
    const result = await blocked.export([event]);
    expect(result.code).toBe('failed');
    expect(result.error?.message).toMatch(/EEXIST|ENOTDIR/);
    const good = new NdjsonFileExporter(join(dir, 'events.ndjson'));
    const unencodable = r.record('B', { big: 1n } as unknown as Record<string, number>);
    const bad = await good.export([event, unencodable]);
    expect(bad.error?.message).toMatch(/cannot encode p#2/);
    expect((await good.export([event])).code).toBe('success');
    await good.shutdown();
    expect(readFileSync(join(dir, 'events.ndjson'), 'utf8').split('\n')).toHaveLength(2);
  });
});

describe('KafkaEventExporter (fake producer)', () => {
  /** Records what a producer was asked to do, and whether tracing was suppressed at each call. */
  function fakeProducer(fail?: Error) {
    const calls: Array<{ call: string; suppressed: boolean; record?: ProducerRecord }> = [];
    const note = (call: string, record?: ProducerRecord) => calls.push({ call, suppressed: isTracingSuppressed(context.active()), ...(record === undefined ? {} : { record }) });
    const producer = {
      connect: async () => void note('connect'),
      disconnect: async () => void note('disconnect'),
      send: async (record: ProducerRecord) => {
        note('send', record);
        if (fail !== undefined) throw fail;
        return [];
      },
    } as unknown as Producer;
    return { producer, calls };
  }

  it('sends one message per event keyed by proc, untraced, and disconnects only the producer it created', async () => {
    const r = recorder(new MemoryEventExporter(), { proc: 'api@1' });
    const events = [r.record('A'), r.record('B', { id: 7 })];
    const created = fakeProducer();
    let producerConfig: unknown;
    const kafka = { producer: (config: unknown) => ((producerConfig = config), created.producer) } as unknown as Kafka;
    const passed = fakeProducer();
    await withContextManager(async () => {
      const owned = new KafkaEventExporter({ kafka, topic: 't' });
      expect(await owned.export(events)).toEqual({ code: 'success' });
      expect(await owned.export(events)).toEqual({ code: 'success' });
      await owned.shutdown();
      const borrowed = new KafkaEventExporter({ producer: passed.producer, topic: 't' });
      expect(await borrowed.export(events)).toEqual({ code: 'success' });
      await borrowed.shutdown();
      expect((await borrowed.export(events)).code).toBe('failed');
    });
    expect(producerConfig).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    expect(created.calls.map((c) => c.call)).toEqual(['connect', 'send', 'send', 'disconnect']);
    expect(passed.calls.map((c) => c.call)).toEqual(['send']);
    for (const c of [...created.calls, ...passed.calls]) expect(c.suppressed, c.call).toBe(true);
    const messages = created.calls[1]!.record!.messages;
    expect(messages.map((m) => m.key)).toEqual(['api@1', 'api@1']);
    expect(messages.map((m) => JSON.parse(String(m.value)) as SpecEvent)).toEqual(events);
    expect(created.calls[1]!.record!.topic).toBe('t');
  });

  it('reports a failing send as failed', async () => {
    const { producer } = fakeProducer(new Error('not leader'));
    const exporter = new KafkaEventExporter({ producer, topic: 't' });
    const r = recorder(new MemoryEventExporter());
    const result = await exporter.export([r.record('A')]);
    expect(result.code).toBe('failed');
    expect(result.error?.message).toBe('not leader');
  });
});
