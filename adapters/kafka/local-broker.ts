// A single-node Kafka (KRaft) for development, tests and CI without Docker: Maven fetches the jars
// once into a cache, and each broker runs detached from a data dir of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { access, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { SpecwatchError } from '../../monitor/errors.ts';

export interface LocalBrokerOptions {
  /** Broker listener port, default 9092; 0 picks a free port. */
  readonly port?: number;
  /** KRaft controller listener port; default a free port. */
  readonly controllerPort?: number;
  /** Where Kafka's jars are cached; default $SPECWATCH_KAFKA_HOME or ~/.cache/specwatch/kafka. */
  readonly home?: string;
  /**
   * The broker's own dir, default <home>/data-<port>: server.properties, kafka.pid, server.log (its
   * log), console.log (the JVM's output), cluster-id and logs/ (Kafka's storage).
   */
  readonly dataDir?: string;
  /** Kafka 3.x release to fetch and run; default 3.9.1. */
  readonly kafkaVersion?: string;
  /** Progress lines; default none. */
  readonly log?: (line: string) => void;
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

export const DEFAULT_KAFKA_VERSION = '3.9.1';
const DEFAULT_PORT = 9092;
// Kafka 3.x logs through slf4j 1.7 and needs log4j 1 classes at run time; its pom brings neither backend.
const LOG_BACKEND = [
  { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
  { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
] as const;
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';
const SERVE_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const KILL_TIMEOUT_MS = 5_000;
const LOG_TAIL_LINES = 25;
const PID_FILE = 'kafka.pid';
const CLIENT_ID = 'specwatch-local-broker';

const setupError = (message: string, cause?: unknown, context?: Record<string, string | number | boolean>): SpecwatchError =>
  new SpecwatchError(message, { code: 'BROKER_SETUP', cause, context });

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
const noLog = (): void => {};

function kafkaHome(options: LocalBrokerOptions): string {
  return resolve(options.home ?? process.env.SPECWATCH_KAFKA_HOME ?? join(homedir(), '.cache', 'specwatch', 'kafka'));
}

function kafkaVersion(options: LocalBrokerOptions): string {
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  // The version goes into paths and the pom; the config written here (KRaft, log4j 1) is Kafka 3.x's.
  if (!/^3\.\d+\.\d+$/.test(version)) throw setupError(`Unsupported Kafka version '${version}': the local broker runs Kafka 3.x (e.g. ${DEFAULT_KAFKA_VERSION})`);
  return version;
}

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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** The last lines of a file, from byte `since` on (where this run began writing; 0 when the file rolled over). */
async function tail(path: string, lines = LOG_TAIL_LINES, since = 0): Promise<string> {
  const bytes = await readFile(path).catch(() => Buffer.alloc(0));
  const text = bytes.subarray(bytes.length >= since ? since : 0).toString('utf8');
  // Maven colours its output even in batch mode on some terminals.
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').trimEnd().split('\n').slice(-lines).join('\n');
}

async function size(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

/** An executable on PATH, or undefined. */
async function onPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (await access(candidate, fsConstants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

/** JAVA_HOME's java when set (as Kafka's own scripts do), else java from PATH. */
async function findJava(): Promise<string | undefined> {
  const javaHome = process.env.JAVA_HOME;
  if (javaHome !== undefined && javaHome !== '') {
    const java = join(javaHome, 'bin', 'java');
    if (await access(java, fsConstants.X_OK).then(() => true, () => false)) return java;
  }
  return onPath('java');
}

interface RunResult { readonly code: number | null; readonly output: string }

/** Runs a command to completion, collecting stdout and stderr together. */
function run(command: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

const JAVA_HINT = 'Install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`, `brew install openjdk@17`) or set JAVA_HOME';
const MAVEN_HINT = 'Install Maven 3.6 or newer (e.g. `apt-get install maven`, `brew install maven`)';

async function requireJava(): Promise<string> {
  const java = await findJava();
  if (java === undefined) throw setupError(`Java was not found on PATH (nor in JAVA_HOME); the local Kafka broker needs it. ${JAVA_HINT}`);
  const { output } = await run(java, ['-version']).catch((error: unknown) => {
    throw setupError(`Could not run ${java} -version. ${JAVA_HINT}`, error);
  });
  // `java -version` prints e.g. 'version "17.0.15"' or, before Java 9, 'version "1.8.0_392"'.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match === null ? NaN : match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (Number.isFinite(major) && major < 11) throw setupError(`Kafka ${DEFAULT_KAFKA_VERSION} needs Java 11 or newer, found Java ${major} at ${java}. ${JAVA_HINT}`);
  return java;
}

/**
 * What is missing to run a local broker: Java always, Maven only while Kafka is not yet fetched.
 * Empty when a broker can be started.
 */
export async function missingPrerequisites(options: LocalBrokerOptions = {}): Promise<readonly string[]> {
  const missing: string[] = [];
  if ((await findJava()) === undefined) missing.push('Java 17+ (java)');
  if (!(await isFetched(options)) && (await onPath('mvn')) === undefined) missing.push('Maven (mvn)');
  return missing;
}

function kafkaPaths(options: LocalBrokerOptions): { readonly mavenDir: string; readonly kafkaDir: string; readonly libs: string; readonly marker: string } {
  const home = kafkaHome(options);
  const version = kafkaVersion(options);
  const kafkaDir = join(home, `kafka-${version}`);
  return { mavenDir: join(home, `maven-${version}`), kafkaDir, libs: join(kafkaDir, 'libs'), marker: join(kafkaDir, 'fetched.json') };
}

async function isFetched(options: LocalBrokerOptions): Promise<boolean> {
  const { libs, marker } = kafkaPaths(options);
  return (await exists(marker)) && (await exists(libs));
}

function pom(version: string): string {
  const dependency = (groupId: string, artifactId: string, v: string): string =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${v}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by specwatch's local broker: resolves Kafka ${version}'s runtime jars; not a build. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>specwatch.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${[dependency('org.apache.kafka', 'kafka_2.13', version), ...LOG_BACKEND.map((d) => dependency(d.groupId, d.artifactId, d.version))].join('\n')}
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>${DEPENDENCY_PLUGIN_VERSION}</version></plugin>
    </plugins>
  </build>
</project>
`;
}

/**
 * Fetches Kafka's runtime jars from Maven Central (through the user's Maven settings) into
 * <home>/kafka-<version>/libs and returns that dir. Does nothing once a fetch completed.
 */
export async function fetchKafka(options: LocalBrokerOptions = {}): Promise<string> {
  const log = options.log ?? noLog;
  const version = kafkaVersion(options);
  const { mavenDir, kafkaDir, libs, marker } = kafkaPaths(options);
  if (await isFetched(options)) return libs;

  const mvn = await onPath('mvn');
  if (mvn === undefined) throw setupError(`Maven (mvn) was not found on PATH; it fetches Kafka ${version} once. ${MAVEN_HINT}`);
  await mkdir(mavenDir, { recursive: true });
  await mkdir(kafkaDir, { recursive: true });
  await writeFile(join(mavenDir, 'pom.xml'), pom(version));
  // Jars land in a dir of this process's own and are renamed into place only once Maven succeeded,
  // so an interrupted or concurrent fetch never leaves a libs dir that looks complete.
  const partial = join(kafkaDir, `libs.partial-${process.pid}`);
  for (const name of await readdir(kafkaDir)) {
    const owner = /^libs\.partial-(\d+)$/.exec(name)?.[1];
    if (owner !== undefined && (Number(owner) === process.pid || !(await isAlive(Number(owner))))) await rm(join(kafkaDir, name), { recursive: true, force: true });
  }
  const mavenLog = join(mavenDir, 'mvn.log');
  log(`fetching Kafka ${version} with Maven into ${libs} (first run only; may take a few minutes)…`);
  const began = Date.now();
  const args = ['-B', '-ntp', '-Dstyle.color=never', '-f', join(mavenDir, 'pom.xml'), 'dependency:copy-dependencies',
    '-DincludeScope=runtime', `-DoutputDirectory=${partial}`];
  const out = openSync(mavenLog, 'w');
  let code: number | null;
  try {
    code = await new Promise<number | null>((done, fail) => {
      const child = spawn(mvn, args, { cwd: mavenDir, stdio: ['ignore', out, out] });
      child.once('error', fail);
      child.once('close', done);
    });
  } catch (error) {
    throw setupError(`Could not run Maven (${mvn}): ${(error as Error).message}. ${MAVEN_HINT}`, error);
  } finally {
    closeSync(out);
  }
  const jars = (await readdir(partial).catch(() => [])).filter((name) => name.endsWith('.jar'));
  if (code !== 0 || !jars.some((name) => name.startsWith(`kafka_2.13-${version}`))) {
    await rm(partial, { recursive: true, force: true });
    throw setupError(
      `Fetching Kafka ${version} with Maven failed (exit ${code}); is Maven Central reachable and does version ${version} exist?\n`
      + `Maven's log: ${mavenLog}\n${await tail(mavenLog)}`,
      undefined, { mavenLog, kafkaVersion: version });
  }
  if (await isFetched(options)) {
    // A concurrent fetch finished first; its jars are the same.
    await rm(partial, { recursive: true, force: true });
    return libs;
  }
  await rm(libs, { recursive: true, force: true });
  await rename(partial, libs);
  await writeFile(marker, `${JSON.stringify({ kafkaVersion: version, jars: jars.length, fetchedAt: new Date().toISOString() }, null, 2)}\n`);
  log(`fetched Kafka ${version} (${jars.length} jars) in ${seconds(Date.now() - began)}`);
  return libs;
}

/** A port the OS reports free on 127.0.0.1 right now, other than `taken`. */
async function freePort(taken?: number): Promise<number> {
  const port = await new Promise<number>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port === 0 ? fail(new Error('no port assigned')) : done(port)));
    });
  });
  // The OS may hand out the port just released again.
  return port === taken ? freePort(taken) : port;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  return `# Written by specwatch's local broker on each start: single-node KRaft, broker and controller in one.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${join(dataDir, 'logs')}
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
num.partitions=1
auto.create.topics.enable=true
`;
}

