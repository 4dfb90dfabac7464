import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specwatch, type CliRun } from '../support/run-cli.ts';

type Line = { step?: number; end?: true; steps?: number; verdict: string; semantics: string; instances?: Record<string, string> };

const dir = mkdtempSync(join(tmpdir(), 'specwatch-ltl-'));
let traces = 0;
/** Writes the steps (arrays or objects, one per line) to a new trace file; returns its path. */
function trace(...steps: unknown[]): string {
  const path = join(dir, `trace-${++traces}.ndjson`);
  writeFileSync(path, steps.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))).join('\n') + '\n');
  return path;
}
const ltl = (formula: string, path: string, input?: string): CliRun => specwatch(['ltl', '--formula', formula, path], input);
const linesOf = (run: CliRun): Line[] => run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
/** The LTL3 verdict of each step, then the LTLf verdict at the end. */
function verdicts(run: CliRun): { steps: string[]; end: string } {
  const lines = linesOf(run);
  const end = lines.at(-1)!;
  expect(end).toMatchObject({ end: true, steps: lines.length - 1, semantics: 'LTLf' });
  lines.slice(0, -1).forEach((l, i) => expect(l).toMatchObject({ step: i + 1, semantics: 'LTL3' }));
  return { steps: lines.slice(0, -1).map((l) => l.verdict), end: end.verdict };
}

