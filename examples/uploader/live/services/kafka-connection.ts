import kafkajs from 'kafkajs';
import { kafkaClient } from '../../../../adapters/kafka/index.ts';

// kafkajs is CommonJS: its values come off the default export.
const { logLevel } = kafkajs;

/**
 * The adapter's kafkajs client, its errors on stderr as one line each, named by the process.
 * `retries` bounds how long an unreachable broker is retried (8: about half a minute).
 */
export function kafkaConnection(clientId: string, brokers: readonly string[], retries = 8): kafkajs.Kafka {
  const log = (line: string): void => {
    // kafkajs logs each rebalance (a worker joining or crashing) as an error; here it is routine.
    if (/rebalanc/i.test(line)) return;
    process.stderr.write(`${clientId}: ${line}\n`);
  };
  return kafkaClient({ clientId, brokers }, log, {
    // Few retries: the caller reports the failure itself, once.
    logLevel: retries < 8 ? logLevel.NOTHING : logLevel.ERROR,
    retry: { initialRetryTime: 200, retries },
  });
}
