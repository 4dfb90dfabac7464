import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportOutcome, type EventExporter, type ExportResult } from './event-exporter.ts';
import { encodeEvent, eventName, type SpecEvent } from './format.ts';

/** The batch as NDJSON lines; all or nothing, so a batch is never half written. */
function encodeBatch(events: readonly SpecEvent[]): string {
  let text = '';
  for (const event of events) {
    try {
      text += `${encodeEvent(event)}\n`;
    } catch (error) {
      // JSON.stringify throws on a BigInt or a cycle in params.
      throw new Error(`cannot encode ${eventName(event.proc, event.seq)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return text;
}

/** Appends events to an NDJSON file, one `encodeEvent` line each (staging, or a sidecar that ships files). */
export class NdjsonFileExporter implements EventExporter {
  #stream: Promise<WriteStream> | undefined;
  #stopped = false;

  constructor(readonly path: string) {}

  export(events: readonly SpecEvent[]): Promise<ExportResult> {
    return exportOutcome(this.#stopped && `NdjsonFileExporter for ${this.path} is shut down`, async () => {
      const text = encodeBatch(events);
      const stream = await this.#open();
      await new Promise<void>((resolve, reject) => stream.write(text, (error) => (error == null ? resolve() : reject(error))));
    });
  }

  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const stream = await this.#stream?.catch(() => undefined);
    if (stream === undefined || stream.destroyed) return;
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }

  /** The stream, opened on first use so a bad path is an export failure, not a startup crash; reopened after a failure. */
  #open(): Promise<WriteStream> {
    if (this.#stream !== undefined) return this.#stream;
    const opening = mkdir(dirname(this.path), { recursive: true }).then(() => {
      const stream = createWriteStream(this.path, { flags: 'a' });
      // The failure reaches the pending write callbacks; the listener keeps it from crashing the process.
      stream.on('error', () => {
        if (this.#stream === opening) this.#stream = undefined;
      });
      return stream;
    });
    opening.catch(() => {
      if (this.#stream === opening) this.#stream = undefined;
    });
    this.#stream = opening;
    return opening;
  }
}
