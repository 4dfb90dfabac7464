// npm start: the talk's three bugs, each buggy and fixed, as real processes (a store, an HTTP
// upload API, two workers, a cleaner, users) on the embedded transport; each run's event files
// are then checked as `specwatch check` checks them, and what it says is shown. Exits 1 if a
// buggy run lacks its alert or a fixed run has any. (`npm run simulate` is the in-process simulator.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAlert, type Alert } from '../../monitor/index.ts';
import { checkFilesHere } from './live/launcher/in-process-check.ts';
import { DEFAULT_SETTINGS } from './live/launcher/run-settings.ts';
import { runUploader } from './live/launcher/uploader-run.ts';
import { EXPECTED_ALERT } from './live/scenario-plans.ts';
import { SCENARIOS } from './scenarios.ts';

const root = mkdtempSync(join(tmpdir(), 'specwatch-uploader-demo-'));
const stop = new AbortController();
process.on('SIGINT', () => (stop.signal.aborted ? process.exit(130) : stop.abort()));
const out = (text: string): void => void process.stdout.write(`${text}\n`);
const began = Date.now();
const log = (label: string, line: string): void => void process.stderr.write(`  ${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s ${label}: ${line}\n`);
const outcomes: string[] = [];
let failures = 0;

for (const scenario of SCENARIOS) {
  out(`\n=== ${scenario.title}`);
  for (const fixed of [false, true]) {
    const label = `${scenario.name}.${fixed ? 'fixed' : 'buggy'}`;
    const dir = join(root, label);
    const result = await runUploader(
      { ...DEFAULT_SETTINGS, scenario: scenario.name, seconds: 2, out: dir, ...(fixed ? {} : { bug: scenario.name }) },
      { log: (line) => log(label, line), signal: stop.signal },
    );
    if (result.interrupted) process.exit(130);
    log(label, `checking ${result.eventFiles.length} event files with specwatch check`);
    const verdict = await checkFilesHere(result.eventFiles);
    const events = result.eventFiles.reduce((n, file) => n + readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length, 0);
    out(`\n--- ${fixed ? `fixed (${scenario.fix})` : `buggy (${scenario.bug})`}`);
    out(`${events} events from ${result.incarnations.length} process incarnations (${result.restarts} restarted after a crash) in ${(result.elapsedMs / 1000).toFixed(1)} s; specwatch check says:`);
    const expected = fixed ? undefined : EXPECTED_ALERT[scenario.name];
    const isExpected = (a: Alert): boolean => a.kind === expected?.kind && a.name === expected.name;
    // The expected alert in full, the others by their first line: the demo is read by people.
    const shown = verdict.alerts.find(isExpected);
    if (shown !== undefined) out(describeAlert(shown));
    for (const alert of verdict.alerts.filter((a) => a !== shown)) out(`also: ${describeAlert(alert).split('\n')[0]}`);
    out(verdict.summary);
    const good = fixed ? verdict.alerts.length === 0 && verdict.status === 0 : shown !== undefined;
    if (!good) failures++;
    outcomes.push(`${good ? 'ok  ' : 'FAIL'} ${label}: ${fixed ? (verdict.alerts.length === 0 ? 'no alert' : `${verdict.alerts.length} alerts`) : shown === undefined ? `no ${expected!.kind} alert on ${expected!.name}` : `${expected!.kind} on ${expected!.name}`}`);
  }
}
out(`\n=== ${failures === 0 ? 'every buggy run raised its alert, every fixed run was clean' : `${failures} runs did not go as expected`} (${((Date.now() - began) / 1000).toFixed(0)} s)`);
for (const line of outcomes) out(`  ${line}`);
out(`\nThe event files are in ${root}/<run>/; check one again with`);
out(`  npx specwatch check --spec examples/uploader/spec.ts ${root}/edit-race.buggy/*.ndjson`);
out('One run, your way: node --import tsx examples/uploader/live/run-uploader.ts --help');
process.exitCode = failures === 0 ? 0 : 1;
