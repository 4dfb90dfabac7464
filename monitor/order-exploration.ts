import { Map as ImmutableMap, hash, is } from 'immutable';
import type { SpecEvent } from '../instrumentation/index.ts';
import { attemptAction, brokenInvariants, type Spec } from '../properties/index.ts';


/** The state of one explanation after some events: spec state, process locals, invariants broken so far. */
export interface Snapshot<S, L> {
  readonly state: S;
  readonly locals: ImmutableMap<string, L>;
  /** Invariant name → the first event that broke it on this path. */
  readonly broken: ImmutableMap<string, SpecEvent>;
}

/** One applied event with the snapshot it met, so the event can be displaced later. */
interface Applied<S, L> {
  readonly event: SpecEvent;
  readonly keys: readonly string[];
  readonly before: Snapshot<S, L>;
}

/** One explanation: a linearization of the events so far (its last `window` steps) and where it leads. */
export interface Configuration<S, L> {
  now: Snapshot<S, L>;
  history: Array<Applied<S, L>>;
  /** Whether older steps were dropped from `history`: they can no longer be displaced. */
  trimmed: boolean;
}

export interface Rejection<S, L> {
  readonly guard: string;
  readonly threw?: string;
  readonly met: Snapshot<S, L>;
}

export type Acceptance<S, L> =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly rejection: Rejection<S, L>; readonly inconclusive?: string };

const SHARED = ['*'];
const keyOf = (value: unknown): string => (typeof value === 'string' ? `s:${value}` : `j:${JSON.stringify(value)}`);

/** Whether `earlier` (before in the delivery order) is in the causal past of `later`. */
const inPast = (earlier: SpecEvent, later: SpecEvent): boolean => {
  const known = later.vc[earlier.proc];
  return typeof known === 'number' && Object.hasOwn(later.vc, earlier.proc) && known >= earlier.seq;
};



/**
 * Explores the orders of concurrent events in which a trace could have happened (DESIGN.md,
 * "Conformance semantics"). Every order of the first n+1 events is an order of the first n with
 * the new event inserted somewhere after its causal past; inserting it among events it
 * commutes with changes nothing, so only the end and the places just before concurrent events
 * that share a footprint key are tried. A system with no races keeps exactly one configuration.
 */
export class OrderExploration<S, L> {
  configurations: Array<Configuration<S, L>>;
  /** Set once configurations were dropped for the bound: a later failure is then inconclusive. */
  truncated: string | undefined;
  /** Recently accepted events by footprint key: where to look for rivals of a new event. */
  private readonly byKey = new Map<string, Array<{ readonly event: SpecEvent; readonly index: number }>>();
  private acceptedCount = 0;

  constructor(
    private readonly spec: Spec<S, L>,
    private readonly maxConfigurations: number,
    private readonly window: number,
    /** Steps the exact search goes back over. */
    private readonly searchSize = 16,
  ) {
    const snapshot: Snapshot<S, L> = { state: spec.init(), locals: ImmutableMap(), broken: ImmutableMap() };
    this.configurations = [{ now: snapshot, history: [], trimmed: false }];
  }

  /** `exhaustive`: fall back to the exact search when the cheap ways fail (not for retries). */
  accept(event: SpecEvent, exhaustive = true): Acceptance<S, L> {
    const keys = this.footprint(event);
    const { rivals, beyondWindow } = this.rivalsOf(event, keys);
    const next: Array<Configuration<S, L>> = [];
    let rejection: Rejection<S, L> | undefined;
    let missedRival = false;
    const rivalSet = new Set(rivals);
    for (const configuration of this.configurations) {
      const history = configuration.history;
      const near = Math.max(0, history.length - this.searchSize);
      // Near rivals are tried eagerly, keeping orders that lead elsewhere; far ones only when
      // appending fails (the exact search covers what this skips). Only the near part is scanned.
      const nearPoints: number[] = [];
      if (rivalSet.size > 0) for (let i = history.length - 1; i >= near; i--) if (rivalSet.has(history[i]!.event)) nearPoints.push(i);
      const inserted = nearPoints.flatMap((i) => this.insertBefore(configuration, i, event, keys));
      const appended = this.step(configuration.now, event);
      if (Array.isArray(appended)) {
        appended.forEach((snapshot, i) => next.push(this.extend(configuration, event, keys, snapshot, i < appended.length - 1)));
      } else {
        rejection ??= appended;
        let found = nearPoints.length;
        for (let i = near - 1; i >= 0 && found < rivalSet.size; i--) {
          if (!rivalSet.has(history[i]!.event)) continue;
          found++;
          inserted.push(...this.insertBefore(configuration, i, event, keys));
        }
        if (found < rivalSet.size) missedRival = true;
      }
      next.push(...inserted);
    }
    if (next.length === 0) {
      const searched = exhaustive ? this.searchWindow(event) : undefined;
      if (searched !== undefined && searched.length > 0) {
        this.configurations = this.merge(searched);
        this.remember(event, keys);
        return { accepted: true };
      }
      const inconclusive = this.truncated ?? (beyondWindow || missedRival ? `placing it earlier would need reordering beyond the last ${this.window} events` : undefined);
      return { accepted: false, rejection: rejection!, ...(inconclusive === undefined ? {} : { inconclusive }) };
    }
    this.configurations = next.length === 1 ? next : this.merge(next);
    this.remember(event, keys);
    return { accepted: true };
  }

