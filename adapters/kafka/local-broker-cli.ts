// npm run kafka:start|kafka:stop|kafka:status -- [options]: a local Kafka broker for development, tests and CI (see --help).
import { parseArgs } from 'node:util';
import { SpecwatchError } from '../../monitor/errors.ts';
import { DEFAULT_KAFKA_VERSION, localBrokerStatus, startLocalBroker, stopLocalBroker, type LocalBrokerOptions } from './local-broker.ts';

const HELP = `Usage: node --import tsx adapters/kafka/local-broker-cli.ts <start|stop|status> [options]
       npm run kafka:start|kafka:stop|kafka:status -- [options]

Runs a single-node Apache Kafka ${DEFAULT_KAFKA_VERSION} broker (KRaft, no ZooKeeper, no Docker) on 127.0.0.1,
detached from this command. Needs Java 17+; the first start fetches Kafka's jars with Maven (mvn)
from Maven Central into the Kafka home, later starts reuse them.

Commands:
  start    start the broker and wait until it serves (at most about a minute); when it already
           runs on the data dir, reuse it. Prints the brokers string (127.0.0.1:<port>) alone on
           stdout, progress on stderr.
  stop     stop the broker (SIGTERM, SIGKILL after 20s); fine when none runs.
  status   print whether the broker runs, with its address and pid.

Options:
  --port <n>        broker port (default 9092); 0 picks a free port (then pass --data-dir, or
                    stop and status cannot find it)
  --home <dir>      where Kafka's jars and, by default, data dirs live
                    (default $SPECWATCH_KAFKA_HOME, else ~/.cache/specwatch/kafka)
  --data-dir <dir>  the broker's config, storage, logs (server.log) and pid file
                    (default <home>/data-<port>)
  -h, --help        show this help

Environment:
  SPECWATCH_KAFKA_HOME     default for --home
  SPECWATCH_KAFKA_BROKERS  read by the test suite: tests use that broker instead of starting one
  JAVA_HOME                when set, its bin/java runs the broker

Exit status: 0 done, 1 failed (the message says why), 2 usage error.`;

function usage(message: string): never {
  process.stderr.write(`local-broker: ${message}\nRun with --help for usage.\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string' }, home: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help === true) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const [command, ...extra] = positionals;
if (command === undefined) usage('a command is needed: start, stop or status');
if (command !== 'start' && command !== 'stop' && command !== 'status') usage(`unknown command '${command}' (expected start, stop or status)`);
if (extra.length > 0) usage(`unexpected argument '${extra.join(' ')}'`);
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && (values.port?.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535)) {
  usage(`--port expects an integer from 0 to 65535, got '${values.port}'`);
}
if (port === 0 && command !== 'start' && values['data-dir'] === undefined) usage(`--port 0 names no broker: ${command} needs --data-dir`);

const options: LocalBrokerOptions = {
  ...(port === undefined ? {} : { port }),
  ...(values.home === undefined ? {} : { home: values.home }),
  ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
  log: (line) => process.stderr.write(`${line}\n`),
};

try {
  if (command === 'start') {
    const broker = await startLocalBroker(options);
    process.stdout.write(`${broker.brokers}\n`);
  } else if (command === 'stop') {
    if (!(await stopLocalBroker(options))) process.stderr.write('no local Kafka broker was running\n');
  } else {
    const status = await localBrokerStatus(options);
    process.stdout.write(status.running ? `running on ${status.brokers ?? '(unknown address)'} (pid ${status.pid})\n` : 'not running\n');
  }
} catch (error) {
  // Setup errors carry everything the user needs (log tails, hints); a stack adds nothing.
  const message = error instanceof SpecwatchError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`local-broker ${command}: ${message}\n`);
  process.exitCode = 1;
}