describe('specwatch ltl', () => {
  it('gives an LTL3 verdict per step and the LTLf verdict at the end for F, G and U', () => {
    const path = trace(['p'], ['p'], ['q'], []);
    const until = ltl('p U q', path);
    expect(verdicts(until)).toEqual({ steps: ['inconclusive', 'inconclusive', 'satisfied', 'satisfied'], end: 'satisfied' });
    expect(until.status).toBe(0);
    const response = ltl('G (q -> F p)', path);
    expect(verdicts(response)).toEqual({ steps: ['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive'], end: 'violated' });
    expect(response.status).toBe(1);
    expect(verdicts(ltl('G !r', path))).toEqual({ steps: ['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive'], end: 'satisfied' });
    expect(verdicts(ltl('G p', path))).toEqual({ steps: ['inconclusive', 'inconclusive', 'violated', 'violated'], end: 'violated' });
    expect(verdicts(ltl('F q', path)).steps).toEqual(['inconclusive', 'inconclusive', 'satisfied', 'satisfied']);
  });

  it('reads X as strong at the end of the trace', () => {
    const run = ltl('X p', trace(['p']));
    expect(verdicts(run)).toEqual({ steps: ['inconclusive'], end: 'violated' });
    expect(run.status).toBe(1);
    expect(verdicts(ltl('X p', trace([], ['p']))).end).toBe('satisfied');
  });

  it('bounds F by time with t', () => {
    const formula = 'G (req -> F[<=100ms] ack)';
    const late = ltl(formula, trace(['req'], { props: ['ack'], t: 150 }));
    expect(verdicts(late)).toEqual({ steps: ['inconclusive', 'violated'], end: 'violated' });
    expect(late.status).toBe(1);
    const soon = ltl(formula, trace(['req'], { props: ['ack'], t: 50 }));
    expect(verdicts(soon)).toEqual({ steps: ['inconclusive', 'inconclusive'], end: 'satisfied' });
    expect(soon.status).toBe(0);
    expect(verdicts(ltl(formula, trace({ props: ['req'], t: 10 }, { props: [], t: 60 }))).end).toBe('violated');
    expect(verdicts(ltl('F[<=1] ack', trace([], [], ['ack']))).steps).toEqual(['inconclusive', 'violated', 'violated']);
  });

  it('evaluates past operators', () => {
    expect(verdicts(ltl('G (del -> O add)', trace(['add'], [], ['del'])))).toEqual({ steps: ['inconclusive', 'inconclusive', 'inconclusive'], end: 'satisfied' });
    const early = ltl('G (del -> O add)', trace([], ['del'], ['add']));
    expect(verdicts(early)).toEqual({ steps: ['inconclusive', 'violated', 'violated'], end: 'violated' });
    expect(early.status).toBe(1);
  });

  it('runs one monitor per value of a forall variable, from its first mention', () => {
    const path = trace(
      ['create(1)'],
      { props: ['create("a")', 'delete(1)'], t: 5 },
      { props: [], event: { action: 'Delete', params: { id: 2 } } },
      ['delete(2)'],
    );
    const run = ltl('forall id: G (delete(id) -> O create(id))', path);
    expect(run.status).toBe(1);
    const lines = linesOf(run);
    expect(lines.map((l) => l.instances)).toEqual([
      { 1: 'inconclusive' },
      { 1: 'inconclusive', '"a"': 'inconclusive' },
      { 1: 'inconclusive', '"a"': 'inconclusive', 2: 'inconclusive' },
      { 1: 'inconclusive', '"a"': 'inconclusive', 2: 'violated' },
      { 1: 'satisfied', '"a"': 'satisfied', 2: 'violated' },
    ]);
    expect(lines.map((l) => l.verdict)).toEqual(['inconclusive', 'inconclusive', 'inconclusive', 'violated', 'violated']);
    const events = ltl('forall x: G (action == "Delete" -> params.x == x)', trace({ event: { action: 'Delete', params: { x: 1 } } }));
    expect(linesOf(events).at(-1)).toEqual({ end: true, steps: 1, verdict: 'satisfied', semantics: 'LTLf', instances: { 1: 'satisfied' } });
  });

  it('exits 2 for a formula syntax error (column and caret), no formula, or an unreadable file', () => {
    const run = ltl('G (p -> F[<= q)', trace(['p']));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe("specwatch ltl: column 14: expected a non-negative number but found 'q'\nG (p -> F[<= q)\n             ^\n");
    const missing = ltl('G p', join(dir, 'nope.ndjson'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.ndjson: no such file/);
    expect(specwatch(['ltl', trace(['p'])]).stderr).toMatch(/ltl needs --formula/);
  });

  it('stops at a bad line with exit 2, naming file and line', () => {
    const path = trace(['p'], '', '{"props": ["p"], "t": 10}', '{"t": 5}');
    const backwards = ltl('G p', path);
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toBe(`specwatch ltl: ${path}:4: t: 5 is earlier than the previous step's time 10\n`);
    expect(linesOf(backwards)).toHaveLength(2);
    for (const [line, why] of [
      ['not json', /:1: expected a JSON array of atoms .*not JSON/],
      ['[1]', /:1: \[0\]: expected an atom as a string, got the number 1/],
      ['["orphan( 1 )"]', /:1: \[0\]: write "orphan\( 1 \)" as "orphan\(1\)"/],
      ['{"prop": ["p"]}', /:1: unknown field "prop"/],
      ['{"event": 3}', /:1: event: expected an object/],
    ] as const) {
      const run = ltl('G p', trace(line));
      expect(run.status, line).toBe(2);
      expect(run.stderr, line).toMatch(why);
    }
  });

  it('stops at bytes that are not UTF-8, or at a line over 65,536 bytes, naming the line, after the steps before it', () => {
    const latin1 = join(dir, 'latin1.ndjson');
    writeFileSync(latin1, Buffer.concat([Buffer.from('["p"]\n["p"]\n["caf'), Buffer.from([0xe9]), Buffer.from('"]\n')]));
    const bad = ltl('G p', latin1);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`specwatch ltl: ${latin1}:3: bytes that are not UTF-8 (a step is one line of UTF-8 JSON)\n`);
    expect(linesOf(bad)).toHaveLength(2);
    for (const long of [`["${'p'.repeat(70_000)}"]`, `["${'é'.repeat(40_000)}"]`]) {
      const run = ltl('G p', trace(['p'], long, ['p']));
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/:2: a line over 65,536 bytes \(a step is one line of JSON\)\n$/);
      expect(linesOf(run)).toHaveLength(1);
    }
    // Characters cut by the 64 KiB reads are whole again: 300 lines of 2-byte and 3-byte characters.
    const many = Array.from({ length: 300 }, (_, i) => `["p(\\"${(i % 2 === 0 ? 'é' : '€').repeat(300 + i)}\\")"]`);
    const whole = ltl('G true', trace(...many));
    expect(whole.stderr).toBe('');
    expect(verdicts(whole).steps).toHaveLength(300);
    // Without a newline it is never complete: still stopped, not held.
    expect(ltl('G p', '-', `["p"]\n["${'p'.repeat(200_000)}`).stderr).toMatch(/^specwatch ltl: \(stdin\):2: a line over 65,536 bytes/);
  });

  it('reads standard input for -', () => {
    const run = ltl('F[<=100ms] ack', '-', '["req"]\r\n\n{"props":["ack"],"t":100}\n');
    expect(verdicts(run)).toEqual({ steps: ['inconclusive', 'satisfied'], end: 'satisfied' });
    expect(run.status).toBe(0);
  });

  it('documents itself', () => {
    const help = specwatch(['ltl', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: specwatch ltl --formula/);
    expect(help.stdout).toMatch(/LTL3[\s\S]*LTLf[\s\S]*Exit status/);
    expect(specwatch(['--help']).stdout).toMatch(/ltl\s+evaluate a temporal formula on a trace of proposition sets/);
  });
});
