import { closeSync, openSync, writeSync } from 'node:fs';
import { SpecwatchError } from '../errors.ts';
import type { TextOutput } from './cli-environment.ts';

const FLUSH_AT = 1 << 16;

/** Batches lines so a million events cost a few hundred writes, not a million. */
export class BufferedLines {
  private parts: string[] = [];
  private size = 0;
  /** Set when the output went away: stop producing. EPIPE (the reader left) is not an error. */
  closed = false;
  private failure: Error | undefined;

  constructor(private readonly output: TextOutput) {
    // Never throw from an 'error' listener: that would crash the process mid-pipeline.
    output.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE') this.failure = error;
    });
  }

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0 || this.closed) return;
    this.output.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Flushes and waits until the output has taken everything. */
  async end(): Promise<void> {
    this.flush();
    if (!this.closed) await new Promise<void>((resolve) => this.output.write('', () => resolve()));
    if (this.failure !== undefined) {
      throw new SpecwatchError(`cannot write the output: ${this.failure.message}`, { code: 'OUTPUT_UNWRITABLE', cause: this.failure });
    }
  }
}

/** A file of JSON lines, written synchronously so nothing is lost if the process is stopped. */
export class JsonLinesFile {
  private readonly fd: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new SpecwatchError(`cannot write ${path}: ${(error as Error).message}`, { code: 'OUTPUT_UNWRITABLE', cause: error, context: { path } });
    }
  }

  write(value: unknown): void {
    writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}
