// A worker's handling of one queue message: services.ts's Worker, with real waiting and a real
// store. Every content write holds the content record's lock while it reads the upload, so the
// check and the write are one step, as each simulator step is.
import type { SpecRecorder } from '../../../../instrumentation/index.ts';
import type { WorkerBugs } from '../../services.ts';
import { sleep } from './service-lifecycle.ts';
import type { StoreClient } from './store-client.ts';
import type { Delivery } from './upload-queue.ts';

export interface WorkerBehaviour {
  readonly bugs: WorkerBugs;
  /** Waits this long after receiving a message before handling it (a backed-up worker). */
  readonly handleDelayMs: number;
  /** An edit takes this long between EditContent and PushEdit (transcoding). */
  readonly editDelayMs: number;
  /** Scenario (b): crash right after receiving the first delivery of this upload's delete. */
  readonly crashOnDeleteOf?: number;
}

/** Thrown to end the worker's incarnation; the message it held is left unacknowledged. */
export class WorkerCrash extends Error {}

export class UploadWorker {
  constructor(private readonly recorder: SpecRecorder, private readonly store: StoreClient, private readonly behaviour: WorkerBehaviour) {}

  async handle({ message: { id, op }, deliveries }: Delivery): Promise<void> {
    this.recorder.record('Receive', { id, op });
    if (op === 'delete' && id === this.behaviour.crashOnDeleteOf && deliveries === 1) {
      throw new WorkerCrash(`crashed right after receiving (${id}, delete), as --crash-on-delete-of asks`);
    }
    await sleep(this.behaviour.handleDelayMs);
    if (op === 'create') await this.#create(id);
    else if (op === 'edit') await this.#edit(id);
    else await this.store.locked('content', id, (content) => content.write(undefined, () => this.recorder.record('DeleteContent', { id })));
  }

  async #create(id: number): Promise<void> {
    await this.store.locked('content', id, async (content) => {
      const version = await this.store.read('uploads', id);
      if (version !== undefined) return content.write(version, () => this.recorder.record('CreateContent', { id, version }));
      if (!this.behaviour.bugs.assumeUploadExists) return this.recorder.record('Skip', { id, op: 'create' });
      // The talk's first bug: the upload is gone, and the worker that assumed it was there fails.
      await content.write(undefined, () => this.recorder.record('CreateContent', { id, version: null }));
      throw new WorkerCrash(`upload ${id} does not exist: the worker assumed it did (bug delete-before-create)`);
    });
  }

  async #edit(id: number): Promise<void> {
    let editing: number | undefined;
    for (;;) {
      const outcome = await this.store.locked('content', id, async (content): Promise<'done' | 'editing'> => {
        if (editing !== undefined && this.behaviour.bugs.skipVersionCheck) {
          // Bug (c): push without looking at the upload again.
          const stale = editing;
          await content.write(stale, () => this.recorder.record('PushEdit', { id, version: stale }));
          return 'done';
        }
        const current = await this.store.read('uploads', id);
        if (current === undefined) {
          this.recorder.record('Skip', { id, op: 'edit' });
          return 'done';
        }
        if (editing === undefined || current > editing) {
          // Start the edit, or retry it from the newer version (the talk's fix).
          await content.write(undefined, () => this.recorder.record('EditContent', { id, version: current }));
          editing = current;
          return 'editing';
        }
        const version = editing;
        await content.write(version, () => this.recorder.record('PushEdit', { id, version }));
        return 'done';
      });
      if (outcome === 'done') return;
      await sleep(this.behaviour.editDelayMs);
    }
  }
}
