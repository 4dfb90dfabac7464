import { Map as ImmutableMap } from 'immutable';
import type { SpecEvent } from '../instrumentation/index.ts';
import { attemptAction, brokenInvariants, finishGroup, groupAtTime, groupProperties, joinInstances, stepGroup, type Instances, type Predicate, type PredicateView, type PropertyGroup, type Spec, type StateInvariant, type Valuation } from '../properties/index.ts';
import { EVERY_KEY, RecentByKey } from './recent-by-key.ts';
import { differingKeys, sameState, stateHash } from './state-equality.ts';
import { plainValue } from './trim-state.ts';


/** The state of one explanation after some events: spec state, process locals, invariants broken so far. */
export interface Snapshot<S, L> {
  readonly state: S;
  readonly locals: ImmutableMap<string, L>;
  /** Invariant name (or temporal property instance, see temporalKey) → the first event that broke it on this path. */
  readonly broken: ImmutableMap<string, SpecEvent>;
  /** The live temporal property instances on this path, per property group (OrderExploration.groups). */
  readonly temporal: readonly Instances[];
  /** The latest event time on this path: the clock of time-bounded properties in recorded traces. */
  readonly time: number;
  /** No temporal instance on this path has a deadline before this (a lower bound): time passing until then decides nothing. */
  readonly deadline: number;
}

/** One applied event with the snapshot it met, so the event can be displaced later. */
interface Applied<S, L> {
  readonly event: SpecEvent;
  readonly keys: readonly string[];
  /** Which of the action's next states the path took (actions may be nondeterministic). */
  readonly choice: number;
  /**
   * Kept for the recent steps, one in every few older ones (SnapshotSpacing) and the pinned
   * ones, which keeps old states out of memory (and the collector's way); the others are
   * replayed from the nearest kept one.
   */
  before: Snapshot<S, L> | undefined;
  /** The snapshot met was joined or moved on in time, not stepped to: a replay would not reach it, so it stays. */
  readonly pinned: boolean;
}

/** How many recent steps keep the snapshot they met, and every how many older steps one does. */
export interface SnapshotSpacing {
  readonly recent: number;
  readonly every: number;
}
export const DEFAULT_SNAPSHOT_SPACING: SnapshotSpacing = { recent: 64, every: 64 };

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

const SHARED = [EVERY_KEY];
/** An event with its footprint, to be placed in a history. */
interface Placement {
  readonly event: SpecEvent;
  readonly keys: readonly string[];
}
/** Up to this many configurations are merged by pairwise comparison instead of by hash. */
const PAIRWISE_MERGE = 8;
const keyOf = (value: unknown): string => (typeof value === 'string' ? `s:${value}` : `j:${JSON.stringify(value)}`);

const ACCEPTED = { accepted: true } as const;
/** Snapshots made by joining explanations or by time passing, which no replay of steps reaches. */
const unreplayable = new WeakSet<object>();
const appliedStep = <S, L>(event: SpecEvent, keys: readonly string[], choice: number, before: Snapshot<S, L>): Applied<S, L> =>
  ({ event, keys, choice, before, pinned: unreplayable.has(before) });
const markUnreplayable = <S, L>(snapshot: Snapshot<S, L>): Snapshot<S, L> => {
  unreplayable.add(snapshot);
  return snapshot;
};
const NO_LOCAL: unique symbol = Symbol('no local');

// Explanations merge when they agree on everything that decides what comes next: the spec
// state, the locals, and where the temporal properties stand.
// Temporal states that differ are joined (joinTemporal) rather than kept apart: orders of
// concurrent events often differ only in when a deadline started.
const snapshotHash = <S, L>(s: Snapshot<S, L>): number => stateHash(s.state) ^ stateHash(s.locals);
const sameSpecState = <S, L>(a: Snapshot<S, L>, b: Snapshot<S, L>): boolean => sameState(a.state, b.state) && sameState(a.locals, b.locals);

/**
 * The `broken` key of a state invariant: its name, and for a `forEach` one the value it was
 * broken for, so that a break for one id does not hide a later break for another.
 */