  /**
   * The exact semantics over the last `searchWindow` steps (plus `extra`): every order of those
   * events consistent with happens-before, from the snapshot before them, merging equal (cut,
   * state) nodes. The cheap paths above miss orders where earlier events must move after later
   * ones; this finds them. Returns no configuration if none works, undefined if the search was
   * cut short by the bound.
   */
  searchWindow(extra?: SpecEvent): Array<Configuration<S, L>> | undefined {
    const found: Array<Configuration<S, L>> = [];
    const searchedBases = new Set<Snapshot<S, L>>();
    for (const configuration of this.configurations) {
      const history = configuration.history;
      const start = Math.max(0, history.length - this.searchSize);
      const base = history[start]?.before ?? configuration.now;
      if (searchedBases.has(base)) continue;
      searchedBases.add(base);
      const events = history.slice(start).map((applied) => applied.event);
      if (extra !== undefined) events.push(extra);
      const ends = this.latticeSearch(base, events);
      if (ends === undefined) return undefined;
      for (const end of ends) {
        found.push({ now: end.now, history: [...history.slice(0, start), ...end.path], trimmed: configuration.trimmed || start > 0 });
      }
    }
    return found;
  }

  private latticeSearch(base: Snapshot<S, L>, events: readonly SpecEvent[]): Array<{ now: Snapshot<S, L>; path: Array<Applied<S, L>> }> | undefined {
    const preds = events.map((event) => events.reduce((mask, other, j) => (other !== event && inPast(other, event) ? mask | (1n << BigInt(j)) : mask), 0n));
    const keys = events.map((event) => this.footprint(event));
    type Node = { cut: bigint; now: Snapshot<S, L>; path: Array<Applied<S, L>> };
    let level: Node[] = [{ cut: 0n, now: base, path: [] }];
    const limit = this.maxConfigurations * 64;
    for (let depth = 0; depth < events.length; depth++) {
      const next = new Map<string, Node[]>();
      let size = 0;
      for (const node of level) {
        for (let i = 0; i < events.length; i++) {
          const event = events[i]!;
          const bit = 1n << BigInt(i);
          if ((node.cut & bit) !== 0n || (preds[i]! & node.cut) !== preds[i]!) continue;
          const after = this.step(node.now, event);
          if (!Array.isArray(after)) continue;
          for (const now of after) {
            const cut = node.cut | bit;
            const key = `${cut}:${hash(now.state) ^ hash(now.locals)}`;
            const same = next.get(key)?.find((other) => is(other.now.state, now.state) && is(other.now.locals, now.locals));
            if (same !== undefined) {
              same.now = { ...same.now, broken: same.now.broken.filter((_, name) => now.broken.has(name)) };
              continue;
            }
            next.set(key, [...(next.get(key) ?? []), { cut, now, path: [...node.path, { event, keys: keys[i]!, before: node.now }] }]);
            if (++size > limit) {
              this.truncated ??= `more than ${limit} (order, state) pairs in the last ${events.length} events (--max-configurations)`;
              return undefined;
            }
          }
        }
      }
      level = [...next.values()].flat();
      if (level.length === 0) return [];
    }
    return level;
  }

  /** Accepted events that share a key with `event` and are concurrent with it: the only ones worth reordering. */
  private rivalsOf(event: SpecEvent, keys: readonly string[]): { rivals: SpecEvent[]; beyondWindow: boolean } {
    const rivals = new Set<SpecEvent>();
    let beyondWindow = false;
    const oldest = this.acceptedCount - this.window;
    for (const key of keys) {
      for (const { event: other, index } of this.byKey.get(key) ?? []) {
        if (inPast(other, event)) continue;
        if (index < oldest) beyondWindow = true;
        else rivals.add(other);
      }
    }
    return { rivals: [...rivals], beyondWindow };
  }

  private remember(event: SpecEvent, keys: readonly string[]): void {
    const index = this.acceptedCount++;
    for (const key of keys) {
      let recent = this.byKey.get(key);
      if (recent === undefined) this.byKey.set(key, (recent = []));
      recent.push({ event, index });
      // Older entries matter only to say "beyond the window"; keep a few of them for that.
      if (recent.length > 64 && recent[recent.length - 64]!.index < index - this.window) recent.splice(0, recent.length - 64);
    }
    if (this.byKey.size > 4 * this.window) {
      for (const [key, recent] of this.byKey) if (recent.at(-1)!.index < index - this.window) this.byKey.delete(key);
    }
  }

  private footprint(event: SpecEvent): readonly string[] {
    const footprint = this.spec.footprint;
    if (footprint === undefined) return SHARED;
    try {
      return footprint(event).map(keyOf);
    } catch {
      return SHARED;
    }
  }

