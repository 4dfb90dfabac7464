// A single-node Kafka (KRaft) for development, tests and CI without Docker: Maven fetches the jars
// once into a cache (kafka-distribution.ts), and each broker runs detached from a data dir of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { isAlive, removePid, runningPid, terminate, writePid } from './broker-process.ts';
import { LOG_TAIL_LINES, exists, noLog, run, seconds, setupError, size, sleep, tail } from './broker-setup.ts';
import { JAVA_HINT, fetchKafka, kafkaHome, kafkaVersion, requireJava, type KafkaDistributionOptions } from './kafka-distribution.ts';
import { clusterId, freePort, javaArgs, log4jProperties, portIsFree, serverProperties } from './kraft-config.ts';

export { DEFAULT_KAFKA_VERSION, fetchKafka, missingPrerequisites } from './kafka-distribution.ts';

export interface LocalBrokerOptions extends KafkaDistributionOptions {
  /** Broker listener port, default 9092; 0 picks a free port. */
  readonly port?: number;
  /** KRaft controller listener port; default a free port. */
  readonly controllerPort?: number;
  /**
   * The broker's own dir, default <home>/data-<port>: server.properties, kafka.pid, server.log (its
   * log), console.log (the JVM's output), cluster-id and logs/ (Kafka's storage).
   */
  readonly dataDir?: string;
}

export interface LocalBroker {
  /** '127.0.0.1:<port>', for kafkajs `brokers` or SPECWATCH_KAFKA_BROKERS. */
  readonly brokers: string;
  readonly pid: number;
  readonly dataDir: string;
  /** Milliseconds from launching the JVM until it answered; 0 when it was already running. */
  readonly startedInMs: number;
  stop(): Promise<void>;
}

export interface LocalBrokerStatus {
  readonly running: boolean;
  readonly brokers?: string;
  readonly pid?: number;
}

const DEFAULT_PORT = 9092;
const SERVE_TIMEOUT_MS = 60_000;
const CLIENT_ID = 'specwatch-local-broker';

function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw setupError(`The ${what} must be an integer from 0 to 65535, got ${port}`);
  return port;
}

/** The data dir an existing broker is found by; port 0 names no broker, so it needs one. */
function knownDataDir(options: LocalBrokerOptions): string {
  if (options.dataDir !== undefined) return resolve(options.dataDir);
  const port = checkPort(options.port ?? DEFAULT_PORT, 'port');
  if (port === 0) throw setupError('With port 0 the broker is found by its data dir: pass dataDir (--data-dir)');
  return join(kafkaHome(options), `data-${port}`);
}

/** The broker's address, from the server.properties it was started with. */
async function advertisedBrokers(dataDir: string): Promise<string | undefined> {
  const text = await readFile(join(dataDir, 'server.properties'), 'utf8').catch(() => '');
  const match = /^advertised\.listeners=PLAINTEXT:\/\/(\S+)$/m.exec(text);
  return match?.[1];
}

type Answer = { readonly serving: true; readonly clusterId: string } | { readonly serving: false };

/** Asks the broker for its cluster once, without retries. */
async function ask(brokers: string): Promise<Answer> {
  const kafka = new Kafka({ clientId: CLIENT_ID, brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000, requestTimeout: 2_000 });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { serving: true, clusterId: cluster.clusterId };
  } catch {
    return { serving: false };
  } finally {
    await admin.disconnect().catch(noLog);
  }
}

interface Launch {
  readonly pid: number;
  /** Set once the process exits; the launching process learns of it without polling. */
  readonly exited: () => string | undefined;
  /** Sizes of server.log and console.log at launch: earlier runs' lines would mislead. */
  readonly logOffsets: { readonly server: number; readonly console: number };
}

