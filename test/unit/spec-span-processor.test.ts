import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionParams } from '../../instrumentation/format.ts';
import { SPEC_ACTION_ATTRIBUTE, SPEC_PARAM_PREFIX, SpecSpanProcessor } from '../../instrumentation/spec-span-processor.ts';

/** What the processor asked to record, with the span that was active when it asked. */
interface Recorded {
  readonly action: string;
  readonly params: ActionParams;
  readonly activeSpanId: string | undefined;
}

function fakeRecorder(): { recorded: Recorded[]; record(action: string, params: ActionParams): void } {
  const recorded: Recorded[] = [];
  return { recorded, record: (action, params) => void recorded.push({ action, params, activeSpanId: trace.getActiveSpan()?.spanContext().spanId }) };
}

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
afterAll(() => {
  contextManager.disable();
  context.disable();
});

describe('SpecSpanProcessor', () => {
  it('names the attributes', () => {
    expect(SPEC_ACTION_ATTRIBUTE).toBe('spec.action');
    expect(SPEC_PARAM_PREFIX).toBe('spec.param.');
  });

  it('records a span marked with spec.action at its end, with its spec.param.* attributes as params', () => {
    const recorder = fakeRecorder();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SpecSpanProcessor(recorder)] }).getTracer('test');
    const span = tracer.startSpan('upload', {
      attributes: { 'spec.action': 'CreateContent', 'spec.param.id': 7, 'spec.param.name': 'a.txt', 'spec.param.final': false, 'spec.param.tags': ['x'], 'spec.param.': 1, 'http.method': 'POST' },
    });
    span.setAttribute('spec.param.version', 2);
    span.setAttribute('spec.param.__proto__', 'kept');
    expect(recorder.recorded).toEqual([]);
    span.end();
    expect(recorder.recorded).toHaveLength(1);
    const [event] = recorder.recorded;
    expect(event!.action).toBe('CreateContent');
    expect(Object.entries(event!.params)).toEqual([['id', 7], ['name', 'a.txt'], ['final', false], ['version', 2], ['__proto__', 'kept']]);
    // The recorder sees the ended span as the active one, so it stamps that span's ids.
    expect(event!.activeSpanId).toBe(span.spanContext().spanId);
  });

  it('leaves spans without a string spec.action alone', () => {
    const recorder = fakeRecorder();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SpecSpanProcessor(recorder)] }).getTracer('test');
    tracer.startSpan('plain', { attributes: { 'spec.param.id': 1 } }).end();
    tracer.startSpan('number', { attributes: { 'spec.action': 3 } }).end();
    tracer.startSpan('empty', { attributes: { 'spec.action': '' } }).end();
    expect(recorder.recorded).toEqual([]);
  });

  it('does not throw into span.end() when recording fails', () => {
    const failing = { record: (): never => { throw new Error('recorder shut down'); } };
    const tracer = new BasicTracerProvider({ spanProcessors: [new SpecSpanProcessor(failing)] }).getTracer('test');
    expect(() => tracer.startSpan('x', { attributes: { 'spec.action': 'A' } }).end()).not.toThrow();
  });

  it('sees only sampled spans: an unsampled span records nothing', () => {
    const recorder = fakeRecorder();
    const tracer = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SpecSpanProcessor(recorder)] }).getTracer('test');
    tracer.startSpan('dropped', { attributes: { 'spec.action': 'A' } }, ROOT_CONTEXT).end();
    expect(recorder.recorded).toEqual([]);
  });

  it('shutdown and forceFlush resolve without touching the recorder', async () => {
    const processor = new SpecSpanProcessor({ record: () => { throw new Error('not expected'); } });
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    await expect(processor.shutdown()).resolves.toBeUndefined();
  });
});
