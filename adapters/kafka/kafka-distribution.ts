// Kafka's jars, fetched once from Maven Central with Maven into a cache, and the Java that runs them.
import { spawn } from 'node:child_process';
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { isAlive } from './broker-process.ts';
import { exists, noLog, run, seconds, setupError, tail } from './broker-setup.ts';

export interface KafkaDistributionOptions {
  /** Where Kafka's jars are cached; default $SPECWATCH_KAFKA_HOME or ~/.cache/specwatch/kafka. */
  readonly home?: string;
  /** Kafka 3.x release to fetch and run; default 3.9.1. */
  readonly kafkaVersion?: string;
  /** Progress lines; default none. */
  readonly log?: (line: string) => void;
}

export const DEFAULT_KAFKA_VERSION = '3.9.1';
// Kafka 3.x logs through slf4j 1.7 and needs log4j 1 classes at run time; its pom brings neither backend.
const LOG_BACKEND = [
  { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
  { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
] as const;
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';

export function kafkaHome(options: KafkaDistributionOptions): string {
  return resolve(options.home ?? process.env.SPECWATCH_KAFKA_HOME ?? join(homedir(), '.cache', 'specwatch', 'kafka'));
}

export function kafkaVersion(options: KafkaDistributionOptions): string {
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  // The version goes into paths and the pom; the config written here (KRaft, log4j 1) is Kafka 3.x's.
  if (!/^3\.\d+\.\d+$/.test(version)) throw setupError(`Unsupported Kafka version '${version}': the local broker runs Kafka 3.x (e.g. ${DEFAULT_KAFKA_VERSION})`);
  return version;
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

export const JAVA_HINT = 'Install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`, `brew install openjdk@17`) or set JAVA_HOME';
const MAVEN_HINT = 'Install Maven 3.6 or newer (e.g. `apt-get install maven`, `brew install maven`)';

export async function requireJava(): Promise<string> {
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
export async function missingPrerequisites(options: KafkaDistributionOptions = {}): Promise<readonly string[]> {
  const missing: string[] = [];
  if ((await findJava()) === undefined) missing.push('Java 17+ (java)');
  if (!(await isFetched(options)) && (await onPath('mvn')) === undefined) missing.push('Maven (mvn)');
  return missing;
}

function kafkaPaths(options: KafkaDistributionOptions): { readonly mavenDir: string; readonly kafkaDir: string; readonly libs: string; readonly marker: string } {
  const home = kafkaHome(options);
  const version = kafkaVersion(options);
  const kafkaDir = join(home, `kafka-${version}`);
  return { mavenDir: join(home, `maven-${version}`), kafkaDir, libs: join(kafkaDir, 'libs'), marker: join(kafkaDir, 'fetched.json') };
}

async function isFetched(options: KafkaDistributionOptions): Promise<boolean> {
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
export async function fetchKafka(options: KafkaDistributionOptions = {}): Promise<string> {
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