const FOR_VALUE = '\u0000for:';
function invariantKey(invariant: StateInvariant<unknown> | undefined, name: string, params: SpecEvent['params']): string {
  if (invariant === undefined || typeof invariant === 'function' || !Object.hasOwn(params, invariant.forEach)) return name;
  return `${name}${FOR_VALUE}${JSON.stringify(params[invariant.forEach])}`;
}
/** The invariant's name in a `broken` key. */
export const invariantOfKey = (key: string): string => key.split(FOR_VALUE)[0]!;

/** The `broken` key of a temporal property instance that was violated. */
export const temporalKey = (name: string, value: unknown): string => `${TEMPORAL}${name}\u0000${JSON.stringify(value)}`;
const TEMPORAL = '\u0000temporal:';
export const parseTemporalKey = (key: string): { name: string; value: unknown } | undefined => {
  if (!key.startsWith(TEMPORAL)) return undefined;
  const [name, value] = key.slice(TEMPORAL.length).split('\u0000');
  return { name: name!, value: JSON.parse(value!) as unknown };
};

/** What the temporal properties see at one step; a class, so a step creates no closures. */
class StepValuation<S, L> implements Valuation {
  constructor(
    private readonly predicates: Readonly<Record<string, Predicate<S, L>>>,
    private readonly view: PredicateView<S, L>,
    private readonly event: SpecEvent,
  ) {}

  atom(name: string, args: readonly unknown[]): boolean {
    try {
      return this.predicates[name]!(this.view, ...args) === true;
    } catch {
      return false; // predicates read untrusted parameters: one that throws is false
    }
  }

  field(field: string): unknown {
    return eventField(this.event, field);
  }
}

/** A field of the event, for tests such as action == "Delete" (params.x reads a parameter). */
const eventField = (event: SpecEvent, field: string): unknown => {
  if (field.startsWith('params.')) {
    const name = field.slice('params.'.length);
    return Object.hasOwn(event.params, name) ? event.params[name] : undefined;
  }
  return field === 'action' ? event.action : field === 'proc' ? event.proc : field === 'service' ? event.service : undefined;
};

// Indexed loops, not includes: this runs for each recent step of every event.
const sharesKey = (a: readonly string[], b: readonly string[]): boolean => {
  for (let i = 0; i < a.length; i++) {
    const key = a[i];
    if (key === EVERY_KEY) return true;
    for (let j = 0; j < b.length; j++) if (b[j] === key) return true;
  }
  for (let j = 0; j < b.length; j++) if (b[j] === EVERY_KEY) return true;
  return false;
};

/** Whether `earlier` (before in the delivery order) is in the causal past of `later`. */
export const inPast = (earlier: SpecEvent, later: SpecEvent): boolean => {
  const known = later.vc[earlier.proc];
  return typeof known === 'number' && Object.hasOwn(later.vc, earlier.proc) && known >= earlier.seq;
};



/**
 * Explores the orders of concurrent events in which a trace could have happened (README,
 * "Conformance semantics"). Every order of the first n+1 events is an order of the first n with
 * the new event inserted somewhere after its causal past; inserting it among events it
 * commutes with changes nothing, so only the end and the places just before concurrent events
 * that share a footprint key are tried. A system with no races keeps exactly one configuration.
 */
export class OrderExploration<S, L> {
  configurations: Array<Configuration<S, L>>;
  /** Set once configurations were dropped for the bound: a later failure is then inconclusive. */
  truncated: string | undefined;
  /** The events the last search placed that some order enabled, even if no order took every event. */
  readonly placedInSearch = new Set<SpecEvent>();
  /** Recently accepted events by footprint key: where to look for rivals of a new event. */
  private readonly recent: RecentByKey;
  private recorded = 0;
  /** The spec's temporal properties, grouped by their variable: one lookup per group and event. */
  private readonly groups: readonly PropertyGroup[];

