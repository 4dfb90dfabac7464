// The README's TypeScript samples are what users copy first: each must type-check, as strict as
// the project, against the package's public entry points (imported by name, as a user would).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so that `specwatch/monitor` resolves through package.json's exports.
const OUT = join(REPO, 'test-artifacts', 'readme-samples');

interface Sample {
  readonly line: number;
  readonly code: string;
}

function readmeSamples(): Sample[] {
  const samples: Sample[] = [];
  const lines = readFileSync(join(REPO, 'README.md'), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    samples.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return samples;
}

/** Type errors of every sample, as "README.md:<line>: message", lines counted in the README. */
function sampleErrors(samples: readonly Sample[]): string[] {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const files = new Map<string, Sample>();
  for (const sample of samples) {
    const file = join(OUT, `readme-line-${sample.line}.ts`);
    // Relative paths are the README's (the repository root). An export makes each sample a
    // module of its own (top-level await, no shared names).
    writeFileSync(file, `${sample.code.replaceAll("from './", "from '../../")}\nexport {};\n`);
    files.set(file, sample);
  }
  const config = ts.getParsedCommandLineOfConfigFile(join(REPO, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram([...files.keys()], config.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const sample = d.file === undefined ? undefined : files.get(d.file.fileName);
    if (d.file === undefined || d.start === undefined || sample === undefined) return `${d.file?.fileName ?? '(program)'}: ${text}`;
    return `README.md:${sample.line + d.file.getLineAndCharacterOfPosition(d.start).line}: ${text}`;
  });
}

describe('the README samples', () => {
  const samples = readmeSamples();

  it('are found (a spec, reading files, reading a topic, instrumenting a service)', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(samples.some((s) => s.code.includes('defineSpec('))).toBe(true);
  });

  it('type-check against the public entry points', () => {
    expect(sampleErrors(samples)).toEqual([]);
  }, 120_000);

  it('report a broken sample at its README line (the check can fail)', () => {
    const errors = sampleErrors([{ line: 100, code: "import { causalOrder } from 'specwatch/monitor';\n\ncausalOrder({ maxHeldd: 1 });" }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^README\.md:102: .*maxHeldd/);
  }, 120_000);
});
