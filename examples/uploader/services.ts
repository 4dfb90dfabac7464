import { Actor, type QueueMessage, type World } from './world.ts';

/** The upload service, acting for one user: it owns the ids it creates. */
export class UploadApi {
  readonly actor: Actor;

  constructor(name: string, private readonly world: World) {
    this.actor = new Actor(name, 'upload-api', world);
  }

  create(id: number): void {
    this.world.uploads.write(this.actor, id, 1, () => this.actor.record('Create', { id, version: 1 }));
    this.world.send(this.actor, id, 'create');
  }

  edit(id: number): void {
    const version = (this.world.uploads.read(this.actor, id) ?? 0) + 1;
    this.world.uploads.write(this.actor, id, version, () => this.actor.record('Edit', { id, version }));
    this.world.send(this.actor, id, 'edit');
  }

  delete(id: number): void {
    this.world.uploads.write(this.actor, id, undefined, () => this.actor.record('Delete', { id }));
    this.world.send(this.actor, id, 'delete');
  }
}

export interface WorkerBugs {
  /** Bug (a): handle "create" without checking that the upload still exists. */
  readonly assumeUploadExists?: boolean;
  /** Bug (c): push an edit without checking that the upload still has that version. */
  readonly skipVersionCheck?: boolean;
}

export type WorkerStep = 'idle' | 'worked' | 'crashed';

/** A worker incarnation: takes a queue message, turns it into content. */
export class Worker {
  readonly actor: Actor;
  private held: QueueMessage | undefined;
  private editing: number | undefined;
  /** Scenario (b): crash right after receiving the next delete. */
  crashOnNextDelete = false;

  constructor(proc: string, private readonly world: World, private readonly bugs: WorkerBugs = {}) {
    this.actor = new Actor(proc, 'worker', world);
  }

  /** The message this incarnation held when it crashed: the queue may deliver it again. */
  get lostMessage(): QueueMessage | undefined {
    return this.held;
  }

  step(): WorkerStep {
    const message = this.held;
    if (message === undefined) {
      const next = this.world.take();
      if (next === undefined) return 'idle';
      this.actor.learn(next.clock);
      this.actor.record('Receive', { id: next.id, op: next.op });
      this.held = next;
      if (next.op === 'delete' && this.crashOnNextDelete) return 'crashed';
      return 'worked';
    }
    const { id } = message;
    const uploads = this.world.uploads;
    const content = this.world.content;
    switch (message.op) {
      case 'create': {
        const version = uploads.read(this.actor, id);
        if (version !== undefined) content.write(this.actor, id, version, () => this.actor.record('CreateContent', { id, version }));
        else if (!this.bugs.assumeUploadExists) this.actor.record('Skip', { id, op: 'create' });
        else {
          // The talk's first bug: the upload is gone, and the worker that assumed it was there fails.
          content.write(this.actor, id, undefined, () => this.actor.record('CreateContent', { id, version: null }));
          return 'crashed';
        }
        return this.done();
      }
      case 'edit': {
        if (this.editing !== undefined && this.bugs.skipVersionCheck) {
          // Bug (c): push without looking at the upload again.
          const stale = this.editing;
          content.write(this.actor, id, stale, () => this.actor.record('PushEdit', { id, version: stale }));
          return this.done();
        }
        const current = uploads.read(this.actor, id);
        if (current === undefined) {
          this.actor.record('Skip', { id, op: 'edit' });
          return this.done();
        }
        if (this.editing === undefined || current > this.editing) {
          // Start the edit, or retry it from the newer version (the talk's fix).
          content.write(this.actor, id, undefined, () => this.actor.record('EditContent', { id, version: current }));
          this.editing = current;
          return 'worked';
        }
        const version = this.editing;
        content.write(this.actor, id, version, () => this.actor.record('PushEdit', { id, version }));
        return this.done();
      }
      case 'delete':
        content.write(this.actor, id, undefined, () => this.actor.record('DeleteContent', { id }));
        return this.done();
    }
  }

  private done(): WorkerStep {
    this.held = undefined;
    this.editing = undefined;
    return 'worked';
  }
}

/** Removes content whose upload is gone. */
export class Cleaner {
  readonly actor: Actor;

  constructor(proc: string, private readonly world: World) {
    this.actor = new Actor(proc, 'cleaner', world);
  }

  /** One sweep over the given ids (all content when none are given). */
  sweep(ids?: readonly number[]): number {
    let cleaned = 0;
    for (const id of (ids ?? this.world.content.keys(this.actor)) as number[]) {
      if (this.world.content.read(this.actor, id) === undefined) continue;
      if (this.world.uploads.read(this.actor, id) !== undefined) continue;
      this.world.content.write(this.actor, id, undefined, () => this.actor.record('Clean', { id }));
      cleaned++;
    }
    return cleaned;
  }
}
