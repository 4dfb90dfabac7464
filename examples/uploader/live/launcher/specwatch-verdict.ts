// What specwatch says about a run: `specwatch check` on its event files, or a bounded
// `specwatch monitor` over its part of the events topic. The real CLI, as a user would run it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Alert } from '../../../../monitor/index.ts';
import { REPO } from './service-process.ts';

const SPECWATCH = fileURLToPath(new URL('../../../../bin/specwatch.js', import.meta.url));
export const UPLOADER_SPEC = 'examples/uploader/spec.ts';

export interface Verdict {
  /** specwatch's exit status: 0 conforms, 1 violated or malformed, 3 inconclusive, 2 failed. */
  readonly status: number;
  readonly alerts: readonly Alert[];
  /** Its closing line on stderr, e.g. "specwatch check: 57 events checked against uploader: all conform …". */
  readonly summary: string;
  /** The command, to run again by hand. */
  readonly command: string;
}

/** `specwatch check` on the files (the repository's spec is type-checked by `npm run typecheck`, so not again here). */
export function checkFiles(files: readonly string[], spec = UPLOADER_SPEC): Promise<Verdict> {
  return specwatch(['check', '--json', '--no-typecheck', '--spec', spec, ...files]);
}

/** `specwatch monitor --to now` over the topic's records from `fromMs` on: this run's events, judged as a finished trace. */
export function replayTopic(brokers: readonly string[], topic: string, fromMs: number, alertsTopic: string, spec = UPLOADER_SPEC): Promise<Verdict> {
  return specwatch(['monitor', '--no-typecheck', '--spec', spec, '--kafka', brokers.join(','), '--topic', topic, '--alerts-topic', alertsTopic, '--from', String(fromMs), '--to', 'now']);
}

async function specwatch(args: readonly string[]): Promise<Verdict> {
  const child = spawn(process.execPath, [SPECWATCH, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 2));
  });
  const command = `npx specwatch ${args.map((a) => (/^[\w./:@,=-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`;
  if (status === 2) throw new Error(`${command} failed (status 2):\n${stderr.trim()}`);
  const alerts = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Alert);
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return { status, alerts, summary: lines.findLast((l) => l.startsWith('specwatch')) ?? lines.at(-1) ?? '', command };
}
