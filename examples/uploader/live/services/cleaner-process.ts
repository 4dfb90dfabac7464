// The cleaner process: every --sweep-ms (default 500) it removes content whose upload is gone,
// recording Clean for each (services.ts's Cleaner). After each sweep it prints {"swept": n}.
// Run by the launcher as: node --import tsx --import ./telemetry.ts cleaner-process.ts --store URL
import { trace } from '@opentelemetry/api';
import { closeConnections } from './json-http.ts';
import { required, serviceFlags, wholeNumber } from './service-args.ts';
import { announceReady, say, sleep, stopOnRequest } from './service-lifecycle.ts';
import { StoreClient } from './store-client.ts';
import { recorder, stopTelemetry } from './telemetry.ts';

const NAME = 'cleaner';
const values = serviceFlags(NAME, { store: { type: 'string' }, 'sweep-ms': { type: 'string' } });
const store = new StoreClient(required(NAME, 'store', values.store), recorder);
const sweepMs = wholeNumber(NAME, 'sweep-ms', values['sweep-ms'], 500);
const tracer = trace.getTracer('uploader-cleaner');

/** One sweep over all content: Cleaner.sweep, each check and removal under the content's lock. */
async function sweep(): Promise<number> {
  let cleaned = 0;
  for (const id of await store.keys('content')) {
    await store.locked('content', id, async (content) => {
      if (content.read() === undefined) return;
      if ((await store.read('uploads', id)) !== undefined) return;
      await content.write(undefined, () => recorder.record('Clean', { id }));
      cleaned++;
    });
  }
  return cleaned;
}

let stopped = false;
const sweeping = (async () => {
  for (let swept = 1; !stopped; swept++) {
    // A span per sweep: its Clean events carry its trace ids.
    const cleaned = await tracer.startActiveSpan('sweep', (span) => sweep().finally(() => span.end())).catch((error: unknown) => {
      process.stderr.write(`${recorder.proc}: sweep ${swept} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return 0;
    });
    say({ swept, cleaned });
    await sleep(sweepMs);
  }
})();
announceReady({ proc: recorder.proc });
stopOnRequest(recorder.proc, async () => {
  stopped = true;
  await sweeping;
  await stopTelemetry();
  closeConnections();
});
