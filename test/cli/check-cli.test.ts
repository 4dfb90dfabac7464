import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../examples/uploader/scenarios.ts';
import { simulateLoad } from '../../examples/uploader/load.ts';
import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../../monitor/index.ts';
import { arriveLate, lateServiceLoad } from '../support/arrive-late.ts';
import { REPO, specwatch } from '../support/run-cli.ts';

const SPEC = 'examples/uploader/spec.ts';
const trace = (name: string) => `examples/uploader/traces/${name}.ndjson`;
const alertsOf = (stdout: string): Alert[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Alert);
const scratch = () => mkdtempSync(join(tmpdir(), 'specwatch-check-'));

describe('specwatch check', () => {
  it('catches each of the talk\'s bugs with the matching alert, and passes each fix', () => {
    const expected: Record<string, (alerts: Alert[]) => void> = {
      'delete-before-create': (alerts) => expect(alerts.filter((a) => a.kind === 'nonconformance').map((a) => a.guard)).toEqual(['the upload exists', 'the upload exists', 'the upload exists']),
      'worker-crash': (alerts) => {
        expect(alerts.map((a) => a.name).sort()).toEqual(['MessagesHandled', 'OrphansCleanedUp', 'ReceivedMessagesHandled']);
        expect(alerts.every((a) => a.kind === 'property' && a.semantics === 'LTLf' && (a.binding as { id: unknown }).id === 1)).toBe(true);
      },
      'edit-race': (alerts) => expect(alerts.find((a) => a.kind === 'nonconformance')).toMatchObject({ name: 'PushEdit', guard: 'the upload still has this version', event: { params: { version: 2 } } }),
    };
    for (const { name } of SCENARIOS) {
      const buggy = specwatch(['check', '--no-typecheck', '--json', '--spec', SPEC, trace(`${name}.buggy`)]);
      expect(buggy.status, name).toBe(1);
      expected[name]!(alertsOf(buggy.stdout));
      const fixed = specwatch(['check', '--no-typecheck', '--spec', SPEC, trace(`${name}.fixed`)]);
      expect(fixed.status, `${name} fixed`).toBe(0);
      expect(fixed.stdout).toBe('');
      expect(fixed.stderr).toMatch(/all conform/);
    }
  });

  it('keeps the committed example traces equal to what the simulator writes', () => {
    for (const s of SCENARIOS) {
      for (const fixed of [false, true]) {
        const text = s.run(fixed).map((e) => `${encodeEvent(e)}\n`).join('');
        expect(readFileSync(join(REPO, trace(`${s.name}.${fixed ? 'fixed' : 'buggy'}`)), 'utf8')).toBe(text);
      }
    }
  });

  it('gives the same alerts and ids for the same events in any order and split', () => {
    const lines = readFileSync(join(REPO, trace('delete-before-create.buggy')), 'utf8').trim().split('\n');
    const dir = scratch();
    writeFileSync(join(dir, 'a.ndjson'), lines.filter((_, i) => i % 2 === 0).reverse().join('\n'));
    writeFileSync(join(dir, 'b.ndjson'), lines.filter((_, i) => i % 2 === 1).join('\n'));
    const whole = specwatch(['check', '--no-typecheck', '--json', '--spec', SPEC, trace('delete-before-create.buggy')]);
    const split = specwatch(['check', '--no-typecheck', '--json', '--spec', SPEC, join(dir, 'b.ndjson'), join(dir, 'a.ndjson')]);
    expect(alertsOf(split.stdout)).toEqual(alertsOf(whole.stdout));
  });

  it('checks a load split into one log per process as it checks the whole trace', () => {
    // Merged by clock sum alone, per-process logs arrive thousands of events apart and the
    // reorder window gave false alerts; merged by time first, they conform.
    const events: SpecEvent[] = [];
    simulateLoad({ events: 6000, uploads: 60, users: 4, workers: 11, seed: 7 }, (e) => events.push(e));
    const dir = scratch();
    const files = [...new Set(events.map((e) => e.proc))].map((proc, i) => {
      const path = join(dir, `${i}.ndjson`);
      writeFileSync(path, events.filter((e) => e.proc === proc).map((e) => `${encodeEvent(e)}\n`).join(''));
      return path;
    });
    const split = specwatch(['check', '--no-typecheck', '--json', '--spec', SPEC, ...files]);
    expect(alertsOf(split.stdout)).toEqual([]);
    expect(split.status).toBe(0);
  });

  it('checks a trace in which one process\'s events were written 2,000 lines late (a lagging partition)', () => {
    // Delivered as they arrive, the late user's uploads met states thousands of events ahead
    // and every later verdict was inconclusive; ordered by time within --max-held, they conform.
    const { events, late } = lateServiceLoad();
    const arrival = arriveLate(events, late, 2000);
    expect(arrival.slice(0, 1500).some((e) => e.proc === late)).toBe(false);
    const path = join(scratch(), 'lagging.ndjson');
    writeFileSync(path, arrival.map((e) => `${encodeEvent(e)}\n`).join(''));
    const run = specwatch(['check', '--no-typecheck', '--json', '--spec', SPEC, path]);
    expect(alertsOf(run.stdout)).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('prints readable alerts by default: the guard, the state met, the causal history', () => {
    const run = specwatch(['check', '--no-typecheck', '--spec', SPEC, 'examples/traces/uploader-by-hand/no-order-works.ndjson']);
    expect(run.stdout).toMatch(/VIOLATED nonconformance CreateContent: worker-1@7f3a#2 CreateContent \{"id":1,"version":2\}/);
    expect(run.stdout).toMatch(/guard "version is the upload version" is false/);
    expect(run.stdout).toMatch(/state met: \{"uploads":\{"1":1\}/);
    expect(run.stdout).toMatch(/causal history[^\n]*\n\s+user-1@3f2a#1 Create/);
  });

  it('exits 3 when nothing is violated for certain but the bound cut the search short', () => {
    const dir = scratch();
    const wide = [...Array.from({ length: 8 }, (_, i) => `{"sw":1,"proc":"p${i}","seq":1,"vc":{"p${i}":1},"action":"Increment"}`),
      `{"sw":1,"proc":"q","seq":1,"vc":{${Array.from({ length: 8 }, (_, i) => `"p${i}":1`).join(',')},"q":1},"action":"Observe","params":{"x":9}}`];
    writeFileSync(join(dir, 'wide.ndjson'), wide.join('\n'));
    const run = specwatch(['check', '--no-typecheck', '--max-configurations', '1', '--spec', 'examples/counter-race/spec.ts', join(dir, 'wide.ndjson')]);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/INCONCLUSIVE/);
  });

  it('exits 2 with a clear message for a spec that is missing, does not type-check, throws, or is no spec', () => {
    const dir = scratch();
    const properties = join(REPO, 'properties/index.ts');
    writeFileSync(join(dir, 'typo.ts'), `import { defineSpec } from '${properties}';\nexport default defineSpec<number>({ name: 't', init: () => 'zero', actions: { A: { effect: ({ state }) => state } } });\n`);
    writeFileSync(join(dir, 'throws.ts'), `throw new Error('spec exploded');\n`);
    writeFileSync(join(dir, 'plain.ts'), `export default { name: 'not made with defineSpec' };\n`);
    const missing = specwatch(['check', '--spec', join(dir, 'nope.ts'), trace('edit-race.fixed')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read spec .*nope\.ts: no such file/);
    const typo = specwatch(['check', '--spec', join(dir, 'typo.ts'), trace('edit-race.fixed')]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/does not type-check:\n\s+.*typo\.ts:2:\d+: Type 'string' is not assignable to type 'number'/);
    const throws = specwatch(['check', '--no-typecheck', '--spec', join(dir, 'throws.ts'), trace('edit-race.fixed')]);
    expect(throws.status).toBe(2);
    expect(throws.stderr).toMatch(/failed to load: spec exploded/);
    const plain = specwatch(['check', '--no-typecheck', '--spec', join(dir, 'plain.ts'), trace('edit-race.fixed')]);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toMatch(/must have a default export made with defineSpec/);
    expect(specwatch(['check', trace('edit-race.fixed')]).stderr).toMatch(/check needs --spec/);
    // Outside the repository the package name does not resolve: the message says where specs live.
    writeFileSync(join(dir, 'outside.ts'), `import { defineSpec } from 'specwatch/properties';\nexport default defineSpec<number>({ name: 'o', init: () => 0, actions: { A: { effect: ({ state }) => state } } });\n`);
    for (const typecheck of [[], ['--no-typecheck']]) {
      const outside = specwatch(['check', ...typecheck, '--spec', join(dir, 'outside.ts'), trace('edit-race.fixed')]);
      expect(outside.status).toBe(2);
      expect(outside.stderr).toMatch(/Cannot find module 'specwatch\/properties'[^]*keep it in the specwatch repository or in a project that has specwatch installed/);
    }
  });

  it('judges input problems with their facts in --json, counts duplicates, and skips a byte order mark', () => {
    const dir = scratch();
    const lines = readFileSync(join(REPO, trace('edit-race.fixed')), 'utf8').trim().split('\n');
    const broken = JSON.parse(lines[1]!) as Record<string, unknown>;
    // A BOM before line 1, two duplicates, and one line whose seq is not a count.
    const input = ['\uFEFF' + lines[0]!, ...lines.slice(1), lines[0]!, lines[2]!, JSON.stringify({ ...broken, seq: '2' })];
    writeFileSync(join(dir, 'messy.ndjson'), `${input.join('\n')}\n`);
    const run = specwatch(['check', '--no-typecheck', '--json', '--spec', SPEC, join(dir, 'messy.ndjson')]);
    expect(run.status).toBe(1);
    const alerts = alertsOf(run.stdout);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'malformed',
      diagnostic: { kind: 'malformed', origin: { line: input.length }, field: 'seq', got: 'the string "2"', proc: broken.proc },
    });
    expect(run.stderr).toMatch(new RegExp(`${lines.length} events checked against uploader: 1 malformed .*; 2 duplicates dropped`));
  });

  it('warns when the input holds no events, and refuses stdin given twice', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'empty.ndjson'), '\n');
    const empty = specwatch(['check', '--no-typecheck', '--spec', SPEC, join(dir, 'empty.ndjson')]);
    expect(empty.status).toBe(0);
    expect(empty.stderr).toMatch(/warning: the input held no events/);
    const twice = specwatch(['check', '--no-typecheck', '--spec', SPEC, '-', '-'], '');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/'-' \(stdin\) can be given only once/);
    expect(specwatch(['timeline', '-', '-'], '').stderr).toMatch(/'-' \(stdin\) can be given only once/);
  });

  it('takes only its own commands: a name Object has is still unknown', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const run = specwatch([name]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`unknown command '${name}'`));
      expect(run.stderr).not.toMatch(/internal error/);
    }
    expect(specwatch(['help', 'constructor']).stdout).toMatch(/^Usage: specwatch <command>/);
  });

  it('type-checks a good spec and runs it', () => {
    const run = specwatch(['check', '--spec', SPEC, trace('worker-crash.fixed')]);
    expect(run.status).toBe(0);
  });
});
