// What one single-node KRaft broker runs with: free ports, its config files, its cluster id.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A port the OS reports free on 127.0.0.1 right now, other than `taken`. */
export async function freePort(taken?: number): Promise<number> {
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

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

export function serverProperties(port: number, controllerPort: number, dataDir: string): string {
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

export function log4jProperties(dataDir: string): string {
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
export async function clusterId(dataDir: string): Promise<string> {
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

export function javaArgs(dataDir: string, libs: string, mainClass: string, args: readonly string[], heap: readonly string[]): string[] {
  return [...heap, '-Djava.awt.headless=true', `-Dlog4j.configuration=${pathToFileURL(join(dataDir, 'log4j.properties')).href}`,
    '-cp', `${join(libs, '*')}`, mainClass, ...args];
}

