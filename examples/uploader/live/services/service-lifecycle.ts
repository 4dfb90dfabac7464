// How an uploader process talks to its launcher: JSON lines on stdout (readiness, progress), and
// a clean stop on SIGTERM, SIGINT or the end of stdin (so it also stops when the launcher dies).

const STOP_TIMEOUT_MS = 10_000;

/** How a worker ends when it crashes; the launcher then starts a new incarnation in its place. */
export const CRASH_EXIT_STATUS = 70;

/** One JSON line on stdout, the launcher reads it. */
export function say(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export function announceReady(details: Record<string, unknown>): void {
  say({ ready: details });
}

/** Runs `stop` once on the first request to stop, then exits 0 (1 if stopping failed or hung). */
export function stopOnRequest(name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const onRequest = (why: string): void => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      process.stderr.write(`${name}: still stopping after ${STOP_TIMEOUT_MS} ms (${why}); exiting anyway\n`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${name}: failed to stop cleanly: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onRequest('SIGTERM'));
  process.once('SIGINT', () => onRequest('SIGINT'));
  process.stdin.on('end', () => onRequest('stdin closed')).resume();
  // A launcher that died closed stdout too: the end of stdin stops this process, not an EPIPE.
  process.stdout.on('error', () => undefined);
}

/** A failure nothing can recover from: said on stderr, exit status 2. */
export function failStartup(name: string, error: unknown): never {
  process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
