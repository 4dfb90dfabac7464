// One run of the uploader as real services: start the store, the API, the workers and the cleaner,
// wait until each is ready, let the users play the scenario, drain the queue, stop everything
// (SIGTERM: each recorder flushes), and say what was written.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { drainQueue, embeddedQueueWatch, kafkaQueueWatch, type QueueWatch } from './queue-drain.ts';
import type { RunResult, RunSettings } from './run-settings.ts';
import { ServiceGroup } from './service-group.ts';
import { serviceLaunches, usersLaunch } from './service-launches.ts';

export interface RunControl {
  /** Progress lines (stderr in the CLI). */
  readonly log: (line: string) => void;
  /** Aborting stops the run early: the services are stopped as at the end, and the result says interrupted. */
  readonly signal?: AbortSignal;
}

class Interrupted extends Error {}

/** Rejects with Interrupted once the signal aborts (never without a signal). */
function interruption(signal: AbortSignal | undefined): Promise<never> {
  const interrupted = new Promise<never>((_, reject) => {
    if (signal?.aborted === true) reject(new Interrupted());
    signal?.addEventListener('abort', () => reject(new Interrupted()), { once: true });
  });
  interrupted.catch(() => undefined);
  return interrupted;
}

function validated(settings: RunSettings): RunSettings {
  if (settings.transport === 'kafka' && settings.brokers === undefined) throw new Error('the kafka transport needs settings.brokers');
  if (settings.transport === 'kafka') return settings;
  if (settings.out === undefined) throw new Error('the embedded transport needs settings.out, the directory for the event files');
  return { ...settings, out: resolve(settings.out) };
}

/** The event files of this run's incarnations (an earlier run's files in the same directory are not). */
function eventFiles(out: string | undefined, incarnations: ServiceGroup['incarnations']): string[] {
  if (out === undefined || !existsSync(out)) return [];
  return readdirSync(out).filter((f) => incarnations.some((i) => f === `${i.proc}.ndjson`)).map((f) => join(out, f));
}

export async function runUploader(given: RunSettings, control: RunControl): Promise<RunResult> {
  const settings = validated(given);
  const { log } = control;
  const startedAt = Date.now();
  const group = new ServiceGroup(log);
  const interrupted = interruption(control.signal);
  /** Every wait ends early when a service fails or the caller interrupts. */
  const step = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, group.failure, interrupted]);
  let watch: QueueWatch | undefined;
  let stoppedEarly = false;
  let drained = false;
  let tally = { requests: 0, failures: 0 };
  try {
    if (settings.transport === 'kafka') {
      const opening = kafkaQueueWatch(settings, log);
      // Interrupted while connecting: the connection made after all must still be closed.
      watch = await step(opening).catch((error: unknown) => {
        void opening.then((late) => late.close(), () => undefined);
        throw error;
      });
    }
    const store = group.start({ name: 'store', script: 'store/store-server.ts', args: [] });
    const storeUrl = ((await step(store.awaitLine('ready'))) as { url: string }).url;
    log(`store ready at ${storeUrl}`);
    watch ??= embeddedQueueWatch(storeUrl);
    const started = serviceLaunches(settings, storeUrl).map((launch) => group.start(launch, { restart: launch.name.startsWith('worker-') }));
    const [api] = (await step(Promise.all(started.map((s) => s.awaitLine('ready'))))) as [{ url: string }];
    await step(watch.ready(settings.workers));
    log(`${started.map((s) => s.name).join(', ')} ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s; the users start (${settings.scenario}, ${settings.seconds} s)`);
    const users = group.start(usersLaunch(settings, api.url), { finishes: true });
    tally = (await step(users.awaitLine('done', 60_000 + settings.seconds * 1000))) as typeof tally;
    log(`users done: ${tally.requests} requests, ${tally.failures} failed`);
    drained = await step(drainQueue(watch, group, log));
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    stoppedEarly = true;
    log('interrupted: stopping the services');
  } finally {
    await group.stopAll();
    await watch?.close();
  }
  return {
    eventFiles: eventFiles(settings.out, group.incarnations),
    incarnations: group.incarnations,
    restarts: group.restarts,
    requests: tally.requests,
    failedRequests: tally.failures,
    drained,
    interrupted: stoppedEarly,
    startedAt,
    elapsedMs: Date.now() - startedAt,
  };
}
