import type { Observable } from 'rxjs';
import type { FormatLimits } from '../format-limits.ts';
import type { DecodedItem } from '../trace-items.ts';

export interface TextOutput {
  write(text: string, callback?: (error?: Error | null) => void): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly isTTY?: boolean;
}

/** What the commands need of the world; the bin wires the real adapters, tests may wire others. */
export interface CliEnvironment {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  readTraceFiles(paths: readonly string[], options: { limits: FormatLimits }): Observable<DecodedItem>;
  checkTraceFilesReadable(paths: readonly string[]): Promise<void>;
}
