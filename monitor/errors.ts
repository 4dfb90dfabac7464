/**
 * One error hierarchy for the whole monitor, in the manner of kafkajs: a stable `code`, whether
 * retrying can help, the cause, and context that is safe to log (never credentials).
 */
export type SpecwatchErrorCode =
  | 'USAGE' | 'INPUT_UNREADABLE' | 'OUTPUT_UNWRITABLE' | 'SPEC_INVALID'
  // The local development broker could not be fetched, formatted, started or stopped.
  | 'BROKER_SETUP'
  // Kafka refused or failed after kafkajs's own retries.
  | 'KAFKA'
  | 'INTERNAL';

export interface SpecwatchErrorOptions {
  readonly code: SpecwatchErrorCode;
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly context?: Readonly<Record<string, string | number | boolean>>;
}

export class SpecwatchError extends Error {
  readonly code: SpecwatchErrorCode;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, string | number | boolean>>;

  constructor(message: string, options: SpecwatchErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpecwatchError';
    this.code = options.code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}
