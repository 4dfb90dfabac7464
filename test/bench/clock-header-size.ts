// How large the specwatch-clock header grows with the number of processes in a message's causal
// past. Part of `npm run bench` (stage clock-header); alone: `node --import tsx test/bench/clock-header-size.ts`.
import { pathToFileURL } from 'node:url';
import { encodeClockHeader } from '../../instrumentation/clock-header.ts';

/** A realistic incarnation name: service, replica number, 8 hex digits of incarnation id. */
const incarnation = (i: number): string => `${['worker', 'api', 'uploader', 'scheduler'][i % 4]}-${i}@${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}`;

/** Header bytes for a clock with one entry per process, each count of a busy process (5–6 digits). */
export function clockHeaderSizes(processCounts: number[]): Array<{ processes: number; bytes: number }> {
  return processCounts.map((processes) => {
    const clock: Record<string, number> = {};
    for (let i = 0; i < processes; i++) clock[incarnation(i)] = 10_000 + ((i * 7919) % 900_000);
    return { processes, bytes: Buffer.byteLength(encodeClockHeader(clock), 'utf8') };
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(JSON.stringify(clockHeaderSizes([1, 10, 100, 1000])));
