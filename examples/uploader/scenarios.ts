import type { SpecEvent } from '../../instrumentation/index.ts';
import { Cleaner, UploadApi, Worker, type WorkerBugs } from './services.ts';
import { World } from './world.ts';

export type ScenarioName = 'delete-before-create' | 'worker-crash' | 'edit-race';

export interface Scenario {
  readonly name: ScenarioName;
  readonly title: string;
  readonly bug: string;
  readonly fix: string;
  run(fixed: boolean): SpecEvent[];
}

/** A worker pool that restarts crashed workers as new incarnations and may redeliver their message. */
class WorkerPool {
  private readonly deliveries = new Map<object, number>();
  private restarts = 0;

  constructor(private readonly world: World, public workers: Worker[], private readonly bugs: WorkerBugs, private readonly redeliver: boolean, private readonly onCrash = (): void => undefined) {}

  /** Steps every worker until the queue is empty and all are idle. */
  drain(): void {
    for (let busy = true; busy; ) {
      busy = false;
      this.workers.forEach((worker, i) => {
        const outcome = worker.step();
        if (outcome === 'idle') return;
        busy = true;
        if (outcome === 'crashed') this.restart(i);
      });
    }
  }

  restart(index: number): void {
    const crashed = this.workers[index]!;
    const lost = crashed.lostMessage;
    this.onCrash();
    if (lost !== undefined && this.redeliver) {
      const count = (this.deliveries.get(lost) ?? 1) + 1;
      this.deliveries.set(lost, count);
      if (count <= 3) this.world.redeliver(lost); // after three deliveries it goes to the dead-letter queue
    }
    const base = crashed.actor.proc.split('@')[0]!;
    this.workers[index] = new Worker(`${base}@r${++this.restarts}`, this.world, this.bugs);
  }
}

function recorded(run: (world: World) => void): SpecEvent[] {
  const events: SpecEvent[] = [];
  run(new World((event) => events.push(event)));
  return events;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'delete-before-create',
    title: 'The user deletes an upload before the worker handles its create',
    bug: 'the worker assumes the upload exists, fails, and fails again on redelivery',
    fix: 'the worker checks that the upload exists and skips the message',
    run: (fixed) => recorded((world) => {
      const user = new UploadApi('user-1@3f2a', world);
      const pool = new WorkerPool(world, [new Worker('worker-1@7f3a', world, { assumeUploadExists: !fixed })], { assumeUploadExists: !fixed }, true);
      user.create(1);
      user.delete(1);
      pool.drain();
    }),
  },
  {
    name: 'worker-crash',
    title: 'A worker crashes right after receiving a delete',
    bug: 'the message is lost with the worker, so the content is orphaned',
    fix: 'the queue redelivers to a new incarnation, and a cleaner removes orphans',
    run: (fixed) => recorded((world) => {
      const user = new UploadApi('user-1@3f2a', world);
      const cleaner = new Cleaner('cleaner@c001', world);
      const pool = new WorkerPool(world, [new Worker('worker-1@7f3a', world)], {}, fixed, () => fixed && cleaner.sweep());
      user.create(1);
      pool.drain();
      user.delete(1);
      pool.workers[0]!.crashOnNextDelete = true;
      pool.drain();
    }),
  },
  {
    name: 'edit-race',
    title: 'Two workers race an edit',
    bug: 'the slower worker pushes its stale version over the newer one',
    fix: 'before pushing, the worker checks the upload version and retries from the newer one',
    run: (fixed) => recorded((world) => {
      const bugs = { skipVersionCheck: !fixed };
      const user = new UploadApi('user-1@3f2a', world);
      const first = new Worker('worker-1@7f3a', world, bugs);
      const second = new Worker('worker-2@9b1c', world, bugs);
      user.create(1);
      first.step(); // Receive create
      first.step(); // CreateContent
      user.edit(1); // version 2
      first.step(); // Receive edit
      first.step(); // EditContent 2
      user.edit(1); // version 3
      while (second.step() !== 'idle'); // Receive, EditContent 3, PushEdit 3
      while (first.step() !== 'idle'); // buggy: PushEdit 2; fixed: EditContent 3, PushEdit 3
    }),
  },
];

export function scenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
