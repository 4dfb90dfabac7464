import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogLine } from '../../adapters/kafka/kafka-log-line.ts';

const { logLevel } = kafkajs;
const entry = (level: number, message: string, error?: string) => ({ level, log: { timestamp: '', logger: 'kafkajs', message, ...(error === undefined ? {} : { error }) } });

describe('kafkaLogLine', () => {
  it('tells a retriable broker answer that kafkajs logs as an error for the warning it is', () => {
    expect(kafkaLogLine(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available')))
      .toBe('kafka warn: Response GroupCoordinator(key: 10, version: 2) (The group coordinator is not available; kafkajs retries)');
  });

  it('keeps other errors errors: a refused connection, an answer kafkajs does not retry', () => {
    expect(kafkaLogLine(entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:1')))
      .toBe('kafka error: Connection error: connect ECONNREFUSED 127.0.0.1:1');
    expect(kafkaLogLine(entry(logLevel.ERROR, 'Response SaslAuthenticate(key: 36, version: 1)', 'Request is not valid given the current SASL state')))
      .toBe('kafka error: Response SaslAuthenticate(key: 36, version: 1) (Request is not valid given the current SASL state)');
  });

  it('names the level and leaves out an error that repeats the message', () => {
    expect(kafkaLogLine(entry(logLevel.WARN, 'Topic is not assigned', 'Topic is not assigned'))).toBe('kafka warn: Topic is not assigned');
  });
});