function log4jProperties(dataDir: string): string {
  return `# The broker logs to files in its data dir, never to the console of whoever started it.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${join(dataDir, 'server.log')}
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
`;
}

/** Kafka's cluster id: 16 random bytes, base64url without padding; kept so restarts reuse it. */
async function clusterId(dataDir: string): Promise<string> {
  // Formatted storage is the authority: the broker reports the id written there.
  const meta = await readFile(join(dataDir, 'logs', 'meta.properties'), 'utf8').catch(() => '');
  const formatted = /^cluster\.id=(\S+)$/m.exec(meta)?.[1];
  if (formatted !== undefined) return formatted;
  const file = join(dataDir, 'cluster-id');
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept !== '') return kept;
  let id: string;
  // As Kafka's own Uuid.randomUuid: an id starting with '-' would read as an option on the command line.
  do id = randomBytes(16).toString('base64url'); while (id.startsWith('-'));
  await writeFile(file, `${id}\n`);
  return id;
}

function javaArgs(dataDir: string, libs: string, mainClass: string, args: readonly string[], heap: readonly string[]): string[] {
  return [...heap, '-Djava.awt.headless=true', `-Dlog4j.configuration=${pathToFileURL(join(dataDir, 'log4j.properties')).href}`,
    '-cp', `${join(libs, '*')}`, mainClass, ...args];
}

