import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../../monitor/index.ts';
import { runTimeline } from '../support/run-timeline.ts';
import { specwatch } from '../support/run-cli.ts';
import { readShivizLog } from '../support/shiviz-reader.ts';

const SPEC = 'examples/uploader/spec.ts';
const trace = (name: string) => `examples/uploader/traces/${name}.buggy.ndjson`;
const scratch = mkdtempSync(join(tmpdir(), 'specwatch-timeline-'));
interface TimelineJson { events: SpecEvent[]; alerts: Alert[]; arrows: unknown[]; cut?: string }
const asJson = (stdout: string) => JSON.parse(stdout) as TimelineJson;
const ids = (events: ReadonlyArray<{ proc: string; seq: number }>) => events.map((e) => `${e.proc}#${e.seq}`).sort();

describe('specwatch timeline', () => {
  const alerts: Record<string, Alert[]> = {};
  beforeAll(async () => {
    for (const name of ['edit-race', 'delete-before-create', 'worker-crash']) {
      const run = await runTimeline(['--spec', SPEC, '--no-typecheck', '--format', 'json', trace(name)]);
      expect(run.status, run.stderr).toBe(0);
      alerts[name] = asJson(run.stdout).alerts;
    }
  });

  it('cuts each uploader bug down to the events that explain it, around each of its alerts', async () => {
    for (const [name, found] of Object.entries(alerts)) {
      expect(found.length, name).toBeGreaterThan(0);
      for (const alert of found) {
        const run = await runTimeline(['--spec', SPEC, '--no-typecheck', '--format', 'json', '--around', alert.id, trace(name)]);
        expect(run.status, run.stderr).toBe(0);
        const cut = asJson(run.stdout);
        const expected = alert.event === undefined ? undefined : ids([...(alert.history ?? []), alert.event]);
        if (expected !== undefined) expect(ids(cut.events)).toEqual(expected);
        else {
          // Judged at the end of the trace: the cut is every event of its entity, and only those.
          const entity = (alert.binding as { id: unknown }).id;
          const ofEntity = readFileSync(trace(name), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as SpecEvent).filter((e) => e.params.id === entity);
          expect(ofEntity.length, name).toBeGreaterThan(0);
          expect(ids(cut.events)).toEqual(ids(ofEntity));
        }
        expect(cut.alerts.map((a) => a.id)).toContain(alert.id);
        expect(cut.cut).toMatch(new RegExp(`^around alert ${alert.id}`));
      }
    }
    const race = alerts['delete-before-create']!.find((a) => a.kind === 'nonconformance')!;
    const cut = asJson((await runTimeline(['--spec', SPEC, '--no-typecheck', '--format', 'json', '--around', race.id.slice(0, 6), trace('delete-before-create')])).stdout);
    expect(cut.events.map((e) => e.action)).toEqual(['Create', 'Delete', 'Receive', 'CreateContent']);
  });

  it('draws the alerts of a file written by check --json', async () => {
    const checked = specwatch(['check', '--no-typecheck', '--json', '--spec', SPEC, trace('edit-race')]);
    const file = join(scratch, 'alerts.ndjson');
    writeFileSync(file, `${checked.stdout}{"type":"summary"}\n`);
    const run = await runTimeline(['--alerts', file, '--format', 'json', trace('edit-race')]);
    expect(run.status, run.stderr).toBe(0);
    expect(asJson(run.stdout).alerts).toEqual(alerts['edit-race']);
    writeFileSync(file, 'not json\n');
    expect(await runTimeline(['--alerts', file, trace('edit-race'), '-o', join(scratch, 'x.html')])).toMatchObject({ status: 2, stderr: expect.stringMatching(/alerts.ndjson:1: expected one JSON alert per line/) });
  });

  it('writes ShiViz, Mermaid and HTML, and a filter keeps one entity', async () => {
    const shiviz = await runTimeline(['--format', 'shiviz', trace('edit-race')]);
    expect(readShivizLog(shiviz.stdout)).toHaveLength(11);
    const mermaid = await runTimeline(['--format', 'mermaid', '--filter', 'op=edit', trace('edit-race')]);
    expect(mermaid.stdout.match(/Note over/g)).toHaveLength(2);
    const out = join(scratch, 'race.html');
    const html = await runTimeline(['--spec', SPEC, '--no-typecheck', trace('edit-race'), '-o', out]);
    expect(html).toMatchObject({ status: 0, stderr: expect.stringMatching(/race\.html: html, 11 events, 5 messages, 2 alerts/) });
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('says what is wrong with bad flags, unknown alerts and outputs too big, exiting 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--format', 'svg', trace('edit-race')], /--format expects one of html, shiviz, mermaid, json, got 'svg'/],
      [['--bogus', trace('edit-race')], /Unknown option '--bogus'/],
      [[], /needs trace files \(or - for stdin\), or --kafka/],
      [['--spec', SPEC, '--alerts', 'a.ndjson', trace('edit-race')], /--spec and --alerts exclude each other/],
      [['--filter', 'id', trace('edit-race')], /--filter expects key=value/],
      [['--topic', 't', trace('edit-race')], /--topic reads a Kafka topic: it needs --kafka/],
      [['--format', 'json', 'no-such.ndjson'], /cannot read no-such.ndjson: no such file/],
      [['--spec', SPEC, '--no-typecheck', '--around', 'beefbeef', trace('worker-crash')], /no alert beefbeef; the 3 alerts are:\n {2}b1a7dcd68acf9c51 property OrphansCleanedUp/],
      [['--around', 'beefbeef', trace('worker-crash')], /these events raised no alert \(give --spec or --alerts\)/],
      [['--spec', SPEC, '--no-typecheck', '--around', 'b1a', trace('worker-crash')], /give at least 4 characters of an alert id \(got 'b1a'\)/],
      [['--format', 'json', '--max-events', '5', trace('edit-race')], /would have 11 events, more than --max-events 5: cut it down with --around/],
    ];
    for (const [args, message] of cases) {
      const run = await runTimeline(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('is a command of the specwatch binary, with its help', () => {
    const help = specwatch(['timeline', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: specwatch timeline/);
    expect(specwatch(['--help']).stdout).toMatch(/timeline +draw the causal timeline/);
  });
});
