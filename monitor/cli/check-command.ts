import { DEFAULT_MAX_CONFIGURATIONS, DEFAULT_REORDER_WINDOW, type CheckSummary } from '../check-conformance.ts';
import { DEFAULT_MAX_HELD } from '../causal-order.ts';
import { checkExitStatus, checkTrace, describeCheckSummary } from '../check-trace.ts';
import { describeAlert } from '../describe-alert.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { limitHelp, limitFlags, limitsFrom, numberOption, parseCommandArgs, stdinAtMostOnce, usageError } from './cli-options.ts';
import { loadSpec } from './load-spec.ts';
import { ProgressLine } from './progress-line.ts';
import { BufferedLines } from './text-sink.ts';

export const CHECK_HELP = `Usage: specwatch check --spec <spec.ts> [options] <trace…>

Checks NDJSON traces against a spec: every event must be an enabled action in some order of
the events that happens-before allows; invariants and end conditions are violated when every
such order violates them. Alerts go to stdout, a summary to stderr. Use '-' for stdin.

Options:
  --spec <file>              the spec: a .ts module whose default export is defineSpec(...)
  --json                     one JSON alert per line instead of text
  --max-configurations <n>   most orders of concurrent events kept at once (default ${DEFAULT_MAX_CONFIGURATIONS});
                             past it verdicts that depend on the rest are inconclusive
  --reorder-window <n>       how many recent events a late event may be placed before (default ${DEFAULT_REORDER_WINDOW})
  --max-held <n>             most events held, for their causal past or to be ordered by time
                             (default ${DEFAULT_MAX_HELD}): a process written up to this many
                             lines late is still checked in the order its times say
  --no-typecheck             load the spec without type-checking it first
${limitHelp(29)}
  -q, --quiet                no progress line and no summary
  -h, --help                 show this help

Exit status: 0 all conform, 1 something violated or malformed, 3 nothing violated but something
inconclusive, 2 usage errors, unreadable traces, or a spec that fails to load or type-check.`;

export async function checkCommand(args: readonly string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseCommandArgs('check', args, {
    spec: { type: 'string' },
    json: { type: 'boolean' },
    'max-configurations': { type: 'string' },
    'reorder-window': { type: 'string' },
    'max-held': { type: 'string' },
    'no-typecheck': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    ...limitFlags,
  });
  if (values.help === true) {
    env.stdout.write(`${CHECK_HELP}\n`);
    return 0;
  }
  if (values.spec === undefined) throw usageError('check needs --spec <spec.ts>', 'check');
  if (positionals.length === 0) throw usageError('check needs at least one trace file (or - for stdin)', 'check');
  stdinAtMostOnce('check', positionals);
  const limits = limitsFrom('check', values);
  const conformance = {
    maxConfigurations: numberOption('check', 'max-configurations', values['max-configurations'], DEFAULT_MAX_CONFIGURATIONS, 1),
    reorderWindow: numberOption('check', 'reorder-window', values['reorder-window'], DEFAULT_REORDER_WINDOW, 1),
  };
  const maxHeld = numberOption('check', 'max-held', values['max-held'], DEFAULT_MAX_HELD, 1);
  await env.checkTraceFilesReadable(positionals);
  const spec = await loadSpec(values.spec, { typecheck: values['no-typecheck'] !== true });

  const quiet = values.quiet === true;
  const out = new BufferedLines(env.stdout);
  let summary: CheckSummary | undefined;
  let alerts = 0;
  const progress = new ProgressLine(env.stderr, !quiet, () => `specwatch check: ${alerts} alerts so far`);
  try {
    await new Promise<void>((resolve, reject) => {
      env.readTraceFiles(positionals, { limits }).pipe(checkTrace(spec, { ...conformance, maxHeld })).subscribe({
        next: (item) => {
          if (item.type === 'summary') summary = item;
          else {
            alerts++;
            out.line(values.json === true ? JSON.stringify(item) : `${describeAlert(item)}\n`);
          }
        },
        error: reject,
        complete: resolve,
      });
    });
  } finally {
    progress.stop();
  }
  await out.end();
  if (summary === undefined) return 2;
  if (!quiet) env.stderr.write(`${describeCheckSummary(summary)}\n`);
  // An empty input conforms vacuously; say so, since it is more often a wrong path or an empty export.
  if (!quiet && summary.events === 0 && alerts === 0) env.stderr.write(`specwatch check: warning: the input held no events (${positionals.join(', ')})\n`);
  return checkExitStatus(summary);
}
