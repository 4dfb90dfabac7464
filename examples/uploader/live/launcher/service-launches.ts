// The command lines of a run's processes: what each service is told about the store, the queue,
// where its events go, and the bug and timing of the scenario.
import { bugSwitches, workerTiming } from '../scenario-plans.ts';
import { workersGroup, type RunSettings } from './run-settings.ts';
import type { ServiceLaunch } from './service-process.ts';

/** The cleaner sweeps this often: a drain waits for two sweeps. */
const SWEEP_MS = 250;

/** What telemetry.ts reads: the service, its name, and where its events go. */
function telemetry(settings: RunSettings, service: string, name: string): Record<string, string> {
  return {
    UPLOADER_SERVICE: service,
    UPLOADER_NAME: name,
    ...(settings.transport === 'embedded' ? { UPLOADER_EVENTS_DIR: settings.out! } : { UPLOADER_KAFKA: settings.brokers!.join(','), UPLOADER_EVENTS_TOPIC: settings.eventsTopic }),
    ...(settings.recorderQueueSize === undefined ? {} : { UPLOADER_RECORDER_QUEUE: String(settings.recorderQueueSize) }),
  };
}

/** The API, the workers and (unless the bug removes it) the cleaner, once the store is at `store`. */
export function serviceLaunches(settings: RunSettings, store: string): ServiceLaunch[] {
  const queue = ['--store', store, '--transport', settings.transport, ...(settings.transport === 'kafka'
    ? ['--kafka', settings.brokers!.join(','), '--queue-topic', settings.queueTopic, '--group', workersGroup(settings)] : [])];
  const bugs = bugSwitches(settings.bug);
  const timing = workerTiming(settings.scenario);
  const worker = [...queue, '--handle-delay', String(timing.handleDelayMs), '--edit-delay', String(timing.editDelayMs),
    ...(timing.crashOnDeleteOf === undefined ? [] : ['--crash-on-delete-of', String(timing.crashOnDeleteOf)]),
    ...(bugs.assumeUploadExists ? ['--assume-upload-exists'] : []),
    ...(bugs.skipVersionCheck ? ['--skip-version-check'] : []),
    ...(bugs.ackOnReceipt ? ['--ack-on-receipt'] : [])];
  return [
    { name: 'upload-api', script: 'services/upload-api.ts', args: queue, telemetry: telemetry(settings, 'upload-api', 'upload-api') },
    ...Array.from({ length: settings.workers }, (_, i): ServiceLaunch =>
      ({ name: `worker-${i + 1}`, script: 'services/worker-process.ts', args: worker, telemetry: telemetry(settings, 'worker', `worker-${i + 1}`) })),
    ...(bugs.cleaner ? [{ name: 'cleaner', script: 'services/cleaner-process.ts', args: ['--store', store, '--sweep-ms', String(SWEEP_MS)], telemetry: telemetry(settings, 'cleaner', 'cleaner') }] : []),
  ];
}

/** The users, once the API is at `api`. */
export function usersLaunch(settings: RunSettings, api: string): ServiceLaunch {
  return {
    name: 'users',
    script: 'services/users-process.ts',
    args: ['--api', api, '--scenario', settings.scenario, '--seconds', String(settings.seconds), ...(settings.users === undefined ? [] : ['--users', String(settings.users)])],
    telemetry: telemetry(settings, 'users', 'users'),
  };
}
