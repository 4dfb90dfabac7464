import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const TELEMETRY = new URL('../services/telemetry.ts', import.meta.url).href;
const READY_TIMEOUT_MS = 60_000;
const STDERR_TAIL_LINES = 20;

export interface ServiceLaunch {
  /** Process name: store, upload-api, worker-1, cleaner, users. */
  readonly name: string;
  /** The entry module, relative to examples/uploader/live/. */
  readonly script: string;
  readonly args: readonly string[];
  /** Instrumented services load telemetry.ts first and get these UPLOADER_* variables. */
  readonly telemetry?: Readonly<Record<string, string>>;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One child process of a run: its JSON lines on stdout, the tail of its stderr, its exit. */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  readonly #lines: Array<Record<string, unknown>> = [];
  readonly #stderr: string[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(readonly launch: ServiceLaunch, log: (line: string) => void) {
    const script = fileURLToPath(new URL(`../${launch.script}`, import.meta.url));
    const imports = launch.telemetry === undefined ? ['--import', 'tsx'] : ['--import', 'tsx', '--import', TELEMETRY];
    this.child = spawn(process.execPath, [...imports, script, ...launch.args], {
      cwd: REPO,
      env: { ...process.env, ...launch.telemetry },
      // stdin stays open: its end tells the service to stop, also when this process dies.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({ code, signal }));
      // A child that could not be spawned (EAGAIN, ENOMEM) fails the run instead of the launcher.
      this.child.on('error', (error) => {
        log(`[${launch.name}] could not run: ${error.message}`);
        resolve({ code: null, signal: null });
      });
    });
    onLines(this.child.stdout!, (line) => {
      if (!line.startsWith('{')) return log(`[${launch.name}] ${line}`);
      try {
        this.#lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        return log(`[${launch.name}] ${line}`);
      }
      for (const listener of this.#listeners) listener();
    });
    onLines(this.child.stderr!, (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_TAIL_LINES) this.#stderr.shift();
      log(`[${launch.name}] ${line}`);
    });
    this.child.stdin!.on('error', () => undefined); // a child that already exited
  }

  get name(): string {
    return this.launch.name;
  }

  /** The last lines it wrote to stderr, for an error message. */
  stderrTail(): string {
    return this.#stderr.length === 0 ? '(nothing on stderr)' : this.#stderr.join('\n');
  }

  /** The JSON lines it printed that have `key`, oldest first. */
  said(key: string): unknown[] {
    return this.#lines.filter((line) => key in line).map((line) => line[key]);
  }

  /** Waits for a JSON line with `key`; fails if the process exits first or the wait times out. */
  async awaitLine(key: string, timeoutMs = READY_TIMEOUT_MS): Promise<unknown> {
    let listener: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<unknown>((resolve, reject) => {
        listener = () => {
          const found = this.#lines.find((line) => key in line);
          if (found !== undefined) resolve(found[key]);
        };
        this.#listeners.add(listener);
        listener();
        timer = setTimeout(() => reject(new Error(`${this.name} said no "${key}" within ${timeoutMs} ms\n${this.stderrTail()}`)), timeoutMs);
        void this.exited.then((exit) => reject(new Error(`${this.name} exited (${describeExit(exit)}) before saying "${key}"\n${this.stderrTail()}`)));
      });
    } finally {
      clearTimeout(timer);
      this.#listeners.delete(listener);
    }
  }

  /** Asks it to stop (SIGTERM: recorders flush), then kills it if it has not exited in `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

export function describeExit(exit: Exit): string {
  return exit.signal === null ? `status ${exit.code}` : `signal ${exit.signal}`;
}

function onLines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    for (const part of parts) if (part.trim() !== '') each(part);
  });
  stream.on('end', () => pending.trim() !== '' && each(pending));
}
