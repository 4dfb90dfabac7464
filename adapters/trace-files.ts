import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Observable } from 'rxjs';
import { DEFAULT_LIMITS, SpecwatchError, decodeEvent, notUtf8, overSizeLimit, readFirst, type DecodedItem, type FormatLimits } from '../monitor/index.ts';
import { NdjsonLineSplitter, type NdjsonLine } from './ndjson-lines.ts';

export interface TraceFileOptions {
  readonly limits?: FormatLimits;
  /** What `-` reads; process.stdin by default. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Awaited before each chunk is read: a consumer that cannot keep up holds the reading back. */
  readonly beforeChunk?: () => Promise<void> | undefined;
}

const STDIN = '-';
const CHUNK_BYTES = 1 << 20;

/** Fails fast, before any output, if a path cannot be read (missing, a directory, no permission). */
export async function checkTraceFilesReadable(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    if (path === STDIN) continue;
    try {
      const handle = await open(path, 'r');
      try {
        if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw unreadable(path, error);
    }
  }
}

function unreadable(path: string, error: unknown): SpecwatchError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  const why = { ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied' }[reason] ?? reason;
  return new SpecwatchError(`cannot read ${path}: ${why}`, { code: 'INPUT_UNREADABLE', cause: error, context: { path } });
}

/** One file's position: the decoded records of its current chunk. */
class TraceFileCursor {
  items: DecodedItem[] = [];
  index = 0;
  private ended = false;
  private readonly splitter: NdjsonLineSplitter;
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(readonly path: string, private readonly stream: NodeJS.ReadableStream, private readonly limits: FormatLimits) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.splitter = new NdjsonLineSplitter(limits.maxEventBytes);
  }

  get exhausted(): boolean {
    return this.ended && this.index >= this.items.length;
  }

  /** Ensures a current record unless the file is finished. */
  async fill(): Promise<void> {
    while (this.index >= this.items.length && !this.ended) {
      let next: IteratorResult<Buffer>;
      try {
        next = await this.chunks.next();
      } catch (error) {
        throw unreadable(this.path, error);
      }
      const chunk = next.value;
      const lines = next.done === true ? this.splitter.end() : this.splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      if (next.done === true) this.ended = true;
      this.items = lines.map((line) => this.decode(line));
      this.index = 0;
    }
  }

  close(): void {
    if (this.path !== STDIN) (this.stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
  }

  private decode(line: NdjsonLine): DecodedItem {
    const origin = { source: this.path, line: line.line };
    if (line.text !== undefined) return decodeEvent(line.text, origin, this.limits);
    if ('notUtf8' in line) return notUtf8(origin, line.notUtf8);
    return overSizeLimit(origin, this.limits, line.oversizeBytes);
  }
}

/**
 * Reads NDJSON trace files (`-` for stdin) as decoded records. Several files are merged by
 * `readFirst` on each file's next record (its time, then its clock sum), which keeps the causal
 * holdback and the checker's reordering small when each file is one service's log; the order is
 * a heuristic only, since causalOrder and the checker sort out the rest.
 */
export function readTraceFiles(paths: readonly string[], options: TraceFileOptions = {}): Observable<DecodedItem> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  return new Observable<DecodedItem>((subscriber) => {
    const cursors = paths.map((path) => {
      const stream = path === STDIN ? (options.stdin ?? process.stdin) : createReadStream(path, { highWaterMark: CHUNK_BYTES });
      return new TraceFileCursor(path, stream, limits);
    });
    const run = async (): Promise<void> => {
      let live = cursors;
      while (!subscriber.closed) {
        await options.beforeChunk?.();
        await Promise.all(live.map((cursor) => cursor.fill()));
        live = live.filter((cursor) => !cursor.exhausted);
        if (live.length === 0) break;
        for (;;) {
          let best = live[0]!;
          for (const cursor of live) if (readFirst(cursor.items[cursor.index]!, best.items[best.index]!)) best = cursor;
          subscriber.next(best.items[best.index++]!);
          if (best.index >= best.items.length || subscriber.closed) break;
        }
      }
      subscriber.complete();
    };
    run().catch((error: unknown) => subscriber.error(error));
    return () => cursors.forEach((cursor) => cursor.close());
  });
}
