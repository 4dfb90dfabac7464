import type { Observable } from 'rxjs';
import type { FormatLimits } from '../format-limits.ts';
import type { DecodedItem } from '../trace-items.ts';
import type { EventStreams } from './event-streams.ts';

export interface TextOutput {
  write(text: string, callback?: (error?: Error | null) => void): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly isTTY?: boolean;
}

/** What the commands need of the world; the bin wires the real adapters, tests may wire others. */
export interface CliEnvironment {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  readTraceFiles(paths: readonly string[], options: { limits: FormatLimits; beforeChunk?: () => Promise<void> | undefined }): Observable<DecodedItem>;
  checkTraceFilesReadable(paths: readonly string[]): Promise<void>;
  /** Kafka, for `monitor` and `publish`; absent where no broker client is wired in. */
  readonly eventStreams?: EventStreams;
  /** Aborted on SIGINT/SIGTERM: long-running commands drain, commit and exit. */
  readonly stopSignal?: AbortSignal;
  /** Environment variables (secrets such as SPECWATCH_KAFKA_PASSWORD are read from here). */
  readonly variables?: Readonly<Record<string, string | undefined>>;
}
