import { closeSync, openSync, writeSync } from 'node:fs';
import { SpecwatchError } from '../errors.ts';
import type { TextOutput } from './cli-environment.ts';

const FLUSH_AT = 1 << 16;

/** Batches lines so a million events cost a few hundred writes, not a million. */
export class BufferedLines {
  private parts: string[] = [];
  private size = 0;
  /** Set when the reader went away (EPIPE): stop producing, it is not an error. */
  closed = false;

  constructor(private readonly output: TextOutput) {
    output.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.closed = true;
      else throw error;
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
    if (this.closed) return;
    await new Promise<void>((resolve) => this.output.write('', () => resolve()));
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
