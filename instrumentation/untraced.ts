import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/**
 * Runs `work` with tracing suppressed: OpenTelemetry's instrumentations then neither trace
 * specwatch's own traffic (exporters, the monitor's Kafka calls) nor inject clock headers into it.
 */
export function untraced<T>(work: () => T): T {
  return context.with(suppressTracing(context.active()), work);
}
