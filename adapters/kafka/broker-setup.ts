// What the local broker's parts share: its one error, running a command, reading the files a run leaves.
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { SpecwatchError } from '../../monitor/errors.ts';

export const LOG_TAIL_LINES = 25;

export const setupError = (message: string, cause?: unknown, context?: Record<string, string | number | boolean>): SpecwatchError =>
  new SpecwatchError(message, { code: 'BROKER_SETUP', cause, context });

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
export const noLog = (): void => {};

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** The last lines of a file, from byte `since` on (where this run began writing; 0 when the file rolled over). */
export async function tail(path: string, lines = LOG_TAIL_LINES, since = 0): Promise<string> {
  const bytes = await readFile(path).catch(() => Buffer.alloc(0));
  const text = bytes.subarray(bytes.length >= since ? since : 0).toString('utf8');
  // Maven colours its output even in batch mode on some terminals.
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').trimEnd().split('\n').slice(-lines).join('\n');
}

export async function size(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

export interface RunResult { readonly code: number | null; readonly output: string }

/** Runs a command to completion, collecting stdout and stderr together. */
export function run(command: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}
