// What the users do: each scenario's moment (the few requests that set up its race, timed
// against the workers' delays in scenario-plans.ts), then ordinary use until the time is up.
import { EDIT_GAP_MS, SCENARIO_UPLOAD, type BugName } from '../scenario-plans.ts';
import { sleep } from './service-lifecycle.ts';
import type { UploadUser } from './upload-user.ts';

/** Plays one scenario's moment; resolves once its race has had time to play out. */
export async function playMoment(scenario: BugName, user: UploadUser): Promise<void> {
  const id = SCENARIO_UPLOAD[scenario];
  switch (scenario) {
    case 'delete-before-create':
      // The delete lands while the worker that took the create is still waiting to handle it.
      await user.create(id);
      await user.delete(id);
      return sleep(600);
    case 'edit-race':
      // Two edits go to two workers; the first one's push comes after the second's EditContent.
      await user.create(id);
      await user.awaitContent(id, 1);
      await user.edit(id);
      await sleep(EDIT_GAP_MS);
      await user.edit(id);
      return sleep(1200);
    case 'worker-crash':
      // Once the content exists, the delete; the worker that receives it crashes.
      await user.create(id);
      await user.awaitContent(id, 1);
      await user.delete(id);
      return sleep(500);
  }
}

interface Owned {
  readonly id: number;
  readonly createdAt: number;
}

/**
 * One user's ordinary use until `until`: creates, edits and deletes of their own uploads, one
 * request every `pauseMs`. An upload is deleted only once it is a second old, so that racing a
 * delete with its create stays scenario (a)'s doing.
 */
export async function ordinaryUse(user: UploadUser, until: number, pauseMs: number, nextId: () => number): Promise<void> {
  const owned: Owned[] = [];
  while (Date.now() < until) {
    const pick = Math.floor(Math.random() * owned.length);
    const upload = owned[pick];
    const roll = Math.random();
    if (upload === undefined || (roll < 0.3 && owned.length < 5)) {
      const id = nextId();
      if (await user.create(id)) owned.push({ id, createdAt: Date.now() });
    } else if (roll < 0.8 || Date.now() - upload.createdAt < 1000) {
      await user.edit(upload.id);
    } else {
      owned.splice(pick, 1);
      await user.delete(upload.id);
    }
    await sleep(pauseMs);
  }
}
