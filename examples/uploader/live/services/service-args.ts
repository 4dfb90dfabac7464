// Command-line flags the uploader's services share: where the store is, and which queue transport.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { brokerList } from './broker-list.ts';
import { failStartup } from './service-lifecycle.ts';
import type { QueueSettings } from './upload-queue.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export const QUEUE_FLAGS = {
  store: { type: 'string' },
  transport: { type: 'string', default: 'embedded' },
  kafka: { type: 'string' },
  'queue-topic': { type: 'string' },
  group: { type: 'string' },
} as const satisfies Options;

/** The flags, or exit 2 naming the one that is wrong. */
export function serviceFlags<T extends Options>(service: string, options: T): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'] {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (error) {
    return failStartup(service, error);
  }
}

export function required(service: string, flag: string, value: string | undefined): string {
  return value ?? failStartup(service, `--${flag} is required`);
}

export function wholeNumber(service: string, flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : failStartup(service, `--${flag} expects a whole number, got '${raw}'`);
}

export function queueSettings(service: string, values: { store?: string; transport?: string; kafka?: string; 'queue-topic'?: string; group?: string }): QueueSettings {
  const store = required(service, 'store', values.store);
  if (values.transport === 'embedded') return { transport: 'embedded', store };
  if (values.transport !== 'kafka') return failStartup(service, `--transport expects embedded or kafka, got '${values.transport}'`);
  const topic = required(service, 'queue-topic', values['queue-topic']);
  try {
    return { transport: 'kafka', brokers: brokerList(required(service, 'kafka', values.kafka)), topic, group: values.group ?? `${topic}-workers` };
  } catch (error) {
    return failStartup(service, error);
  }
}
