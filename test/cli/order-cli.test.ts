import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../examples/index.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { happensBeforeViolations } from '../support/reference-order.ts';
import { REPO, specwatch } from '../support/run-cli.ts';

const MESSY = ['examples/traces/messy/api.ndjson', 'examples/traces/messy/worker.ndjson'];
const MERGE = ['examples/traces/merge/api.ndjson', 'examples/traces/merge/worker.ndjson'];
const parseLines = (text: string): SpecEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SpecEvent);
const scratch = () => mkdtempSync(join(tmpdir(), 'specwatch-order-'));

/** The lines of the given files, shuffled and dealt into `files` new files. */
function reshuffle(paths: readonly string[], seed: number, files: number): string[] {
  const random = seededRandom(seed);
  const lines = paths.flatMap((p) => readFileSync(join(REPO, p), 'utf8').split('\n').filter((l) => l.length > 0));
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  const dir = scratch();
  return Array.from({ length: files }, (_, f) => {
    const path = join(dir, `part-${f}.ndjson`);
    writeFileSync(path, lines.filter((_, i) => i % files === f).join('\n') + '\n');
    return path;
  });
}

describe('specwatch order', () => {
  it('merges per-service logs into one log that respects happens-before, exit 0', () => {
    const run = specwatch(['order', ...MERGE]);
    expect(run.status).toBe(0);
    const events = parseLines(run.stdout);
    expect(events).toHaveLength(8);
    expect(happensBeforeViolations(events)).toEqual([]);
    expect(run.stderr).toMatch(/8 records: 8 delivered/);
  });

  it('reports every kind of bad input with its reason and exits 1', () => {
    const run = specwatch(['order', ...MESSY]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/api\.ndjson:3: malformed: \(event\): expected one JSON object, got text that is not JSON/);
    expect(run.stderr).toMatch(/api\.ndjson:6: malformed \(event api@19c2#6\): vc\["api@19c2"\]: expected 6, equal to seq/);
    expect(run.stderr).toMatch(/worker\.ndjson:7: malformed: seq: expected a positive integer of at most 2\^53−1, got the string "5"/);
    expect(run.stderr).toMatch(/worker\.ndjson:3: duplicate of worker@7f3a#1, dropped/);
    expect(run.stderr).toMatch(/conflict: worker@7f3a#4 has different content .* \(differs in params\)/);
    expect(run.stderr).toMatch(/gap: api@19c2#4 never arrived \(1 event\), needed by api@19c2#5/);
    expect(run.stderr).toMatch(/14 records: 5 delivered, 3 released after a gap, 1 duplicate, 1 conflict, 4 malformed; 1 gap/);
    expect(happensBeforeViolations(parseLines(run.stdout))).toEqual([]);
  });

  it('rejects a line that is not UTF-8, naming the byte, instead of reading U+FFFD into its id', () => {
    const path = join(scratch(), 'bytes.ndjson');
    const good = '{"sw":1,"proc":"a","seq":1,"vc":{"a":1},"action":"Create","params":{"id":"\u00e9"}}\n';
    const bad = Buffer.from('{"sw":1,"proc":"b","seq":1,"vc":{"b":1},"action":"Create","params":{"id":"?"}}\n');
    bad[bad.indexOf('?')] = 0xe9; // é in Latin-1, not UTF-8
    writeFileSync(path, Buffer.concat([Buffer.from(good), bad]));
    const run = specwatch(['order', path]);
    expect(run.status).toBe(1);
    expect(parseLines(run.stdout).map((e) => e.proc)).toEqual(['a']);
    expect(run.stderr).toContain(`bytes.ndjson:2: malformed: (event): expected UTF-8 text, got bytes that are not UTF-8 (0xe9 at byte ${bad.indexOf(0xe9)} of ${bad.length - 1})`);
    expect(run.stderr).toMatch(/2 records: 1 delivered, 1 malformed/);
  });

  it('writes identical stdout for every shuffle and split of the same lines', () => {
    const reference = specwatch(['order', '--quiet', ...MESSY]);
    for (const [seed, files] of [[1, 1], [2, 2], [3, 3], [4, 5]] as const) {
      const run = specwatch(['order', '--quiet', ...reshuffle(MESSY, seed, files)]);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe(reference.stdout);
    }
  });

  it('reads standard input for -', () => {
    const input = MERGE.map((p) => readFileSync(join(REPO, p), 'utf8')).join('');
    const run = specwatch(['order', '-'], input);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(specwatch(['order', ...MERGE]).stdout);
    expect(specwatch(['order', '-'], `${input}not json\n`).stderr).toMatch(/^\(stdin\):\d+: malformed: \(event\)/m);
  });

  it('writes diagnostics as JSON lines with --diagnostics, keeping stderr to the summary', () => {
    const path = join(scratch(), 'diagnostics.ndjson');
    const run = specwatch(['order', '--diagnostics', path, ...MESSY]);
    expect(run.status).toBe(1);
    const kinds = parseLines(readFileSync(path, 'utf8')).map((d) => (d as unknown as { kind: string }).kind);
    expect(kinds.sort()).toEqual(['conflict', 'duplicate', 'gap', 'malformed', 'malformed', 'malformed', 'malformed']);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with a clear message for unreadable files and bad usage', () => {
    const missing = specwatch(['order', 'no/such/file.ndjson']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read no\/such\/file\.ndjson: no such file/);
    expect(missing.stdout).toBe('');
    expect(specwatch(['order', 'examples']).stderr).toMatch(/is a directory/);
    expect(specwatch(['order']).status).toBe(2);
    const badFlag = specwatch(['order', '--max-held', 'lots', ...MERGE]);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/--max-held expects a whole number/);
    const unknownFlag = specwatch(['order', '--frobnicate', ...MERGE]);
    expect(unknownFlag.stderr).toMatch(/^specwatch order: Unknown option '--frobnicate'\nRun 'specwatch order --help' for usage\.\n$/);
    expect(specwatch(['reorder']).status).toBe(2);
  });

  it('documents itself', () => {
    const help = specwatch(['order', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: specwatch order/);
    expect(help.stdout).toMatch(/Exit status/);
    expect(specwatch(['--help']).stdout).toMatch(/order\s+merge NDJSON traces/);
  });

  it('exits 2 with a message when stdout cannot be written, instead of crashing', () => {
    const full = openSync('/dev/full', 'w');
    const run = spawnSync(process.execPath, [join(REPO, 'bin/specwatch.js'), 'order', ...MERGE], { cwd: REPO, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot write the output: ENOSPC/);
  });
});
