import kafkajs, { type KafkaConfig, type LogEntry, type ProducerConfig, type RetryOptions, type SASLOptions } from 'kafkajs';
import { SpecwatchError, type BrokerConnection } from '../../monitor/index.ts';
import { kafkaLogLine } from './kafka-log-line.ts';
import { RepeatedLines } from './repeated-lines.ts';

// kafkajs is CommonJS: its classes come off the default export.
const { Kafka, KafkaJSError, Partitioners, logLevel } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;

/** The connection as it may be printed: brokers, TLS on or off, the SASL user but never its password. */
export function describeConnection(connection: BrokerConnection): string {
  const tls = connection.ssl === undefined ? '' : ', TLS';
  const sasl = connection.sasl === undefined ? '' : `, SASL ${connection.sasl.mechanism} as ${connection.sasl.username}`;
  return `${connection.brokers.join(',')}${tls}${sasl}`;
}

function saslOptions(sasl: NonNullable<BrokerConnection['sasl']>): SASLOptions {
  // One branch per mechanism: kafkajs types each as its own literal.
  switch (sasl.mechanism) {
    case 'plain': return { mechanism: 'plain', username: sasl.username, password: sasl.password };
    case 'scram-sha-256': return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password };
    case 'scram-sha-512': return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password };
  }
}

/** What a caller may change of the client; left out, each is what the monitor and publisher use. */
export interface KafkaClientOptions {
  /** The least severe kafkajs entry passed to `log` (default WARN; NOTHING passes none). */
  readonly logLevel?: kafkajs.logLevel;
  /** How kafkajs retries a broker that does not answer, field by field over the default: 300 ms at first, 8 retries. */
  readonly retry?: RetryOptions;
}

/**
 * A kafkajs client whose own log entries go to `log`, one line each, a repeated one only every
 * 30 s with its count (kafkajs's log entries never carry the SASL password; we add nothing that
 * does). Retries and restarts are kafkajs's own.
 */
export function kafkaClient(connection: BrokerConnection, log: (line: string) => void, options: KafkaClientOptions = {}): Kafka {
  const repeated = new RepeatedLines();
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const line = repeated.pass(kafkaLogLine(entry));
      if (line !== undefined) log(line);
    },
    retry: { initialRetryTime: 300, retries: 8, ...options.retry },
  };
  if (connection.ssl !== undefined) {
    const { ca, cert, key, rejectUnauthorized } = connection.ssl;
    config.ssl = { rejectUnauthorized, ...(ca === undefined ? {} : { ca: [ca] }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
  }
  if (connection.sasl !== undefined) config.sasl = saslOptions(connection.sasl);
  return new Kafka(config);
}

/**
 * Idempotent: kafkajs's retries never duplicate a record, and they are unbounded as idempotence
 * requires (a broker that is down holds the sender, it does not lose records). The default
 * partitioner is Java's murmur2, so a key lands where other languages' producers put it.
 */
export const IDEMPOTENT_PRODUCER: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
};

/** kafkajs failures as our error, keeping kafkajs's own verdict on whether a retry could help. */
export function kafkaFailure(what: string, error: unknown, context: Record<string, string | number | boolean> = {}): SpecwatchError {
  if (error instanceof SpecwatchError) return error;
  const retriable = error instanceof KafkaJSError ? error.retriable : false;
  const reason = error instanceof Error ? error.message : String(error);
  return new SpecwatchError(`${what}: ${reason}`, { code: 'KAFKA', retriable, cause: error, context });
}

export { untraced } from '../../instrumentation/index.ts';
