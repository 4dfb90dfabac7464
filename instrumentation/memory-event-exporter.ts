import { EXPORT_SUCCESS, type EventExporter, type ExportResult } from './event-exporter.ts';
import type { SpecEvent } from './format.ts';

const STOPPED: ExportResult = Object.freeze({ code: 'failed', error: new Error('MemoryEventExporter is shut down') });

/** Keeps exported events in memory, for tests (like OpenTelemetry's InMemorySpanExporter). */
export class MemoryEventExporter implements EventExporter {
  #events: SpecEvent[] = [];
  #stopped = false;

  /** Every event exported since the last reset, in export order. */
  get events(): SpecEvent[] {
    return this.#events;
  }

  reset(): void {
    this.#events = [];
  }

  export(events: readonly SpecEvent[]): Promise<ExportResult> {
    if (this.#stopped) return Promise.resolve(STOPPED);
    for (const event of events) this.#events.push(event);
    return Promise.resolve(EXPORT_SUCCESS);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#stopped = true;
    return Promise.resolve();
  }
}