async function readPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited child not yet reaped still answers signal 0; Linux shows it as a zombie.
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return state === undefined || !/^\d+ \(.*\) Z/.test(state);
}

/** The process's command line, or undefined when it is gone or cannot be read. */
async function commandLine(pid: number): Promise<string | undefined> {
  const proc = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (proc !== undefined) return proc.split('\0').join(' ');
  const ps = await run('ps', ['-p', String(pid), '-o', 'command=']).catch(() => undefined);
  return ps === undefined || ps.code !== 0 ? undefined : ps.output.trim();
}

/** Whether pid is a live broker started from this data dir (a pid file can outlive its process, and pids are reused). */
async function isOurBroker(pid: number, dataDir: string): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  const command = await commandLine(pid);
  return command !== undefined && command.includes('kafka.Kafka') && command.includes(join(dataDir, 'server.properties'));
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

/** Sends SIGTERM, then SIGKILL after the grace time; resolves once the process is gone. */
async function terminate(pid: number, log: (line: string) => void): Promise<void> {
  const gone = async (within: number): Promise<boolean> => {
    const until = Date.now() + within;
    while (Date.now() < until) {
      if (!(await isAlive(pid))) return true;
      await sleep(100);
    }
    return !(await isAlive(pid));
  };
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw setupError(`Could not send ${name} to pid ${pid}: ${(error as Error).message}`, error);
    }
  };
  signal('SIGTERM');
  if (await gone(STOP_TIMEOUT_MS)) return;
  log(`Kafka (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`);
  signal('SIGKILL');
  if (!(await gone(KILL_TIMEOUT_MS))) throw setupError(`Kafka (pid ${pid}) did not exit even after SIGKILL`);
}

/** The pid of our broker on this data dir; a pid file whose process is gone (or not ours) is removed. */
async function runningPid(dataDir: string, log: (line: string) => void): Promise<number | undefined> {
  const pid = await readPid(dataDir);
  if (pid === undefined) return undefined;
  if (await isOurBroker(pid, dataDir)) return pid;
  await rm(join(dataDir, PID_FILE), { force: true });
  log(`removed a stale pid file (pid ${pid} is no broker of ${dataDir})`);
  return undefined;
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
  await writeFile(join(dataDir, PID_FILE), `${pid}\n`);
  try {
    await waitUntilServing(brokers, id, dataDir, { pid, exited: () => exit, logOffsets });
  } catch (error) {
    // A broker that never served is of no use to anyone; do not leave it running.
    if (exit === undefined) await terminate(pid, log).catch(noLog);
    await rm(join(dataDir, PID_FILE), { force: true });
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
  await rm(join(dataDir, PID_FILE), { force: true });
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
