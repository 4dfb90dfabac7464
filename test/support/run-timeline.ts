import { Writable } from 'node:stream';
import { checkTraceFilesReadable, readTraceFiles } from '../../adapters/index.ts';
import { runCli } from '../../monitor/cli/main.ts';

export interface TimelineRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

const capture = (chunks: string[]) => new Writable({
  write(chunk: Buffer | string, _encoding, done) {
    chunks.push(chunk.toString());
    done();
  },
});

/** Runs `specwatch timeline …` in this process (no start-up per run), with the real file adapters. */
export async function runTimeline(args: readonly string[]): Promise<TimelineRun> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(['timeline', ...args], { stdout: capture(out), stderr: capture(err), readTraceFiles, checkTraceFilesReadable });
  return { status, stdout: out.join(''), stderr: err.join('') };
}
