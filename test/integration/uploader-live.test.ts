/**
 * The uploader as real services on the embedded transport (no Kafka): separate processes for the
 * store, the API, the workers, the cleaner and the users, each recording to its own NDJSON file,
 * judged by the real `specwatch check`. Each bug gives its alert; the fixed services give none.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runUploader } from '../../examples/uploader/live/launcher/uploader-run.ts';
import { DEFAULT_SETTINGS, type RunResult, type RunSettings } from '../../examples/uploader/live/launcher/run-settings.ts';
import { checkFiles, type Verdict } from '../../examples/uploader/live/launcher/specwatch-verdict.ts';
import { BUG_NAMES, EXPECTED_ALERT, SCENARIO_UPLOAD } from '../../examples/uploader/live/scenario-plans.ts';
import { concurrent, happenedBefore, type SpecEvent } from '../../instrumentation/index.ts';
import { decodeAll, expectClocksFollowMessages, expectNoLoss } from './fixtures/uploader-trace.ts';

const root = mkdtempSync(join(tmpdir(), 'specwatch-uploader-live-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Judged {
  readonly result: RunResult;
  readonly verdict: Verdict;
  readonly events: SpecEvent[];
  /** The run's progress lines, for failure messages. */
  readonly log: string;
}

async function judgedRun(name: string, settings: Partial<RunSettings>): Promise<Judged> {
  const lines: string[] = [];
  const began = Date.now();
  const log = (line: string): void => void lines.push(`${Date.now() - began} ms: ${line}`);
  const result = await runUploader({ ...DEFAULT_SETTINGS, seconds: 1, out: join(root, name), ...settings }, { log });
  const verdict = await checkFiles(result.eventFiles);
  const records = result.eventFiles.flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((text, i) => ({ text, origin: { source: basename(file), line: i + 1 } })));
  return { result, verdict, events: decodeAll(records), log: lines.join('\n') };
}

const describeAlerts = (verdict: Verdict): string => `${verdict.summary}\n${verdict.alerts.map((a) => `${a.kind} ${a.name}`).join('\n')}`;

describe('the uploader as real services (embedded transport)', () => {
  for (const bug of BUG_NAMES) {
    const expected = EXPECTED_ALERT[bug];
    it(`--bug ${bug}: specwatch check reports ${expected.kind} on ${expected.name}`, { timeout: 90_000 }, async () => {
      const run = await judgedRun(bug, { bug, scenario: bug });
      expect(run.result.drained, run.log).toBe(true);
      // The race is timed (scenario-plans.ts); the run's log shows when each step came.
      expect(run.verdict.alerts.filter((a) => a.kind === expected.kind && a.name === expected.name).length, `${describeAlerts(run.verdict)}\n${run.log}`).toBeGreaterThan(0);
      expect(run.verdict.status).toBe(1);
      expectNoLoss(run.events);
      expectClocksFollowMessages(run.events);
    });
  }

  it('the fixed services, through all three scenarios in a row, raise no alert', { timeout: 90_000 }, async () => {
    const run = await judgedRun('fixed', { scenario: 'all' });
    expect(run.result.drained, run.log).toBe(true);
    expect(run.verdict.alerts, describeAlerts(run.verdict)).toEqual([]);
    expect(run.verdict.status).toBe(0);
    expect(run.result.restarts, run.log).toBe(1);
    expect(run.events.map((e) => e.action)).toEqual(expect.arrayContaining(['Skip', 'PushEdit', 'Clean', 'DeleteContent']));
    expectNoLoss(run.events);
    expectClocksFollowMessages(run.events);
    // One trace per request or message: the events carry the trace ids OpenTelemetry gave them.
    expect(run.events.filter((e) => e.trace === undefined)).toEqual([]);
  });

  it('a crashed worker restarts as a new incarnation, and the redelivered delete is received after it was sent', { timeout: 90_000 }, async () => {
    const run = await judgedRun('restart', { scenario: 'worker-crash', workers: 1 });
    expect(run.verdict.alerts, describeAlerts(run.verdict)).toEqual([]);
    const procs = run.result.incarnations.filter((i) => i.name === 'worker-1').map((i) => i.proc);
    expect(procs, run.log).toHaveLength(2);
    expect(new Set(procs).size).toBe(2);
    const id = SCENARIO_UPLOAD['worker-crash'];
    const del = run.events.find((e) => e.action === 'Delete' && e.params.id === id)!;
    const receives = run.events.filter((e) => e.action === 'Receive' && e.params.id === id && e.params.op === 'delete').sort((a, b) => a.time! - b.time!);
    expect(receives.map((r) => r.proc)).toEqual(procs);
    const [first, redelivered] = receives as [SpecEvent, SpecEvent];
    expect(happenedBefore(del.vc, first.vc)).toBe(true);
    expect(happenedBefore(del.vc, redelivered.vc)).toBe(true);
    // The new incarnation knows nothing of the old one's receive: the message came again from the queue.
    expect(concurrent(first.vc, redelivered.vc)).toBe(true);
    expect(run.events.some((e) => e.proc === procs[1] && e.action === 'DeleteContent' && e.params.id === id)).toBe(true);
  });

  it('events lost to a full recorder queue show as a gap', { timeout: 90_000 }, async () => {
    const run = await judgedRun('overflow', { scenario: 'load', recorderQueueSize: 1 });
    expect(run.verdict.alerts.filter((a) => a.kind === 'gap').length, describeAlerts(run.verdict)).toBeGreaterThan(0);
    expect(run.verdict.status).toBe(1);
  });
});
