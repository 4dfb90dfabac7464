import { tap } from 'rxjs';
import { causalOrder, DEFAULT_MAX_HELD } from '../causal-order.ts';
import { describeDiagnostic } from '../describe-diagnostic.ts';
import { OrderTally } from '../order-tally.ts';
import type { OrderedItem } from '../trace-items.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { limitHelp, limitFlags, limitsFrom, numberOption, parseCommandArgs, stdinAtMostOnce, usageError } from './cli-options.ts';
import { ProgressLine } from './progress-line.ts';
import { BufferedLines, JsonLinesFile } from './text-sink.ts';

export const ORDER_HELP = `Usage: specwatch order [options] <file…>

Merges NDJSON traces (event format v1) into one causally consistent log: every event once,
after its whole causal past. Events go to stdout as NDJSON, diagnostics to stderr.
Use '-' to read standard input.

Of the events whose causal past is out, the first by time comes next (then by clock sum, proc,
seq), so an input of up to --max-held events gives the same output whatever its order and
however it is split.

Options:
  --diagnostics <file>     write diagnostics as JSON lines to <file> instead of stderr
  --max-held <n>           most events held back for their causal past (default ${DEFAULT_MAX_HELD});
                           past it the first event leaves, missing predecessors as a gap
  --hold-timeout <ms>      longest any event is held (default: no limit; for live input)
  --settle <ms>            longest a deliverable event waits, from its arrival, for ones that
                           sort before it (default: no limit)
${limitHelp(27)}
  -q, --quiet              no progress line and no summary
  -h, --help               show this help

Exit status: 0 clean (duplicates are dropped and allowed), 1 if any event was malformed,
conflicting, missing or late, 2 for usage errors and unreadable files.`;

export async function orderCommand(args: readonly string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseCommandArgs('order', args, {
    diagnostics: { type: 'string' },
    'max-held': { type: 'string' },
    'hold-timeout': { type: 'string' },
    settle: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    ...limitFlags,
  });
  if (values.help === true) {
    env.stdout.write(`${ORDER_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw usageError('order needs at least one trace file (or - for stdin)', 'order');
  stdinAtMostOnce('order', positionals);
  const limits = limitsFrom('order', values);
  const ordering = {
    maxHeld: numberOption('order', 'max-held', values['max-held'], DEFAULT_MAX_HELD, 1),
    holdTimeout: numberOption('order', 'hold-timeout', values['hold-timeout'], Infinity, 0, true),
    settle: numberOption('order', 'settle', values.settle, Infinity, 0, true),
  };
  await env.checkTraceFilesReadable(positionals);

  const quiet = values.quiet === true;
  const diagnosticsFile = values.diagnostics === undefined ? undefined : new JsonLinesFile(values.diagnostics);
  const out = new BufferedLines(env.stdout);
  const tally = new OrderTally();
  let read = 0;
  const progress = new ProgressLine(env.stderr, !quiet, (seconds) =>
    `specwatch order: ${read.toLocaleString('en-US')} records read (${Math.round(read / seconds).toLocaleString('en-US')}/s), ${tally.records.toLocaleString('en-US')} out`);

  const onItem = (item: OrderedItem): void => {
    tally.add(item);
    if (item.type === 'delivered') out.line(item.text);
    else if (diagnosticsFile !== undefined) diagnosticsFile.write(item);
    else env.stderr.write(`${describeDiagnostic(item)}\n`);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const subscription = env.readTraceFiles(positionals, { limits }).pipe(tap(() => read++), causalOrder(ordering)).subscribe({
        next: (item) => {
          onItem(item);
          if (out.closed) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
        complete: resolve,
      });
    });
  } finally {
    progress.stop();
    diagnosticsFile?.close();
  }
  await out.end();
  if (!quiet) env.stderr.write(`specwatch order: ${tally.summary()}\n`);
  return tally.clean ? 0 : 1;
}
