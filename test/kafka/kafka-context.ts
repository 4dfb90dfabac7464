/**
 * The Kafka broker the tests share, provided by test/kafka/global-setup.ts. Test files that need
 * it import this module: the global setup starts a broker only when a selected test file does.
 */
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** 'host:port' of a serving broker, or null when none could be had (see kafkaSkipReason). */
    kafkaBrokers: string | null;
    /** Why Kafka tests skip; null when a broker is provided. */
    kafkaSkipReason: string | null;
  }
}

/** The broker to test against, or undefined when Kafka tests must skip. */
export function kafkaBrokers(): string | undefined {
  return inject('kafkaBrokers') ?? undefined;
}

/** Why Kafka tests skip, or undefined when a broker is provided. */
export function kafkaSkipReason(): string | undefined {
  return inject('kafkaSkipReason') ?? undefined;
}