async function brokerLogTail(dataDir: string, launch: Launch): Promise<string> {
  const serverLog = join(dataDir, 'server.log');
  const server = await tail(serverLog, 10_000, launch.logOffsets.server);
  const lines = server === '' ? [] : server.split('\n');
  // A fatal startup error is followed by many lines of orderly shutdown; show it first.
  const errors = lines.filter((line) => / (ERROR|FATAL) /.test(line)).slice(0, 5);
  const consoleOut = await tail(join(dataDir, 'console.log'), LOG_TAIL_LINES, launch.logOffsets.console);
  return [
    errors.length === 0 ? '' : `--- first errors in ${serverLog}\n${errors.join('\n')}`,
    lines.length === 0 ? '' : `--- last lines of ${serverLog}\n${lines.slice(-LOG_TAIL_LINES).join('\n')}`,
    consoleOut === '' ? '' : `--- last lines of ${join(dataDir, 'console.log')} (the JVM's output)\n${consoleOut}`,
  ].filter((part) => part !== '').join('\n');
}

/** Polls until the broker answers with our cluster id, the process dies, or the time runs out. */
async function waitUntilServing(brokers: string, expectedClusterId: string, dataDir: string, launch: Launch): Promise<void> {
  const deadline = Date.now() + SERVE_TIMEOUT_MS;
  for (;;) {
    const answer = await ask(brokers);
    if (answer.serving && answer.clusterId === expectedClusterId) return;
    const exit = launch.exited() ?? ((await isAlive(launch.pid)) ? undefined : 'exited');
    const context = { dataDir, brokers, log: join(dataDir, 'server.log') };
    if (exit !== undefined) {
      throw setupError(`The Kafka broker (pid ${launch.pid}) ${exit} before serving on ${brokers}. Its log: ${join(dataDir, 'server.log')}\n${await brokerLogTail(dataDir, launch)}`, undefined, context);
    }
    if (answer.serving) {
      throw setupError(`Another Kafka cluster (id ${answer.clusterId}) answers on ${brokers}; stop it or choose another port`, undefined, context);
    }
    if (Date.now() > deadline) {
      throw setupError(`The Kafka broker (pid ${launch.pid}) did not serve on ${brokers} within ${SERVE_TIMEOUT_MS / 1000}s. Its log: ${join(dataDir, 'server.log')}\n${await brokerLogTail(dataDir, launch)}`, undefined, context);
    }
    await sleep(250);
  }
}

function handle(brokers: string, pid: number, dataDir: string, startedInMs: number, log: (line: string) => void): LocalBroker {
  return {
    brokers, pid, dataDir, startedInMs,
    stop: async () => {
      await stopLocalBroker({ dataDir, log });
    },
  };
}

/**
 * Starts a single-node KRaft broker in the background and resolves once it serves; when one of
 * ours already runs on the data dir, waits for it to serve and returns it instead.
 */
