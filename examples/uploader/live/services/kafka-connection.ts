import kafkajs from 'kafkajs';

// kafkajs is CommonJS: its classes come off the default export.
const { Kafka, logLevel } = kafkajs;

/**
 * A kafkajs client whose errors go to stderr as one line each, named by the process.
 * `retries` bounds how long an unreachable broker is retried (8: about half a minute).
 */
export function kafkaConnection(clientId: string, brokers: readonly string[], retries = 8): kafkajs.Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    // Few retries: the caller reports the failure itself, once.
    logLevel: retries < 8 ? logLevel.NOTHING : logLevel.ERROR,
    logCreator: () => ({ log }) => {
      const error = typeof log.error === 'string' ? log.error : '';
      // kafkajs logs each rebalance (a worker joining or crashing) as an error; here it is routine.
      if (/rebalanc/i.test(error)) return;
      process.stderr.write(`${clientId}: kafka: ${log.message}${error !== '' && error !== log.message ? ` (${error})` : ''}\n`);
    },
    retry: { initialRetryTime: 200, retries },
  });
}

/** `host:port,host:port` as kafkajs wants it; throws on an empty or malformed list. */
export function brokerList(text: string): string[] {
  const brokers = text.split(',').map((b) => b.trim()).filter((b) => b !== '');
  const bad = brokers.find((b) => !/^[^:\s]+:\d{1,5}$/.test(b));
  if (brokers.length === 0 || bad !== undefined) throw new Error(`brokers: expected host:port[,host:port…], got '${text}'`);
  return brokers;
}
