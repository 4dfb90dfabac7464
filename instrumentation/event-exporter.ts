import type { SpecEvent } from './format.ts';

/** How one export went; a failure carries the reason when the exporter knows it. */
export interface ExportResult {
  readonly code: 'success' | 'failed';
  readonly error?: Error;
}

/** Where recorded events go, in the spirit of OpenTelemetry's SpanExporter. */
export interface EventExporter {
  /** Sends a batch; reports failure in the result, never throws or rejects. */
  export(events: readonly SpecEvent[]): Promise<ExportResult>;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

export const EXPORT_SUCCESS: ExportResult = Object.freeze({ code: 'success' });

/** A failed result whatever was thrown. */
export function exportFailed(error: unknown): ExportResult {
  return { code: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
}

/** An export as a result, never a rejection: failed when `stopped` says why, or when `send` throws. */
export async function exportOutcome(stopped: string | false, send: () => Promise<void>): Promise<ExportResult> {
  if (stopped !== false) return exportFailed(new Error(stopped));
  try {
    await send();
    return EXPORT_SUCCESS;
  } catch (error) {
    return exportFailed(error);
  }
}