export async function startLocalBroker(options: LocalBrokerOptions = {}): Promise<LocalBroker> {
  const log = options.log ?? noLog;
  const version = kafkaVersion(options);
  const requestedPort = checkPort(options.port ?? DEFAULT_PORT, 'port');

  if (options.dataDir !== undefined || requestedPort !== 0) {
    const dataDir = knownDataDir(options);
    const pid = await runningPid(dataDir, log);
    if (pid !== undefined) {
      const brokers = await advertisedBrokers(dataDir);
      if (brokers === undefined) throw setupError(`A broker runs from ${dataDir} (pid ${pid}) but its server.properties is unreadable; stop it first`);
      if (options.port !== undefined && requestedPort !== 0 && !brokers.endsWith(`:${requestedPort}`)) {
        throw setupError(`A broker from ${dataDir} already runs on ${brokers} (pid ${pid}), not on port ${requestedPort}; stop it first or use another data dir`);
      }
      await waitUntilServing(brokers, await clusterId(dataDir), dataDir, { pid, exited: () => undefined, logOffsets: { server: 0, console: 0 } });
      log(`Kafka already running on ${brokers} (pid ${pid}, data dir ${dataDir})`);
      return handle(brokers, pid, dataDir, 0, log);
    }
  }

  const java = await requireJava();
  const libs = await fetchKafka(options);
  const port = requestedPort === 0 ? await freePort() : requestedPort;
  const controllerPort = options.controllerPort === undefined || options.controllerPort === 0
    ? await freePort(port)
    : checkPort(options.controllerPort, 'controller port');
  if (controllerPort === port) throw setupError(`The broker and controller ports must differ (both ${port})`);
  for (const [p, what] of [[port, 'broker'], [controllerPort, 'controller']] as const) {
    if (!(await portIsFree(p))) throw setupError(`Port ${p} on 127.0.0.1 (for the ${what} listener) is already in use, perhaps by another Kafka; stop it or choose another port`, undefined, { port: p });
  }
  const dataDir = options.dataDir === undefined ? join(kafkaHome(options), `data-${port}`) : resolve(options.dataDir);
  const brokers = `127.0.0.1:${port}`;
  await mkdir(dataDir, { recursive: true });
  const propertiesFile = join(dataDir, 'server.properties');
  await writeFile(propertiesFile, serverProperties(port, controllerPort, dataDir));
  await writeFile(join(dataDir, 'log4j.properties'), log4jProperties(dataDir));
  const id = await clusterId(dataDir);

  if (!(await exists(join(dataDir, 'logs', 'meta.properties')))) {
    log(`formatting storage in ${join(dataDir, 'logs')} (cluster id ${id})…`);
    const formatted = await run(java, javaArgs(dataDir, libs, 'kafka.tools.StorageTool',
      ['format', '-t', id, '-c', propertiesFile, '--ignore-formatted'], ['-Xmx256m']));
    if (formatted.code !== 0) {
      throw setupError(`Formatting Kafka's storage in ${join(dataDir, 'logs')} failed (exit ${formatted.code}):\n${formatted.output.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n')}`, undefined, { dataDir });
    }
  }

  log(`starting Kafka ${version} on ${brokers} (log: ${join(dataDir, 'server.log')})…`);
  const logOffsets = { server: await size(join(dataDir, 'server.log')), console: await size(join(dataDir, 'console.log')) };
  const began = Date.now();
  const consoleOut = openSync(join(dataDir, 'console.log'), 'a');
  let child: ChildProcess;
  try {
    // Detached in its own session with no pipes to us: the broker outlives the command that started it.
    child = spawn(java, javaArgs(dataDir, libs, 'kafka.Kafka', [propertiesFile], ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC']),
      { cwd: dataDir, detached: true, stdio: ['ignore', consoleOut, consoleOut] });
  } finally {
    closeSync(consoleOut);
  }
  const pid = await new Promise<number>((done, fail) => {
    child.once('error', (error) => fail(setupError(`Could not start ${java}: ${error.message}. ${JAVA_HINT}`, error)));
    child.once('spawn', () => (child.pid === undefined ? fail(setupError(`Could not start ${java}`)) : done(child.pid)));
  });
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
  });
  child.unref();
  await writePid(dataDir, pid);
  try {
    await waitUntilServing(brokers, id, dataDir, { pid, exited: () => exit, logOffsets });
  } catch (error) {
    // A broker that never served is of no use to anyone; do not leave it running.
    if (exit === undefined) await terminate(pid, log).catch(noLog);
    await removePid(dataDir);
    throw error;
  }
  const startedInMs = Date.now() - began;
  log(`Kafka ${version} serving on ${brokers} (pid ${pid}, up in ${seconds(startedInMs)})`);
  return handle(brokers, pid, dataDir, startedInMs, log);
}

/** Stops our broker on the data dir; resolves true when one was running. */
export async function stopLocalBroker(options: LocalBrokerOptions = {}): Promise<boolean> {
  const log = options.log ?? noLog;
  const dataDir = knownDataDir(options);
  const pid = await runningPid(dataDir, log);
  if (pid === undefined) return false;
  log(`stopping Kafka (pid ${pid})…`);
  const began = Date.now();
  await terminate(pid, log);
  await removePid(dataDir);
  log(`stopped Kafka (pid ${pid}) in ${seconds(Date.now() - began)}`);
  return true;
}

/** Whether our broker runs on the data dir (the process; it may still be starting). */
export async function localBrokerStatus(options: LocalBrokerOptions = {}): Promise<LocalBrokerStatus> {
  const dataDir = knownDataDir(options);
  const pid = await runningPid(dataDir, options.log ?? noLog);
  if (pid === undefined) return { running: false };
  const brokers = await advertisedBrokers(dataDir);
  return brokers === undefined ? { running: true, pid } : { running: true, brokers, pid };
}
