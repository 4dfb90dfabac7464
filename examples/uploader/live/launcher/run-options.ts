import { parseArgs } from 'node:util';
import { brokerList } from '../services/broker-list.ts';
import { BUG_NAMES, LIVE_SCENARIOS, type BugName, type LiveScenario } from '../scenario-plans.ts';
import { DEFAULT_SETTINGS, type RunSettings } from './run-settings.ts';

export const HELP = `Usage: node --import tsx examples/uploader/live/run-uploader.ts [options]

Runs the uploader from the talk as real processes: a store (uploads and content, each record
with its writer's clock), an upload API over HTTP, workers taking (id, op) messages from a queue,
a cleaner, and users calling the API. Each records its spec actions with specwatch's
instrumentation; OpenTelemetry carries the clocks. Then specwatch checks what they recorded.

Options:
  --transport <t>        embedded (default): the store serves the queue over HTTP, and each
                         process writes its events to an NDJSON file in --out; no other service
                         needed. kafka: a queue topic read by a consumer group, an events topic
  --kafka <brokers>      host:port[,host:port…] (required with --transport kafka)
  --queue-topic <name>   the queue topic (default ${DEFAULT_SETTINGS.queueTopic})
  --group <id>           the workers' consumer group (default <queue topic>-workers)
  --events-topic <name>  the events topic (default ${DEFAULT_SETTINGS.eventsTopic}, key = proc)
  --bug <name>           switch on one of the talk's bugs: ${BUG_NAMES.join(', ')}
                         (default: none, the fixed services)
  --scenario <name>      what the users do: a bug's name (its race, timed to happen every time),
                         all (the three in a row) or load (ordinary use only); default: the
                         bug's scenario, or all
  --seconds <n>          how long the users keep going, from their start: the scenario, then
                         ordinary use until then (default ${DEFAULT_SETTINGS.seconds})
  --workers <n>          worker processes (default ${DEFAULT_SETTINGS.workers})
  --users <n>            users of ordinary load (default 2, or 4 with --scenario load)
  --out <dir>            embedded: where the event files go (default: a new temporary directory)
  --recorder-queue <n>   the recorders' queue size (default 2048); a tiny one loses events, and
                         specwatch reports the loss as a gap
  --no-check             do not run specwatch afterwards
  -h, --help             show this help

After the run specwatch judges it: embedded, 'specwatch check' on the event files; kafka,
'specwatch monitor --to now' over the events this run sent (publishing its alerts to
<events topic>.alerts). Its alerts go to stdout, progress to stderr. Ctrl-C stops every
process (each flushes its events) and exits.

Exit status: 0 the events conform (or --no-check), 1 specwatch reported a violation,
3 inconclusive, 2 usage errors or a run that failed (a service that would not start, Kafka
unreachable, specwatch failing), 130 interrupted.`;

export class UsageError extends Error {}

export interface CliOptions {
  readonly settings: RunSettings;
  readonly check: boolean;
  readonly help: boolean;
}

function count(flag: string, raw: string | undefined, fallback: number | undefined, least: number): number | undefined {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < least) throw new UsageError(`--${flag} expects a whole number of at least ${least}, got '${raw}'`);
  return n;
}

export function parseRunOptions(args: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        transport: { type: 'string' }, kafka: { type: 'string' }, 'queue-topic': { type: 'string' }, group: { type: 'string' }, 'events-topic': { type: 'string' },
        bug: { type: 'string' }, scenario: { type: 'string' }, seconds: { type: 'string' }, workers: { type: 'string' }, users: { type: 'string' },
        out: { type: 'string' }, 'recorder-queue': { type: 'string' }, 'no-check': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const transport = values.transport ?? DEFAULT_SETTINGS.transport;
  if (transport !== 'embedded' && transport !== 'kafka') throw new UsageError(`--transport expects embedded or kafka, got '${transport}'`);
  if (transport === 'kafka' && values.kafka === undefined) throw new UsageError('--transport kafka needs --kafka <host:port>');
  if (transport === 'embedded' && values.kafka !== undefined) throw new UsageError('--kafka is for --transport kafka (the embedded transport needs no broker)');
  if (transport === 'kafka' && values.out !== undefined) throw new UsageError('--out is for the embedded transport (with kafka the events go to --events-topic)');
  const bug = values.bug === undefined || values.bug === 'none' ? undefined : BUG_NAMES.find((b) => b === values.bug);
  if (values.bug !== undefined && values.bug !== 'none' && bug === undefined) throw new UsageError(`--bug expects one of ${BUG_NAMES.join(', ')}, got '${values.bug}'`);
  const scenario = values.scenario === undefined ? (bug ?? 'all') : LIVE_SCENARIOS.find((s) => s === values.scenario);
  if (scenario === undefined) throw new UsageError(`--scenario expects one of ${LIVE_SCENARIOS.join(', ')}, got '${values.scenario}'`);
  let brokers: string[] | undefined;
  try {
    brokers = values.kafka === undefined ? undefined : brokerList(values.kafka);
  } catch (error) {
    throw new UsageError(`--kafka: ${(error as Error).message}`);
  }
  const queueTopic = values['queue-topic'] ?? DEFAULT_SETTINGS.queueTopic;
  const users = count('users', values.users, undefined, 1);
  const recorderQueueSize = count('recorder-queue', values['recorder-queue'], undefined, 1);
  const settings: RunSettings = {
    transport,
    ...(brokers === undefined ? {} : { brokers }),
    queueTopic,
    eventsTopic: values['events-topic'] ?? DEFAULT_SETTINGS.eventsTopic,
    ...(values.group === undefined ? {} : { group: values.group }),
    ...(bug === undefined ? {} : { bug: bug as BugName }),
    scenario: scenario as LiveScenario,
    seconds: count('seconds', values.seconds, DEFAULT_SETTINGS.seconds, 0)!,
    workers: count('workers', values.workers, DEFAULT_SETTINGS.workers, 1)!,
    ...(users === undefined ? {} : { users }),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(recorderQueueSize === undefined ? {} : { recorderQueueSize }),
  };
  return { settings, check: values['no-check'] !== true, help: values.help === true };
}
