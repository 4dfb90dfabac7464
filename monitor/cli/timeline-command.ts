import { writeFileSync } from 'node:fs';
import { DEFAULT_MAX_CONFIGURATIONS, DEFAULT_REORDER_WINDOW } from '../check-conformance.ts';
import { DEFAULT_MAX_HELD } from '../causal-order.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { SpecwatchError } from '../errors.ts';
import {
  DEFAULT_MAX_STRING, causalSort, findAlert, mermaidSequence, parseParamFilter, replayStates, shivizLog, timelineHtml, timelineJson, timelineView,
  type EventState, type ParamFilter, type Timeline, type TimelineView,
} from '../timeline/index.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { limitHelp, limitFlags, limitsFrom, numberOption, parseCommandArgs, usageError } from './cli-options.ts';
import { CONNECTION_HELP, connectionFlags } from './kafka-flags.ts';
import { readAlertsFile } from './alerts-file.ts';
import { loadSpec } from './load-spec.ts';
import { collectTimeline } from './timeline-input.ts';
import { BufferedLines } from './text-sink.ts';
import { openTimelineSource } from './timeline-sources.ts';

const FORMATS = ['html', 'shiviz', 'mermaid', 'json'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_MAX_EVENTS = 200_000;
// A sequence diagram past a few hundred events is unreadable, and Mermaid refuses long texts.
const DEFAULT_MAX_MERMAID_EVENTS = 500;

export const TIMELINE_HELP = `Usage: specwatch timeline [options] <trace…> -o timeline.html
       specwatch timeline --kafka <brokers> [--topic <name>] [--from <…>] [--to <…>] [options] -o timeline.html

Draws the causal timeline of a trace, for after an incident: one lane per process incarnation,
grouped by service; events in happens-before order; messages recovered from the vector clocks;
alerts on the events that raised them. The page is one self-contained HTML file (no network, a
strict Content-Security-Policy) for any browser: click an event for its causal past and future,
an alert for its causal history; filter to one entity (id = 1). It stays fast at 100,000 events.

Options:
  -o, --output <file>        write here (default: standard output, which HTML needs redirected)
  --format <format>          ${FORMATS.join(', ')} (default html). shiviz: a log with its parser
                             regular expression for ShiViz; mermaid: a sequence diagram for an
                             incident document; json: events, arrows and alerts for other tools
  --spec <file>              check the events against this spec as 'specwatch check' does: its
                             alerts, and the state each event met
  --alerts <file>            draw these alerts instead: JSON lines from 'specwatch check --json'
                             or 'specwatch monitor'
  --around <alert-id>        only that alert's causal history: its event and the events before
                             it that share a parameter value (an id prefix of 4+ characters will do)
  --filter <key=value>       only the events of one entity, e.g. id=1 (the value read as JSON if it is)
  --title <text>             the page's title (default: the traces' names)
  --max-events <n>           most events in the output (default ${DEFAULT_MAX_EVENTS.toLocaleString('en-US')}, mermaid ${DEFAULT_MAX_MERMAID_EVENTS});
                             more is an error that says how to cut the trace down
  --max-string <n>           longest string a page embeds; longer ones are cut, marked (default ${DEFAULT_MAX_STRING})
  --max-held <n>             most events held, for their causal past or to be ordered by time
                             (default ${DEFAULT_MAX_HELD}): a process written up to this many
                             lines late is still checked in the order its times say
  --max-configurations <n>   as for check (default ${DEFAULT_MAX_CONFIGURATIONS})
  --reorder-window <n>       as for check (default ${DEFAULT_REORDER_WINDOW})
  --no-typecheck             load the spec without type-checking it first
${limitHelp(29)}
  -q, --quiet                no summary line
  -h, --help                 show this help

Reading a topic instead of files (a bounded range, as 'specwatch monitor --to'):
  --topic <name>             the events topic (default specwatch.events)
  --from <time|offsets>      start there (ISO 8601, epoch ms, or partition:offset pairs; default the oldest)
  --to <now|time|offsets>    stop there, exclusive (default now)

${CONNECTION_HELP}

Exit status: 0 written (whatever the alerts say), 2 usage errors, an unknown alert id, unreadable
input, a spec that fails to load, an unwritable output, or Kafka unreachable.`;

const render: Record<Format, (view: TimelineView, maxString: number, title: string) => string> = {
  html: (view, maxString, title) => timelineHtml(view, { maxString }, title),
  shiviz: (view) => shivizLog(view),
  mermaid: (view) => mermaidSequence(view),
  json: (view) => timelineJson(view),
};

export async function timelineCommand(args: readonly string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseCommandArgs('timeline', args, {
    output: { type: 'string', short: 'o' }, format: { type: 'string' }, spec: { type: 'string' }, alerts: { type: 'string' },
    around: { type: 'string' }, filter: { type: 'string' }, title: { type: 'string' }, 'max-events': { type: 'string' }, 'max-string': { type: 'string' },
    'max-held': { type: 'string' }, 'max-configurations': { type: 'string' }, 'reorder-window': { type: 'string' }, 'no-typecheck': { type: 'boolean' },
    topic: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'from-beginning': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' }, ...limitFlags, ...connectionFlags,
  });
  if (values.help === true) {
    env.stdout.write(`${TIMELINE_HELP}\n`);
    return 0;
  }
  const format = (values.format ?? 'html') as Format;
  if (!FORMATS.includes(format)) throw usageError(`--format expects one of ${FORMATS.join(', ')}, got '${values.format}'`, 'timeline');
  if (values.spec !== undefined && values.alerts !== undefined) throw usageError('--spec and --alerts exclude each other: --spec computes the alerts', 'timeline');
  let filter: ParamFilter | undefined;
  if (values.filter !== undefined) {
    filter = parseParamFilter(values.filter);
    if (filter === undefined) throw usageError(`--filter expects key=value, e.g. id=1, got '${values.filter}'`, 'timeline');
  }
  const maxEvents = numberOption('timeline', 'max-events', values['max-events'], format === 'mermaid' ? DEFAULT_MAX_MERMAID_EVENTS : DEFAULT_MAX_EVENTS, 1);
  const maxString = numberOption('timeline', 'max-string', values['max-string'], DEFAULT_MAX_STRING, 8);
  const maxHeld = numberOption('timeline', 'max-held', values['max-held'], DEFAULT_MAX_HELD, 1);
  const conformance = {
    maxConfigurations: numberOption('timeline', 'max-configurations', values['max-configurations'], DEFAULT_MAX_CONFIGURATIONS, 1),
    reorderWindow: numberOption('timeline', 'reorder-window', values['reorder-window'], DEFAULT_REORDER_WINDOW, 1),
  };
  if (format === 'html' && values.output === undefined && env.stdout.isTTY === true) throw usageError('the HTML page goes to a file: add -o timeline.html', 'timeline');
  const limits = limitsFrom('timeline', values);
  const quiet = values.quiet === true;
  const log = (line: string): void => void (quiet || env.stderr.write(`specwatch timeline: ${line}\n`));
  const given = values.alerts === undefined ? undefined : readAlertsFile(values.alerts);
  const source = await openTimelineSource(values, positionals, limits, env, log);
  let timeline: Timeline;
  try {
    const spec = values.spec === undefined ? undefined : await loadSpec(values.spec, { typecheck: values['no-typecheck'] !== true });
    const input = await collectTimeline(source.items, { maxHeld, conformance, ...(spec === undefined ? {} : { spec }) });
    const events = causalSort(input.events);
    const seen = new Set(input.alerts.map((a) => a.id));
    timeline = {
      events, alerts: [...input.alerts, ...(given ?? []).filter((a) => !seen.has(a.id) && seen.add(a.id))], sources: source.names, anchors: input.anchors,
      ...(spec === undefined ? {} : { spec: spec.name, states: statesInOrder(events, input.events, replayStates(spec, input.events)) }),
    };
  } finally {
    await source.close();
  }
  const around = values.around === undefined ? undefined : findAlert(timeline.alerts, values.around);
  if (values.around !== undefined && around === undefined) throw unknownAlert(values.around, timeline);
  let view: TimelineView;
  try {
    view = timelineView(timeline, { ...(around === undefined ? {} : { around }), ...(filter === undefined ? {} : { filter }) });
  } catch (error) {
    throw usageError((error as Error).message, 'timeline');
  }
  if (view.subset.length > maxEvents) {
    throw usageError(`the ${format} output would have ${view.subset.length.toLocaleString('en-US')} events, more than --max-events ${maxEvents.toLocaleString('en-US')}: ` +
      'cut it down with --around <alert-id>, --filter key=value or a shorter --from/--to range, or raise --max-events', 'timeline');
  }
  const title = values.title ?? source.names.join(', ');
  const text = render[format](view, maxString, title);
  await write(text, values.output, env);
  log(`${values.output ?? 'stdout'}: ${format}, ${view.subset.length.toLocaleString('en-US')} events, ${view.arrows.length.toLocaleString('en-US')} messages, ` +
    `${view.alerts.length} alert${view.alerts.length === 1 ? '' : 's'}, ${Math.ceil(Buffer.byteLength(text) / 1024).toLocaleString('en-US')} KiB`);
  return 0;
}

/** States replayed in arrival order, aligned with the events' causal order. */
function statesInOrder(sorted: readonly SpecEvent[], arrived: readonly SpecEvent[], states: readonly EventState[]): EventState[] {
  const byEvent = new Map(arrived.map((event, i) => [event, states[i]!]));
  return sorted.map((event) => byEvent.get(event)!);
}

function unknownAlert(id: string, timeline: Timeline): SpecwatchError {
  const known = timeline.alerts.slice(0, 10).map((a) => `\n  ${a.id} ${a.kind} ${a.name}${a.event === undefined ? '' : ` at ${a.event.proc}#${a.event.seq}`}`).join('');
  const where = timeline.alerts.length === 0 ? 'these events raised no alert (give --spec or --alerts)' : `the ${timeline.alerts.length} alerts are:${known}${timeline.alerts.length > 10 ? '\n  …' : ''}`;
  const begun = timeline.alerts.filter((a) => a.id.startsWith(id)).length;
  if (begun > 0 && id.length < 4) return usageError(`--around: give at least 4 characters of an alert id (got '${id}'); ${where}`, 'timeline');
  if (begun > 1) return usageError(`--around: ${begun} alert ids begin with '${id}': give more of it; ${where}`, 'timeline');
  return usageError(`--around: no alert ${id}; ${where}`, 'timeline');
}

async function write(text: string, path: string | undefined, env: CliEnvironment): Promise<void> {
  if (path === undefined) {
    // As the other commands write: a reader that left (EPIPE) is fine, any other failure exits 2.
    const sink = new BufferedLines(env.stdout);
    sink.line(text.endsWith('\n') ? text.slice(0, -1) : text);
    await sink.end();
    return;
  }
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new SpecwatchError(`cannot write ${path}: ${(error as Error).message}`, { code: 'OUTPUT_UNWRITABLE', cause: error, context: { path } });
  }
}