  /** Applies one event to one snapshot: every next snapshot, or why it is not enabled. */
  step(before: Snapshot<S, L>, event: SpecEvent): Array<Snapshot<S, L>> | Rejection<S, L> {
    const hasLocal = before.locals.has(event.proc);
    const local = hasLocal ? before.locals.get(event.proc)! : (this.spec.local?.() as L);
    const attempt = attemptAction(this.spec, before.state, local, event);
    if (!attempt.enabled) return { guard: attempt.guard, met: before, ...(attempt.threw === undefined ? {} : { threw: attempt.threw }) };
    return attempt.steps.map(({ state, local: after }) => {
      let broken = before.broken;
      for (const name of brokenInvariants(this.spec, before.state, event, state)) {
        if (!broken.has(name)) broken = broken.set(name, event);
      }
      const locals = after === local && hasLocal ? before.locals : before.locals.set(event.proc, after);
      return { state, locals, broken };
    });
  }

  /** The configuration with `event` appended; `copy` when the configuration also goes on unchanged. */
  private extend(configuration: Configuration<S, L>, event: SpecEvent, keys: readonly string[], now: Snapshot<S, L>, copy: boolean): Configuration<S, L> {
    const history = copy ? [...configuration.history] : configuration.history;
    history.push({ event, keys, before: configuration.now });
    let trimmed = configuration.trimmed;
    if (history.length > 2 * this.window) {
      history.splice(0, history.length - this.window);
      trimmed = true;
    }
    return { now, history, trimmed };
  }

  /**
   * `event` placed before history[index] (a rival), in two ways: the rival and everything
   * causally after it move behind the event (the rest keeps its order), or the event's causal
   * predecessors move ahead of the rival with it. The replay decides which orders work.
   */
  private insertBefore(configuration: Configuration<S, L>, index: number, event: SpecEvent, keys: readonly string[]): Array<Configuration<S, L>> {
    const history = configuration.history;
    const suffix = history.slice(index);
    // The rival's causal future within the suffix: seqs from which each process knows of it.
    const firstAfter = new Map<string, number>([[suffix[0]!.event.proc, suffix[0]!.event.seq]]);
    const afterRival = suffix.map((applied, j) => {
      if (j === 0) return true;
      for (const [proc, seq] of firstAfter) {
        const known = applied.event.vc[proc];
        if (typeof known === 'number' && Object.hasOwn(applied.event.vc, proc) && known >= seq) {
          if (!firstAfter.has(applied.event.proc)) firstAfter.set(applied.event.proc, applied.event.seq);
          return true;
        }
      }
      return false;
    });
    const inserted = { event, keys };
    const rivalDown = [...suffix.filter((_, j) => !afterRival[j]), inserted, ...suffix.filter((_, j) => afterRival[j])];
    const pastUp = [...suffix.filter((a) => inPast(a.event, event)), inserted, ...suffix.filter((a) => !inPast(a.event, event))];
    const found = this.replay(configuration, index, rivalDown);
    return found.length > 0 ? found : this.replay(configuration, index, pastUp);
  }

  /** history[0..index) followed by `order`, replayed from the snapshot at index; every way it works. */
  private replay(configuration: Configuration<S, L>, index: number, order: ReadonlyArray<{ event: SpecEvent; keys: readonly string[] }>): Array<Configuration<S, L>> {
    const history = configuration.history;
    let branches = [{ now: history[index]!.before, applied: [] as Array<Applied<S, L>> }];
    for (const { event, keys } of order) {
      branches = branches.flatMap((branch) => {
        const after = this.step(branch.now, event);
        if (!Array.isArray(after)) return [];
        return after.map((now) => ({ now, applied: [...branch.applied, { event, keys, before: branch.now }] }));
      });
      if (branches.length === 0) return [];
    }
    return branches.map((branch) => ({ now: branch.now, history: [...history.slice(0, index), ...branch.applied], trimmed: configuration.trimmed }));
  }

  /**
   * Merges configurations with equal state and locals (they all hold the same events, so the same
   * cut), keeping one history; an order lost this way is found again by the exact search if an
   * event ever needs it. Then applies the bound.
   */
  private merge(configurations: Array<Configuration<S, L>>): Array<Configuration<S, L>> {
    const merged: Array<Configuration<S, L>> = [];
    const byHash = new Map<number, Array<Configuration<S, L>>>();
    for (const configuration of configurations) {
      const h = hash(configuration.now.state) ^ hash(configuration.now.locals);
      const same = byHash.get(h)?.find((other) => is(other.now.state, configuration.now.state) && is(other.now.locals, configuration.now.locals));
      if (same !== undefined) {
        // Either explanation will do: keep the invariants broken on both paths only.
        same.now = { ...same.now, broken: same.now.broken.filter((_, name) => configuration.now.broken.has(name)) };
        continue;
      }
      byHash.set(h, [...(byHash.get(h) ?? []), configuration]);
      merged.push(configuration);
    }
    if (merged.length > this.maxConfigurations) {
      this.truncated ??= `more than ${this.maxConfigurations} orders of concurrent events had to be explored (--max-configurations)`;
      merged.length = this.maxConfigurations;
    }
    return merged;
  }
}
