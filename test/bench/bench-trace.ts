import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generateTrace, type TraceShape } from '../../examples/index.ts';
import { simulateLoad, type LoadShape } from '../../examples/uploader/load.ts';
import type { SpecEvent } from '../../instrumentation/index.ts';
import { writeNdjson } from '../../examples/trace-generator/write-ndjson.ts';

export const CACHE_DIR = process.env.SPECWATCH_CACHE ?? join(homedir(), '.cache', 'specwatch', 'bench');

/** A generated trace on disk, made once and reused (the generator is seeded, so it is the same file). */
export async function benchTrace(shape: TraceShape): Promise<string> {
  const name = `trace-p${shape.processes}-n${shape.events}-m${shape.messageProbability}-s${shape.seed}.ndjson`;
  return cached(name, shape.events, generateTrace(shape));
}

/** The fixed uploader services under load (users + workers + a cleaner), written once. */
export async function uploaderTrace(shape: LoadShape): Promise<string> {
  const events: SpecEvent[] = [];
  const name = `uploader-u${shape.users}-w${shape.workers}-n${shape.events}-k${shape.uploads}-s${shape.seed}.ndjson`;
  if (existsSync(join(CACHE_DIR, name))) return join(CACHE_DIR, name);
  simulateLoad(shape, (event) => events.push(event));
  return cached(name, events.length, events);
}

async function cached(name: string, count: number, events: Iterable<SpecEvent>): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, name);
  if (existsSync(path)) return path;
  process.stderr.write(`bench: writing ${count.toLocaleString('en-US')} events into ${path}\n`);
  const partial = `${path}.partial`;
  await writeNdjson(events, createWriteStream(partial));
  renameSync(partial, path);
  return path;
}
