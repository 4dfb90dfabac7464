import type { SpecEvent } from '../../instrumentation/index.ts';
import { seededRandom } from '../trace-generator/random.ts';
import { Cleaner, UploadApi, Worker } from './services.ts';
import { World } from './world.ts';

export interface LoadShape {
  /** Total events to record (the run then drains the queue, so a few more). */
  readonly events: number;
  readonly uploads: number;
  readonly users: number;
  readonly workers: number;
  readonly seed: number;
}

/**
 * The fixed services under random load: users create, edit and delete their own uploads, workers
 * drain the queue, a cleaner sweeps now and then. Events stream to `emit`; nothing is kept.
 */
export function simulateLoad(shape: LoadShape, emit: (event: SpecEvent) => void): number {
  let count = 0;
  const world = new World((event) => {
    count++;
    emit(event);
  });
  const random = seededRandom(shape.seed);
  const users = Array.from({ length: shape.users }, (_, i) => new UploadApi(`user-${i + 1}@${(0xa000 + i).toString(16)}`, world));
  const workers = Array.from({ length: shape.workers }, (_, i) => new Worker(`worker-${i + 1}@${(0xb000 + i).toString(16)}`, world));
  const cleaner = new Cleaner('cleaner@c001', world);
  const live: number[][] = users.map(() => []);
  const deleted: number[] = [];
  let created = 0;
  let alive = 0;
  while (count < shape.events) {
    const roll = random();
    // Users act a fifth of the time: the workers keep up, as in a healthy system.
    if (roll < 0.2) {
      const u = Math.floor(random() * users.length);
      const mine = live[u]!;
      if (created < shape.uploads && (mine.length === 0 || random() < 0.3)) {
        const id = ++created;
        users[u]!.create(id);
        mine.push(id);
        alive++;
      } else if (mine.length > 0) {
        const i = Math.floor(random() * mine.length);
        // Deletes keep at least half the uploads alive, so the users never run out of work.
        if (random() < 0.9 || alive <= shape.uploads / 2) users[u]!.edit(mine[i]!);
        else {
          users[u]!.delete(mine[i]!);
          deleted.push(mine[i]!);
          mine.splice(i, 1);
          alive--;
        }
      }
    } else if (roll < 0.999) {
      workers[Math.floor(random() * workers.length)]!.step();
    } else cleaner.sweep(deleted.splice(0, deleted.length));
  }
  // Let the system settle: every message handled, so the end conditions can hold.
  for (let busy = true; busy; ) busy = workers.map((w) => w.step()).some((s) => s !== 'idle');
  return count;
}