  constructor(
    private readonly spec: Spec<S, L>,
    private readonly maxConfigurations: number,
    private readonly window: number,
    /** Steps the exact search goes back over. */
    private readonly searchSize = 16,
    private readonly spacing: SnapshotSpacing = DEFAULT_SNAPSHOT_SPACING,
  ) {
    this.recent = new RecentByKey(window);
    this.groups = groupProperties(spec.temporal);
    const snapshot: Snapshot<S, L> = { state: spec.init(), locals: ImmutableMap(), broken: ImmutableMap(), temporal: this.groups.map(() => ImmutableMap()), time: -Infinity, deadline: Infinity };
    this.configurations = [{ now: snapshot, history: [], trimmed: false }];
  }

  /** `exhaustive`: fall back to the exact search when the cheap ways fail (not for retries). */
  accept(event: SpecEvent, exhaustive = true): Acceptance<S, L> {
    const keys = this.footprint(event);
    if (this.configurations.length === 1 && this.appendAlone(this.configurations[0]!, event, keys)) return ACCEPTED;
    const { rivals, beyondWindow } = this.recent.rivalsOf(event, keys);
    const next: Array<Configuration<S, L>> = [];
    const rejections: Array<Rejection<S, L>> = [];
    let missedRival = false;
    const rivalSet = new Set(rivals);
    for (const configuration of this.configurations) {
      const history = configuration.history;
      const near = Math.max(0, history.length - this.searchSize);
      // Near rivals are tried eagerly, keeping orders that lead elsewhere; far ones only when
      // appending fails (the exact search covers what this skips). Only the near part is scanned.
      const nearPoints: number[] = [];
      if (rivalSet.size > 0) for (let i = history.length - 1; i >= near; i--) if (rivalSet.has(history[i]!.event)) nearPoints.push(i);
      const inserted = nearPoints.flatMap((i) => this.insertBefore(configuration, i, [{ event, keys }]));
      const appended = this.step(configuration.now, event);
      if (Array.isArray(appended)) {
        appended.forEach((snapshot, i) => next.push(this.extend(configuration, event, keys, snapshot, i, i < appended.length - 1)));
      } else {
        rejections.push(appended);
        let found = nearPoints.length;
        for (let i = near - 1; i >= 0 && found < rivalSet.size; i--) {
          if (!rivalSet.has(history[i]!.event)) continue;
          found++;
          inserted.push(...this.insertBefore(configuration, i, [{ event, keys }]));
        }
        if (found < rivalSet.size) missedRival = true;
      }
      next.push(...inserted);
    }
    if (next.length === 0) {
      const searched = exhaustive ? this.searchWindow([event]) : undefined;
      if (searched !== undefined && searched.length > 0) {
        this.configurations = this.merge(searched);
        this.remember(event, keys);
        return { accepted: true };
      }
      const inconclusive = this.truncated ?? (beyondWindow || missedRival ? `placing it earlier would need reordering beyond the last ${this.window} events` : undefined);
      return { accepted: false, rejection: this.firstRejection(event, rejections), ...(inconclusive === undefined ? {} : { inconclusive }) };
    }
    this.configurations = next.length === 1 ? next : this.merge(next);
    this.remember(event, keys);
    return { accepted: true };
  }

  /**
   * Takes `events` (delivered in causal order, none accepted yet) all at once if some order of
   * the recent steps and them works: an event that no order of the events so far explains may be
   * explained by events after it, which wait on it. `'too many'` when the search hit the bound.
   * `'deeper'`: placed before a rival older than the window instead (placeBeforeRival).
   */
  acceptTogether(events: readonly SpecEvent[], depth: 'window' | 'deeper' = 'window'): boolean | 'too many' {
    // (placedInSearch then says which of them some order enabled.)
    const searched = depth === 'window' ? this.searchWindow(events, 'gives up') : this.placeBeforeRival(events);
    if (searched === undefined) return 'too many';
    if (searched.length === 0) return false;
    this.configurations = this.merge(searched);
    for (const event of events) this.remember(event, this.footprint(event));
    return true;
  }

