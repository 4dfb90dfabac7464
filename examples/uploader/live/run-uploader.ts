// The uploader from the talk as real services, checked by specwatch (see --help, or
// launcher/run-options.ts). Every process it starts is stopped on every way out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeAlert } from '../../../monitor/index.ts';
import { HELP, UsageError, parseRunOptions, type CliOptions } from './launcher/run-options.ts';
import type { RunSettings } from './launcher/run-settings.ts';
import { REPO } from './launcher/service-process.ts';
import { checkFiles, replayTopic, type Verdict } from './launcher/specwatch-verdict.ts';
import { runUploader } from './launcher/uploader-run.ts';

const log = (line: string): void => void process.stderr.write(`run-uploader: ${line}\n`);

let options: CliOptions;
try {
  options = parseRunOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`run-uploader: ${error.message}\nRun with --help for usage.\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const settings: RunSettings = options.settings.transport === 'embedded' && options.settings.out === undefined
  ? { ...options.settings, out: mkdtempSync(join(tmpdir(), 'uploader-run-')) }
  : options.settings;
const stop = new AbortController();
const onSignal = (): void => {
  // The second Ctrl-C does not wait: the exit handler kills whatever still runs.
  if (stop.signal.aborted) process.exit(130);
  log('stopping every process (Ctrl-C again to kill them)');
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function main(): Promise<number> {
  log(`${settings.transport} transport, ${settings.bug === undefined ? 'fixed services' : `bug ${settings.bug}`}, scenario ${settings.scenario}` +
    `${settings.out === undefined ? `, events to topic ${settings.eventsTopic}` : `, events to ${settings.out}`}`);
  const result = await runUploader(settings, { log, signal: stop.signal });
  if (result.interrupted) return 130;
  log(`run finished in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.incarnations.length} incarnations, ${result.restarts} restarts` +
    `${result.drained ? '' : ', the queue did not drain'}`);
  if (!options.check) return 0;
  let verdict: Verdict;
  if (settings.transport === 'embedded') {
    const dir = relative(REPO, settings.out!).startsWith('..') ? settings.out! : relative(REPO, settings.out!) || '.';
    log(`checking ${result.eventFiles.length} event files: npx specwatch check --spec examples/uploader/spec.ts ${dir}/*.ndjson`);
    verdict = await checkFiles(result.eventFiles);
  } else {
    log(`checking this run's events on ${settings.eventsTopic} with specwatch monitor --to now`);
    verdict = await replayTopic(settings.brokers!, settings.eventsTopic, result.startedAt, `${settings.eventsTopic}.alerts`);
  }
  for (const alert of verdict.alerts) process.stdout.write(`${describeAlert(alert)}\n\n`);
  process.stdout.write(`${verdict.summary}\n`);
  return verdict.status;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
