import { describeDiagnostic } from '../describe-diagnostic.ts';
import { SpecwatchError } from '../errors.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { limitHelp, limitFlags, limitsFrom, numberOption, parseCommandArgs, usageError } from './cli-options.ts';
import type { PublishRecord } from './event-streams.ts';
import { CONNECTION_HELP, DEFAULT_EVENTS_TOPIC, connectionFlags, connectionFrom } from './kafka-flags.ts';
import { ProgressLine } from './progress-line.ts';

const DEFAULT_PARTITIONS = 6;
const BATCH = 5000;
// Records read ahead of the brokers' acknowledgements before reading waits.
const MAX_UNSENT = 50_000;

export const PUBLISH_HELP = `Usage: specwatch publish --kafka <brokers> [options] <trace.ndjson…>

Loads NDJSON traces into a topic, for staging runs and for replaying an incident: each valid
event is one message, key = its proc (one incarnation's events stay in order in one partition),
value = the line as it was. Malformed lines are not published: each is reported on stderr with
its file and line, and the exit status is 1.

Options:
  --topic <name>            the topic (default ${DEFAULT_EVENTS_TOPIC})
  --partitions <n>          partitions when the topic must be created (default ${DEFAULT_PARTITIONS})
${limitHelp(28)}
  -q, --quiet               no progress line and no summary
  -h, --help                show this help

${CONNECTION_HELP}

Exit status: 0 all published, 1 some lines were malformed (the rest is published), 2 usage
errors, unreadable files, or Kafka unreachable or failing after kafkajs's retries.`;

export async function publishCommand(args: readonly string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseCommandArgs('publish', args, {
    topic: { type: 'string' },
    partitions: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    ...limitFlags,
    ...connectionFlags,
  });
  if (values.help === true) {
    env.stdout.write(`${PUBLISH_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw usageError('publish needs at least one trace file (or - for stdin)', 'publish');
  const connection = connectionFrom('publish', values, env);
  const partitions = numberOption('publish', 'partitions', values.partitions, DEFAULT_PARTITIONS, 1);
  const limits = limitsFrom('publish', values);
  const topic = values.topic ?? DEFAULT_EVENTS_TOPIC;
  const streams = env.eventStreams;
  if (streams === undefined) throw new SpecwatchError('this build has no Kafka client wired in', { code: 'USAGE' });
  await env.checkTraceFilesReadable(positionals);
  const quiet = values.quiet === true;
  const publisher = await streams.openPublisher(connection, topic, partitions, (line) => quiet || env.stderr.write(`specwatch publish: ${line}\n`));

  let batch: PublishRecord[] = [];
  let sent: Promise<void> = Promise.resolve();
  let unsent = 0;
  let published = 0;
  let malformed = 0;
  let failure: unknown;
  const send = (): void => {
    const records = batch;
    batch = [];
    sent = sent.then(async () => {
      if (failure !== undefined) return;
      try {
        await publisher.send(records);
        published += records.length;
      } catch (error) {
        failure = error;
      } finally {
        unsent -= records.length;
      }
    });
  };
  const progress = new ProgressLine(env.stderr, !quiet, () => `specwatch publish: ${published.toLocaleString('en-US')} events published`);
  try {
    await new Promise<void>((resolve, reject) => {
      env.readTraceFiles(positionals, { limits, beforeChunk: () => (unsent > MAX_UNSENT ? sent : undefined) }).subscribe({
        next: (item) => {
          if (item.type === 'diagnostic') {
            malformed++;
            env.stderr.write(`specwatch publish: not published: ${describeDiagnostic(item)}\n`);
            return;
          }
          // No record timestamp from the event's time: an old trace would fall outside the topic's retention at once.
          batch.push({ key: item.event.proc, value: item.text });
          unsent++;
          if (batch.length >= BATCH) send();
        },
        error: reject,
        complete: resolve,
      });
    });
    send();
    await sent;
  } finally {
    progress.stop();
    await publisher.close();
  }
  if (failure !== undefined) throw failure;
  if (!quiet) env.stderr.write(`specwatch publish: ${published.toLocaleString('en-US')} events published to ${topic}${malformed > 0 ? `; ${malformed} malformed lines not published` : ''}\n`);
  return malformed > 0 ? 1 : 0;
}
