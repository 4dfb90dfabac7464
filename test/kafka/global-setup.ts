/**
 * Gives the Kafka tests a broker: SPECWATCH_KAFKA_BROKERS when set (CI starts one), else a local
 * broker on a free port in a fresh temp dir, else a reason to skip (no Java or Maven here).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { missingPrerequisites, startLocalBroker } from '../../adapters/kafka/local-broker.ts';
import type {} from './kafka-context.ts';

const NO_JAVA_REASON = 'Kafka tests skipped: Java 17+ and Maven are needed to run a local broker (or set SPECWATCH_KAFKA_BROKERS=host:port)';

/**
 * Whether the files this run selected use the broker, so that other runs do not wait for a JVM.
 * Watch mode may select them later, and unreadable filters count as "all files".
 */
async function selectsKafkaTests(project: TestProject): Promise<boolean> {
  if (project.config.watch) return true;
  // Vitest keeps the command line's file filters in an undocumented field; without it all files count.
  const filters = (project.vitest as unknown as { filenamePattern?: unknown }).filenamePattern;
  const strings = Array.isArray(filters) ? filters.filter((f): f is string => typeof f === 'string') : undefined;
  const { testFiles } = await project.globTestFiles(strings);
  if (testFiles.length === 0) return true;
  for (const file of testFiles) {
    const source = await readFile(file, 'utf8').catch(() => '');
    if (source.includes('kafka-context') || source.includes('kafkaBrokers')) return true;
  }
  return false;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const provide = (brokers: string | null, skipReason: string | null): void => {
    project.provide('kafkaBrokers', brokers);
    project.provide('kafkaSkipReason', skipReason);
  };
  const nothingToStop = async (): Promise<void> => {};

  const fromEnv = process.env.SPECWATCH_KAFKA_BROKERS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    provide(fromEnv.trim(), null);
    return nothingToStop;
  }
  if (!(await selectsKafkaTests(project))) {
    provide(null, 'Kafka tests skipped: no selected test file uses Kafka, so no broker was started');
    return nothingToStop;
  }
  const missing = await missingPrerequisites();
  if (missing.length > 0) {
    provide(null, `${NO_JAVA_REASON}; missing: ${missing.join(', ')}`);
    return nothingToStop;
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'specwatch-kafka-test-'));
  // With Java and Maven present a broker that will not start is a failure, not a skip; its data dir
  // (named in the error) stays for reading the full log.
  const broker = await startLocalBroker({ port: 0, dataDir, log: (line) => console.error(`[kafka] ${line}`) });
  // Vitest exits on SIGINT/SIGTERM without running teardowns; the detached broker would outlive it.
  const stopOnExit = (): void => {
    try {
      process.kill(broker.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    stopOnExit();
    // Listening replaced the default of dying; when nobody else handles the signal, die as before.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', stopOnExit);
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  provide(broker.brokers, null);

  return async () => {
    process.off('exit', stopOnExit);
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
