import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';

const BATCH = 10_000;

/** Writes events as NDJSON in batches, waiting when the stream asks; ends it unless it is stdout. */
export async function writeNdjson(events: Iterable<SpecEvent>, out: NodeJS.WritableStream): Promise<number> {
  let written = 0;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const text = `${batch.join('\n')}\n`;
    batch = [];
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  for (const event of events) {
    batch.push(encodeEvent(event));
    written++;
    if (batch.length === BATCH) await flush();
  }
  await flush();
  if (out !== process.stdout) {
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
  }
  return written;
}
