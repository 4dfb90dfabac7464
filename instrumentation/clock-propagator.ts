/**
 * OpenTelemetry carries the clocks: whatever instrumentation injects trace context into an HTTP
 * request or a Kafka message also injects the sender's clock, and extracting it is a receive.
 */
import { createContextKey, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, isTracingSuppressed } from '@opentelemetry/core';
import { CLOCK_HEADER, DEFAULT_CLOCK_HEADER_LIMITS, decodeClockHeader, encodeClockHeader, type ClockHeaderLimits } from './clock-header.ts';
import type { VectorClock } from './vector-clock.ts';

/** The process clock a propagator reads and merges into; a SpecRecorder is one. */
export interface ClockCarrier {
  /** The clock a message sent now carries. */
  clock(): VectorClock;
  /** Merge the clock a message carried into the process clock. */
  receive(clock: VectorClock): void;
}

const RECEIVED_CLOCK = createContextKey('specwatch received clock');

/** The clock the message being handled carried, when its extract found a valid one. */
export function receivedClock(context: Context): VectorClock | undefined {
  return context.getValue(RECEIVED_CLOCK) as VectorClock | undefined;
}

export class SpecClockPropagator implements TextMapPropagator {
  readonly #clocks: ClockCarrier;
  readonly #limits: ClockHeaderLimits;
  #rejected = 0;

  constructor(clocks: ClockCarrier, limits: ClockHeaderLimits = {}) {
    this.#clocks = clocks;
    this.#limits = limits;
  }

  /** How many malformed or over-limit clock headers extract ignored. */
  get rejected(): number {
    return this.#rejected;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    // Suppressed: the SDK's own traffic (exporters), which is no message of the system under test.
    if (isTracingSuppressed(context)) return;
    const encoded = encodeClockHeader(this.#clocks.clock());
    if (encoded !== '') setter.set(carrier, CLOCK_HEADER, encoded);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const maxLength = this.#limits.maxLength ?? DEFAULT_CLOCK_HEADER_LIMITS.maxLength;
    const text = headerText(getter.get(carrier, CLOCK_HEADER), maxLength);
    if (text === undefined) return context;
    const clock = decodeClockHeader(text, this.#limits);
    if (clock === undefined) {
      this.#rejected++;
      return context;
    }
    this.#clocks.receive(clock);
    return context.setValue(RECEIVED_CLOCK, clock);
  }

  fields(): string[] {
    return [CLOCK_HEADER];
  }
}

const utf8 = new TextDecoder();

/**
 * The header value as text. Getters are typed to return strings, but OpenTelemetry's default
 * getter hands Kafka header values through as they are: Buffers, or arrays of them.
 */
function headerText(value: unknown, maxLength: number): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  // One byte past the limit is enough for decode to reject it, without decoding a huge header.
  if (first instanceof Uint8Array) return utf8.decode(first.subarray(0, maxLength + 1));
  return undefined;
}

/** The propagator to give NodeSDK: W3C trace context and baggage, and the clock. */
export function specwatchPropagator(clocks: ClockCarrier, limits?: ClockHeaderLimits): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new SpecClockPropagator(clocks, limits)],
  });
}
