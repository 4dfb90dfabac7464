import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/specwatch.js', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `specwatch` binary, as a user would. */
export function specwatch(args: readonly string[], input?: string): CliRun {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, input, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 180_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** Starts the real `specwatch` binary without blocking the test's event loop. */
export function startSpecwatch(args: readonly string[]): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs the binary to its end, asynchronously. */
export async function specwatchAsync(args: readonly string[]): Promise<CliRun> {
  const run = startSpecwatch(args);
  const status = await run.exited;
  return { status: typeof status === 'number' ? status : null, stdout: run.stdout(), stderr: run.stderr() };
}