  /** The state right after `event` on one explanation; its current state if the event left the window. */
  stateAfter(configuration: Configuration<S, L>, event: SpecEvent): S {
    const history = configuration.history;
    for (let i = history.length - 1; i >= 0; i--) {
      if (history[i]!.event !== event) continue;
      return i === history.length - 1 ? configuration.now.state : this.snapshotAt(history, i + 1).state;
    }
    return configuration.now.state;
  }

  /**
   * The common case, without allocating a new configuration: one explanation, no concurrent
   * event sharing a key among the recent steps, and one next state. Exactly what the general
   * path would do then.
   */
  private appendAlone(configuration: Configuration<S, L>, event: SpecEvent, keys: readonly string[]): boolean {
    const history = configuration.history;
    for (let i = history.length - 1, near = Math.max(0, history.length - this.searchSize); i >= near; i--) {
      const applied = history[i]!;
      if (sharesKey(applied.keys, keys) && !inPast(applied.event, event)) return false;
    }
    const appended = this.step(configuration.now, event);
    if (!Array.isArray(appended) || appended.length !== 1) return false;
    this.record(history, appliedStep(event, keys, 0, configuration.now));
    configuration.now = appended[0]!;
    if (this.trim(history)) configuration.trimmed = true;
    this.remember(event, keys);
    return true;
  }

  /**
   * The exact semantics over the last `searchWindow` steps (plus `extra`): every order of those
   * events consistent with happens-before, from the snapshot before them, merging equal (cut,
   * state) nodes. The cheap paths above miss orders where earlier events must move after later
   * ones; this finds them. Returns no configuration if none works, undefined if the search was
   * cut short by the bound.
   */
  searchWindow(extra: readonly SpecEvent[] = [], bound: 'truncates' | 'gives up' = 'truncates'): Array<Configuration<S, L>> | undefined {
    const found: Array<Configuration<S, L>> = [];
    const searchedBases = new Set<Snapshot<S, L>>();
    this.placedInSearch.clear();
    for (const configuration of this.configurations) {
      const history = configuration.history;
      const start = Math.max(0, history.length - this.searchSize);
      const base = start < history.length ? this.snapshotAt(history, start) : configuration.now;
      if (searchedBases.has(base)) continue;
      searchedBases.add(base);
      const events = [...history.slice(start).map((applied) => applied.event), ...extra];
      const ends = this.latticeSearch(base, events, extra.length, bound);
      if (ends === undefined) return undefined;
      for (const end of ends) {
        found.push({ now: end.now, history: [...history.slice(0, start), ...end.path], trimmed: configuration.trimmed || start > 0 });
      }
    }
    return found;
  }

  /**
   * `block` (causally ordered) placed before a rival older than the window (a step concurrent
   * with one of its events, sharing a key), newest rival first, by the two reorderings of
   * insertBefore: a replay, linear in the steps moved. The search above is exact but blows up
   * over long spans of concurrent events; an event about to be reported gets this last chance.
   */
  private placeBeforeRival(block: readonly SpecEvent[]): Array<Configuration<S, L>> | undefined {
    this.placedInSearch.clear();
    const items = block.map((event) => ({ event, keys: this.footprint(event) }));
    const rivals = new Set(items.flatMap(({ event, keys }) => this.recent.rivalsOf(event, keys).rivals));
    const found: Array<Configuration<S, L>> = [];
    // Counted in steps replayed: a burst of bad events each pays at most this.
    let budget = this.maxConfigurations * 16;
    for (const configuration of this.configurations) {
      const history = configuration.history;
      for (let i = history.length - this.searchSize - 1; i >= 0 && budget > 0; i--) {
        if (!rivals.has(history[i]!.event)) continue;
        budget -= 2 * (history.length - i + items.length);
        const placed = this.insertBefore(configuration, i, items, this.placedInSearch);
        if (placed.length === 0) continue;
        found.push(...placed);
        break;
      }
    }
    return found.length === 0 && budget <= 0 ? undefined : found;
  }

