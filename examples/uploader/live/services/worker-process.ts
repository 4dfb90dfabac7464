// A worker process: takes (id, op) messages from the queue and turns them into content.
// Run by the launcher as: node --import tsx --import ./telemetry.ts worker-process.ts --store URL [flags]
//   --handle-delay <ms>  --edit-delay <ms>  --crash-on-delete-of <id>   timing that makes a race happen
//   --assume-upload-exists  --skip-version-check  --ack-on-receipt      the talk's three bugs
// A crash exits with status 70; the launcher starts a new incarnation in its place.
import { closeConnections } from './json-http.ts';
import { QUEUE_FLAGS, queueSettings, serviceFlags, wholeNumber } from './service-args.ts';
import { CRASH_EXIT_STATUS, announceReady, failStartup, stopOnRequest } from './service-lifecycle.ts';
import { StoreClient } from './store-client.ts';
import { recorder, stopTelemetry } from './telemetry.ts';
import { openConsumer } from './upload-queue.ts';
import { UploadWorker, WorkerCrash } from './upload-worker.ts';

const NAME = 'worker';

const values = serviceFlags(NAME, {
  ...QUEUE_FLAGS,
  'handle-delay': { type: 'string' },
  'edit-delay': { type: 'string' },
  'crash-on-delete-of': { type: 'string' },
  'assume-upload-exists': { type: 'boolean' },
  'skip-version-check': { type: 'boolean' },
  'ack-on-receipt': { type: 'boolean' },
});
const settings = queueSettings(NAME, values);
const store = new StoreClient(settings.transport === 'embedded' ? settings.store : values.store!, recorder);
const crashOn = wholeNumber(NAME, 'crash-on-delete-of', values['crash-on-delete-of'], 0);
const worker = new UploadWorker(recorder, store, {
  bugs: { assumeUploadExists: values['assume-upload-exists'] === true, skipVersionCheck: values['skip-version-check'] === true },
  handleDelayMs: wholeNumber(NAME, 'handle-delay', values['handle-delay'], 0),
  editDelayMs: wholeNumber(NAME, 'edit-delay', values['edit-delay'], 0),
  ...(crashOn === 0 ? {} : { crashOnDeleteOf: crashOn }),
});

/** The incarnation ends here. Its events are flushed first: a real crash could lose the last few, which would hide the cause. */
async function crash(error: unknown): Promise<never> {
  const expected = error instanceof WorkerCrash;
  process.stderr.write(`${recorder.proc}: ${expected ? error.message : `crashed: ${error instanceof Error ? error.stack : String(error)}`}\n`);
  await recorder.forceFlush();
  process.exit(CRASH_EXIT_STATUS);
}

const consumer = await openConsumer(settings, recorder, store, values['ack-on-receipt'] === true ? 'on-receipt' : 'after-handling', recorder.proc).catch((error: unknown) =>
  failStartup(recorder.proc, error),
);
consumer.run((delivery) => worker.handle(delivery)).catch(crash);
announceReady({ proc: recorder.proc });
stopOnRequest(recorder.proc, async () => {
  await consumer.stop();
  await stopTelemetry();
  closeConnections();
});
