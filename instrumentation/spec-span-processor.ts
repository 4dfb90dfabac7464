/**
 * Spans marked with a spec action become spec events: set `spec.action` (and `spec.param.*`) on a
 * span, and its end is recorded. The event is recorded at the span's end, so its clock includes
 * the receives that happened during the span: right for a handler whose action completes there.
 */
import { context, diag, trace, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ActionParams } from './format.ts';

export const SPEC_ACTION_ATTRIBUTE = 'spec.action';
export const SPEC_PARAM_PREFIX = 'spec.param.';

/** Where the actions go; a SpecRecorder is one. */
export interface ActionRecorder {
  record(action: string, params: ActionParams): unknown;
}

/**
 * Only spans the sampler records reach a processor: with a sampler that drops spans, their actions
 * are not recorded either (use an always-on sampler for spans that carry actions).
 */
export class SpecSpanProcessor implements SpanProcessor {
  readonly #recorder: ActionRecorder;

  constructor(recorder: ActionRecorder) {
    this.#recorder = recorder;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const action = span.attributes[SPEC_ACTION_ATTRIBUTE];
    if (typeof action !== 'string' || action === '') return;
    const params: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(span.attributes)) {
      if (!key.startsWith(SPEC_PARAM_PREFIX) || key.length === SPEC_PARAM_PREFIX.length) continue;
      const keep = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      if (keep) Object.defineProperty(params, key.slice(SPEC_PARAM_PREFIX.length), { value, enumerable: true, writable: true, configurable: true });
    }
    // span.end() may run outside the span's context: make the ended span the active one, so the
    // recorder stamps its trace and span ids.
    const ended = trace.setSpan(context.active(), trace.wrapSpanContext(span.spanContext()));
    try {
      context.with(ended, () => this.#recorder.record(action, params));
    } catch (error) {
      // span.end() is application code's call: a processor reports, it does not throw into it.
      diag.error(`specwatch: recording ${action} failed`, error);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  // The recorder belongs to the application, which flushes and shuts it down after the SDK.
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
