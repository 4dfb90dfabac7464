// The load generator: users of the upload API. It plays the scenario's moment first (ids 1–3),
// then --users users use their own uploads until --seconds have passed since it started, and
// prints {"progress": …} every second and {"done": {requests, failures}} at the end.
// Run by the launcher as: node --import tsx --import ./telemetry.ts users-process.ts --api URL --scenario S --seconds N
import { FIRST_LOAD_ID, LIVE_SCENARIOS, type LiveScenario } from '../scenario-plans.ts';
import { closeConnections } from './json-http.ts';
import { ordinaryUse, playMoment } from './scenario-moments.ts';
import { required, serviceFlags, wholeNumber } from './service-args.ts';
import { failStartup, say, stopOnRequest } from './service-lifecycle.ts';
import { recorder, stopTelemetry } from './telemetry.ts';
import { UploadUser, type UserTally } from './upload-user.ts';

const NAME = 'users';
const values = serviceFlags(NAME, { api: { type: 'string' }, scenario: { type: 'string', default: 'load' }, seconds: { type: 'string' }, users: { type: 'string' } });
const api = required(NAME, 'api', values.api);
const scenario = LIVE_SCENARIOS.find((s) => s === values.scenario) ?? failStartup(NAME, `--scenario expects one of ${LIVE_SCENARIOS.join(', ')}, got '${values.scenario}'`);
const until = Date.now() + 1000 * wholeNumber(NAME, 'seconds', values.seconds, 5);
// Scenario runs keep ordinary use light, so the slowed workers keep up; a load run goes as fast as they do.
const pauseMs = scenario === 'load' ? 50 : 1000;
const tally: UserTally = { requests: 0, failures: 0 };
const users = Array.from({ length: Math.max(1, wholeNumber(NAME, 'users', values.users, scenario === 'load' ? 4 : 2)) }, () => new UploadUser(api, recorder, tally));

async function play(which: LiveScenario): Promise<void> {
  // The crash last: a restarting worker would otherwise miss the edit race.
  if (which === 'all') for (const bug of ['delete-before-create', 'edit-race', 'worker-crash'] as const) await playMoment(bug, users[0]!);
  else if (which !== 'load') await playMoment(which, users[0]!);
  let next = FIRST_LOAD_ID;
  await Promise.all(users.map((user) => ordinaryUse(user, until, pauseMs, () => next++)));
}

const progress = setInterval(() => say({ progress: tally }), 1000);
const finish = async (): Promise<void> => {
  clearInterval(progress);
  await stopTelemetry();
  closeConnections();
};
stopOnRequest(recorder.proc, finish);
await play(scenario);
await finish();
say({ done: tally });
process.exit(0);