  /**
   * `placing`: the last so many events are the ones being placed. Events that do not interact
   * with them, directly or through others, keep their current relative order (it was feasible,
   * and their keys are disjoint from the rest): k such events add k cuts instead of doubling them
   * each. Interacting is sharing a key or being causally related: an event after one that must
   * move (in its process, or by a message) may have to move too, and drags its own keys along.
   * `bound`: past the bound, either mark the exploration truncated or only give up (a tentative search).
   */
  private latticeSearch(base: Snapshot<S, L>, events: readonly SpecEvent[], placing: number, bound: 'truncates' | 'gives up'): Array<{ now: Snapshot<S, L>; path: Array<Applied<S, L>> }> | undefined {
    const preds = events.map((event) => events.reduce((mask, other, j) => (other !== event && inPast(other, event) ? mask | (1n << BigInt(j)) : mask), 0n));
    const keys = events.map((event) => this.footprint(event));
    // Seeded with the first event placed only: other placed events unrelated to it keep their order too.
    const firstPlaced = events.length - placing;
    if (placing > 0) {
      const related = new Set([firstPlaced]);
      for (const queue = [firstPlaced]; queue.length > 0;) {
        const j = queue.pop()!;
        for (let i = 0; i < events.length; i++) {
          if (related.has(i) || (!sharesKey(keys[i]!, keys[j]!) && !inPast(events[i]!, events[j]!) && !inPast(events[j]!, events[i]!))) continue;
          related.add(i);
          queue.push(i);
        }
      }
      let previous = -1;
      for (let i = 0; i < events.length; i++) {
        if (related.has(i)) continue;
        if (previous >= 0) preds[i] = preds[i]! | (1n << BigInt(previous));
        previous = i;
      }
    }
    type Node = { cut: bigint; now: Snapshot<S, L>; path: Array<Applied<S, L>> };
    let level: Node[] = [{ cut: 0n, now: base, path: [] }];
    const limit = this.maxConfigurations * 64;
    // A tentative search has one budget for all levels: it may run for many waiting events.
    let tentative = bound === 'gives up' ? this.maxConfigurations * 64 : Infinity;
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
          if (i >= firstPlaced) this.placedInSearch.add(event);
          for (let choice = 0; choice < after.length; choice++) {
            const now = after[choice]!;
            const cut = node.cut | bit;
            const key = `${cut}:${snapshotHash(now)}`;
            const same = next.get(key)?.find((other) => sameSpecState(other.now, now) && this.joinTemporal(other.now, now) !== undefined);
            if (same !== undefined) {
              same.now = this.joined(same.now, now);
              continue;
            }
            next.set(key, [...(next.get(key) ?? []), { cut, now, path: [...node.path, appliedStep(event, keys[i]!, choice, node.now)] }]);
            if (++size > limit || --tentative < 0) {
              if (bound === 'truncates') this.truncated ??= `more than ${limit} (order, state) pairs in the last ${events.length} events (--max-configurations)`;
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

  /**
   * Whether two events may not commute: their footprints share a key. An event that shares none
   * with a rejected one cannot change where that one fits (the footprint contract).
   */
  interacts(a: SpecEvent, b: SpecEvent): boolean {
    return sharesKey(this.footprint(a), this.footprint(b));
  }

  private remember(event: SpecEvent, keys: readonly string[]): void {
    this.recent.add(event, keys);
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

  /**
   * The rejection a report names when explanations disagree on why the event is not enabled:
   * the guard first in the action's list, then the smallest state met as JSON. Taking the first
   * explanation's would make the report, and the alert id, depend on the arrival order.
   */
  private firstRejection(event: SpecEvent, rejections: ReadonlyArray<Rejection<S, L>>): Rejection<S, L> {
    if (rejections.length === 1) return rejections[0]!;
    const guards = Object.keys(Object.hasOwn(this.spec.actions, event.action) ? this.spec.actions[event.action]!.guards ?? {} : {});
    const rank = (r: Rejection<S, L>): number => (guards.includes(r.guard) ? guards.indexOf(r.guard) : guards.length);
    const best = Math.min(...rejections.map(rank));
    const tied = rejections.filter((r) => rank(r) === best);
    if (tied.length === 1) return tied[0]!;
    const described = tied.map((r) => ({ r, text: `${r.guard}\u0000${JSON.stringify(plainValue(r.met.state))}\u0000${JSON.stringify(plainValue(r.met.locals.get(event.proc)))}` }));
    return described.reduce((a, b) => (b.text < a.text ? b : a)).r;
  }

  /** Applies one event to one snapshot: every next snapshot, or why it is not enabled. */
  step(before: Snapshot<S, L>, event: SpecEvent): Array<Snapshot<S, L>> | Rejection<S, L> {
    const held = before.locals.get(event.proc, NO_LOCAL) as L | typeof NO_LOCAL;
    const hasLocal = held !== NO_LOCAL;
    const local = hasLocal ? held : (this.spec.local?.() as L);
    const attempt = attemptAction(this.spec, before.state, local, event);
    if (!attempt.enabled) return { guard: attempt.guard, met: before, ...(attempt.threw === undefined ? {} : { threw: attempt.threw }) };
    const snapshots = new Array<Snapshot<S, L>>(attempt.steps.length);
    for (let i = 0; i < snapshots.length; i++) {
      const { state, local: after } = attempt.steps[i]!;
      let broken = before.broken;
      for (const name of brokenInvariants(this.spec, before.state, event, state)) {
        const key = invariantKey(this.spec.invariants?.[name] as StateInvariant<unknown> | undefined, name, event.params);
        if (!broken.has(key)) broken = broken.set(key, event);
      }
      const locals = after === local && hasLocal ? before.locals : before.locals.set(event.proc, after);
      snapshots[i] = this.spec.temporal.length === 0
        ? { state, locals, broken, temporal: before.temporal, time: before.time, deadline: Infinity }
        : this.stepTemporal(before, event, state, locals, broken);
    }
    return snapshots;
  }

  /** The snapshot after one step, with the temporal properties moved on (violations added to `broken`). */
  private stepTemporal(before: Snapshot<S, L>, event: SpecEvent, state: S, locals: ImmutableMap<string, L>, brokenSoFar: Snapshot<S, L>['broken']): Snapshot<S, L> {
    let broken = brokenSoFar;
    let temporal = before.temporal;
    const time = Math.max(before.time, typeof event.time === 'number' ? event.time : before.time);
    const valuation = new StepValuation(this.spec.predicates ?? {}, { state, locals }, event);
    let deadline = before.deadline;
    for (let g = 0; g < this.groups.length; g++) {
      const instances = temporal[g]!;
      const { instances: after, decided, deadline: due } = stepGroup(this.groups[g]!, instances, event.params, valuation, time);
      if (due < deadline) deadline = due;
      if (after !== instances) {
        if (temporal === before.temporal) temporal = [...temporal];
        (temporal as Instances[])[g] = after;
      }
      for (const d of decided) {
        const key = d.verdict === 'violated' ? temporalKey(d.plan.name, d.value) : undefined;
        if (key !== undefined && !broken.has(key)) broken = broken.set(key, event);
      }
    }
    return { state, locals, broken, temporal, time, deadline };
  }

  /**
   * Two explanations in the same spec state whose temporal properties join, as one: either will
   * do, so keep the invariants broken on both paths only, and what the temporal properties need
   * on one path or the other.
   */
  private joined(a: Snapshot<S, L>, b: Snapshot<S, L>): Snapshot<S, L> {
    return markUnreplayable({ ...a, broken: a.broken.filter((_, name) => b.broken.has(name)), temporal: this.joinTemporal(a, b)!, deadline: Math.min(a.deadline, b.deadline) });
  }

  /** The temporal properties of two explanations in the same spec state, joined; undefined if they cannot be. */
  private joinTemporal(a: Snapshot<S, L>, b: Snapshot<S, L>): Snapshot<S, L>['temporal'] | undefined {
    if (a.temporal === b.temporal) return a.temporal;
    let joined = a.temporal;
    for (let g = 0; g < this.groups.length; g++) {
      const x = a.temporal[g]!;
      const y = b.temporal[g]!;
      if (x === y || sameState(x, y)) continue;
      const instances = joinInstances(this.groups[g]!, x, y, (plan, v) => a.broken.has(temporalKey(plan.name, v)), (plan, v) => b.broken.has(temporalKey(plan.name, v)), differingKeys(x, y));
      if (instances === undefined) return undefined;
      if (joined === a.temporal) joined = [...joined];
      (joined as Instances[])[g] = instances;
    }
    return joined;
  }

  /**
   * Deadlines that went by on each path (by its latest event time, or `at` when later: a
   * watermark) decide their instances; `event` is the one the alert will name.
   */
  passTime(event: SpecEvent, at = -Infinity): void {
    for (const configuration of this.configurations) {
      const now = configuration.now;
      const time = Math.max(now.time, at);
      // A deadline is missed once time is past it.
      if (time <= now.deadline) continue;
      let { broken, temporal } = now;
      let deadline = Infinity;
      for (let g = 0; g < this.groups.length; g++) {
        const instances = temporal[g]!;
        const { instances: after, decided, deadline: left } = groupAtTime(this.groups[g]!, instances, time);
        deadline = Math.min(deadline, left);
        if (after !== instances) {
          if (temporal === now.temporal) temporal = [...temporal];
          (temporal as Instances[])[g] = after;
        }
        for (const d of decided) if (d.verdict === 'violated' && !broken.has(temporalKey(d.plan.name, d.value))) broken = broken.set(temporalKey(d.plan.name, d.value), event);
      }
      configuration.now = markUnreplayable({ ...now, broken, temporal, deadline });
    }
  }

  /** The temporal property instances the finite trace violates on this path (LTLf, at the end of a bounded run). */
  violatedAtEnd(snapshot: Snapshot<S, L>): Array<{ name: string; value: unknown }> {
    return this.groups.flatMap((group, g) => finishGroup(group, snapshot.temporal[g]!).map(({ plan, value }) => ({ name: plan.name, value })));
  }

  /** The configuration with `event` appended; `copy` when the configuration also goes on unchanged. */
  private extend(configuration: Configuration<S, L>, event: SpecEvent, keys: readonly string[], now: Snapshot<S, L>, choice: number, copy: boolean): Configuration<S, L> {
    const history = copy ? [...configuration.history] : configuration.history;
    this.record(history, appliedStep(event, keys, choice, configuration.now));
    const trimmed = this.trim(history) || configuration.trimmed;
    return { now, history, trimmed };
  }

  /**
   * Appends a step; the step that just left the recent part keeps its snapshot only at a
   * checkpoint, when pinned, or where a later trim will cut: every trim cuts trimBatch + 1 steps,
   * so those land on multiples of it (and trimming replays nothing).
   */
  private record(history: Array<Applied<S, L>>, step: Applied<S, L>): void {
    history.push(step);
    const leaving = history.length - 1 - this.spacing.recent;
    if (leaving > 0 && ++this.recorded % this.spacing.every !== 0 && !history[leaving]!.pinned && leaving % (this.trimBatch + 1) !== 0) history[leaving]!.before = undefined;
  }

  /** Steps dropped at once when the history outgrows the window. */
  private get trimBatch(): number {
    return Math.min(256, this.window);
  }

  /** Drops the steps older than the window (in batches); the first step kept gets its snapshot back. */
  private trim(history: Array<Applied<S, L>>): boolean {
    if (history.length <= this.window + this.trimBatch) return false;
    const cut = history.length - this.window;
    history[cut]!.before ??= this.snapshotAt(history, cut);
    history.splice(0, cut);
    return true;
  }

  /**
   * The snapshot history[index] met: kept, or replayed from the nearest kept one before it.
   * Exact, since every snapshot between was reached by a step (a joined one is pinned).
   */
  private snapshotAt(history: ReadonlyArray<Applied<S, L>>, index: number): Snapshot<S, L> {
    let from = index;
    while (history[from]!.before === undefined) from--;
    let now = history[from]!.before!;
    for (let i = from; i < index; i++) {
      const after = this.step(now, history[i]!.event);
      if (!Array.isArray(after)) throw new Error(`replaying ${history[i]!.event.proc}#${history[i]!.event.seq} from a checkpoint failed: the spec is not deterministic`);
      now = after[history[i]!.choice]!;
    }
    return now;
  }

  /**
   * `block` placed before history[index] (a rival), in two ways: the rival and everything
   * causally after it move behind the block (the rest keeps its order; block events after one of
   * those stay behind them), or the block's causal predecessors move ahead of the rival with it.
   * The replay decides which orders work; `placed` collects the block events a replay took.
   */
  private insertBefore(configuration: Configuration<S, L>, index: number, block: readonly Placement[], placed?: Set<SpecEvent>): Array<Configuration<S, L>> {
    const history = configuration.history;
    const suffix: Placement[] = history.slice(index);
    // The rival's causal future within the suffix (and the block): seqs from which each process knows of it.
    const firstAfter = new Map<string, number>([[suffix[0]!.event.proc, suffix[0]!.event.seq]]);
    const knowsRival = ({ event }: Placement, j: number): boolean => {
      if (j === 0) return true;
      for (const [proc, seq] of firstAfter) {
        const known = event.vc[proc];
        if (typeof known === 'number' && Object.hasOwn(event.vc, proc) && known >= seq) {
          if (!firstAfter.has(event.proc)) firstAfter.set(event.proc, event.seq);
          return true;
        }
      }
      return false;
    };
    const afterRival = suffix.map(knowsRival);
    const lateBlock = block.map((p) => knowsRival(p, -1));
    const rivalDown = [...suffix.filter((_, j) => !afterRival[j]), ...block.filter((_, j) => !lateBlock[j]), ...suffix.filter((_, j) => afterRival[j]), ...block.filter((_, j) => lateBlock[j])];
    const beforeBlock = suffix.map((a) => block.some((p) => inPast(a.event, p.event)));
    const pastUp = [...suffix.filter((_, j) => beforeBlock[j]), ...block, ...suffix.filter((_, j) => !beforeBlock[j])];
    const found = this.replay(configuration, index, rivalDown, placed);
    return found.length > 0 ? found : this.replay(configuration, index, pastUp, placed);
  }

  /** history[0..index) followed by `order`, replayed from the snapshot at index; every way it works. */
  private replay(configuration: Configuration<S, L>, index: number, order: readonly Placement[], placed?: Set<SpecEvent>): Array<Configuration<S, L>> {
    const history = configuration.history;
    let branches = [{ now: this.snapshotAt(history, index), applied: [] as Array<Applied<S, L>> }];
    for (const { event, keys } of order) {
      branches = branches.flatMap((branch) => {
        const after = this.step(branch.now, event);
        if (!Array.isArray(after)) return [];
        placed?.add(event);
        // One way on (the usual case) extends the branch in place: a long replay stays linear.
        if (after.length === 1) {
          branch.applied.push(appliedStep(event, keys, 0, branch.now));
          branch.now = after[0]!;
          return [branch];
        }
        return after.map((now, choice) => ({ now, applied: [...branch.applied, appliedStep(event, keys, choice, branch.now)] }));
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
    // A few are compared pairwise (each comparison costs their difference); hashing would visit
    // every trie node made since the last merge.
    const byHash = configurations.length <= PAIRWISE_MERGE ? undefined : new Map<number, Array<Configuration<S, L>>>();
    for (const configuration of configurations) {
      const h = byHash === undefined ? 0 : snapshotHash(configuration.now);
      const same = (byHash === undefined ? merged : byHash.get(h))?.find((other) => sameSpecState(other.now, configuration.now) && this.joinTemporal(other.now, configuration.now) !== undefined);
      if (same !== undefined) {
        same.now = this.joined(same.now, configuration.now);
        continue;
      }
      byHash?.set(h, [...(byHash.get(h) ?? []), configuration]);
      merged.push(configuration);
    }
    if (merged.length > this.maxConfigurations) {
      this.truncated ??= `more than ${this.maxConfigurations} orders of concurrent events had to be explored (--max-configurations)`;
      merged.length = this.maxConfigurations;
    }
    return merged;
  }
}
