import { createRequire } from 'node:module';
import kafkajs, { type LogEntry } from 'kafkajs';

interface ProtocolErrorCode {
  readonly type: string;
  readonly retriable: boolean;
  readonly message: string;
}
// kafkajs's table of broker error codes: CommonJS with no types of its own (kafkajs is pinned).
const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { readonly errorCodes: readonly ProtocolErrorCode[] };

const { logLevel } = kafkajs;
const LEVEL_NAMES: Record<number, string> = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' };

/** What brokers answer while they are busy, which kafkajs retries on its own (its table of error codes). */
const RETRIED = new Set(errorCodes.filter((code) => code.retriable).map((code) => code.message));

/**
 * One kafkajs log entry as a line. kafkajs logs a broker's retriable answer (a coordinator still
 * loading, a topic not yet known) as an error and then retries it: that is a warning here.
 */
export function kafkaLogLine(entry: Pick<LogEntry, 'level' | 'log'>): string {
  const { message, error } = entry.log;
  const retried = entry.level === logLevel.ERROR && typeof error === 'string' && RETRIED.has(error);
  const level = retried ? 'warn' : LEVEL_NAMES[entry.level] ?? 'log';
  const detail = typeof error === 'string' && error !== message ? ` (${error}${retried ? '; kafkajs retries' : ''})` : '';
  return `kafka ${level}: ${message}${detail}`;
}
