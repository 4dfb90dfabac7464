import { Map as ImmutableMap } from 'immutable';
import { happenedBefore, type SpecEvent } from '../../instrumentation/index.ts';
import { attemptAction, brokenEndConditions, brokenInvariants, type Spec } from '../../properties/index.ts';
import { holdsAt } from './ltlf-reference.ts';

/**
 * The conformance semantics by brute force: every linearization of the events (≤ 8 of them),
 * every nondeterministic choice, judged from the initial state. Slow and obviously correct.
 */
export interface ReferenceVerdict {
  /** Some linearization is a behaviour of the spec. */
  readonly conforms: boolean;
  /** Invariants broken on every conforming run. */
  readonly invariants: string[];
  /** End conditions false at the end of every conforming run. */
  readonly endConditions: string[];
  /** Temporal property instances, as name(value), that the finite trace violates in every conforming run (LTLf on each instance's events). */
  readonly properties: string[];
}

interface Run<S, L> {
  readonly state: S;
  readonly locals: ImmutableMap<string, L>;
  readonly broken: ReadonlySet<string>;
  /** Each step: the event, the state after it, and the latest event time so far. */
  readonly path: ReadonlyArray<{ readonly event: SpecEvent; readonly state: S; readonly locals: ImmutableMap<string, L>; readonly time: number }>;
}

function* linearizations(events: readonly SpecEvent[]): Generator<SpecEvent[]> {
  if (events.length === 0) {
    yield [];
    return;
  }
  for (const first of events) {
    if (events.some((other) => other !== first && happenedBefore(other.vc, first.vc))) continue;
    for (const rest of linearizations(events.filter((e) => e !== first))) yield [first, ...rest];
  }
}

/** Every run of one linearization: each choice of next state followed. */
function runs<S, L>(spec: Spec<S, L>, order: readonly SpecEvent[]): Array<Run<S, L>> {
  let current: Array<Run<S, L>> = [{ state: spec.init(), locals: ImmutableMap(), broken: new Set(), path: [] }];
  for (const event of order) {
    current = current.flatMap((run) => {
      const local = run.locals.has(event.proc) ? run.locals.get(event.proc)! : (spec.local?.() as L);
      const attempt = attemptAction(spec, run.state, local, event);
      if (!attempt.enabled) return [];
      return attempt.steps.map((step) => {
        const locals = run.locals.set(event.proc, step.local);
        const time = Math.max(run.path.at(-1)?.time ?? -Infinity, event.time ?? -Infinity);
        return {
          state: step.state,
          locals,
          broken: new Set([...run.broken, ...brokenInvariants(spec, run.state, event, step.state)]),
          path: [...run.path, { event, state: step.state, locals, time }],
        };
      });
    });
  }
  return current;
}

export function referenceVerdict<S, L>(spec: Spec<S, L>, events: readonly SpecEvent[], judgeProperties = true): ReferenceVerdict {
  const complete = [...linearizations(events)].flatMap((order) => runs(spec, order));
  const everyRun = (names: string[], broken: (run: Run<S, L>) => ReadonlySet<string>) =>
    names.filter((name) => complete.every((run) => broken(run).has(name))).sort();
  return {
    conforms: complete.length > 0,
    invariants: complete.length === 0 ? [] : everyRun([...Object.keys(spec.invariants ?? {}), ...Object.keys(spec.actionInvariants ?? {})], (run) => run.broken),
    endConditions: complete.length === 0 ? [] : everyRun(Object.keys(spec.endConditions ?? {}), (run) => new Set(brokenEndConditions(spec, run.state))),
    properties: complete.length === 0 || !judgeProperties ? [] : [...new Set(complete.flatMap((run) => violatedProperties(spec, run)))].filter((p) => complete.every((run) => violatedProperties(spec, run).includes(p))).sort(),
  };
}

/** name(value) of every property instance whose events, as a finite trace, violate it. */
function violatedProperties<S, L>(spec: Spec<S, L>, run: Run<S, L>): string[] {
  return spec.temporal.flatMap((plan) => {
    const variable = plan.property.variable;
    const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
    const values = variable === undefined ? [null] : [...new Set(run.path.map((s) => s.event.params[variable]).filter((v) => v !== undefined && scalar(v)))];
    return values.flatMap((value) => {
      const slice = run.path.filter((s) => variable === undefined || (Object.hasOwn(s.event.params, variable) && s.event.params[variable] === value));
      const trace = slice.map((s) => ({
        time: s.time,
        valuation: {
          atom: (name: string, args: readonly unknown[]) => {
            try {
              return spec.predicates![name]!({ state: s.state, locals: s.locals }, ...args) === true;
            } catch {
              return false;
            }
          },
          field: (field: string) => (field.startsWith('params.') ? s.event.params[field.slice(7)] : (s.event as unknown as Record<string, unknown>)[field]),
        },
      }));
      const holds = slice.length === 0 ? true : holdsAt(plan.property.formula, trace, 0, variable === undefined ? {} : { [variable]: value });
      return holds ? [] : [`${plan.name}(${JSON.stringify(value)})`];
    });
  });
}

export interface ReferenceCheck extends ReferenceVerdict {
  /** Events reported as nonconforming, in the order reported. */
  readonly nonconforming: SpecEvent[];
}

/**
 * What the online checker must report, by brute force at every step. Events are taken in
 * delivery order; one is accepted when the accepted events plus it have a conforming order,
 * else it waits (and so does everything after it causally), and is retried whenever another is
 * accepted. At the end, the first waiting event is taken together with waiting events after it
 * when that makes a conforming order (see below), else reported; the rest are retried without it.
 * Invariants and end conditions are judged on the accepted events.
 */
export function referenceCheck<S, L>(spec: Spec<S, L>, delivered: readonly SpecEvent[]): ReferenceCheck {
  const accepted: SpecEvent[] = [];
  let waiting: SpecEvent[] = [];
  const nonconforming: SpecEvent[] = [];
  const waitsOn = (event: SpecEvent, before: readonly SpecEvent[]) => before.some((w) => happenedBefore(w.vc, event.vc));
  const acceptable = (event: SpecEvent) => referenceVerdict(spec, [...accepted, event], false).conforms;
  const retry = (): void => {
    for (let found = true; found; ) {
      found = false;
      for (let i = 0; i < waiting.length; i++) {
        const w = waiting[i]!;
        if (waitsOn(w, waiting.slice(0, i)) || !acceptable(w)) continue;
        accepted.push(w);
        waiting = waiting.filter((x) => x !== w);
        found = true;
        break;
      }
    }
  };
  for (const event of delivered) {
    if (waitsOn(event, waiting) || !acceptable(event)) waiting.push(event);
    else {
      accepted.push(event);
      retry();
    }
  }
  // The first waiting event is taken with every waiting event, or else with those after it and
  // their pasts, if the accepted events and they have a conforming order; otherwise it is
  // reported. A block that fails is tried once more, if some order enables the first event,
  // without its events that no order enables.
  while (waiting.length > 0) {
    const [first, ...rest] = waiting;
    const after = rest.filter((w, i) => happenedBefore(first!.vc, w.vc) || rest.slice(i + 1).some((later) => happenedBefore(w.vc, later.vc) && happenedBefore(first!.vc, later.vc)));
    const blocks = [...(after.length < rest.length ? [rest] : []), after];
    let block: SpecEvent[] | undefined;
    let pruned = false;
    for (let b = 0; b < blocks.length && block === undefined; b++) {
      const candidate = blocks[b]!;
      if (candidate.length === 0) continue;
      const all = [...accepted, first!, ...candidate];
      if (referenceVerdict(spec, all, false).conforms) block = candidate;
      else if (!pruned) {
        // Once: without the block's events that no order enables, and their futures.
        const placed = (x: SpecEvent): boolean => enabledInSomeOrder(spec, all.filter((y) => y !== x), x);
        if (!placed(first!)) continue;
        const dropped = candidate.filter((x) => !placed(x));
        const kept = candidate.filter((x) => !dropped.includes(x) && !dropped.some((d) => happenedBefore(d.vc, x.vc)));
        if (dropped.length > 0 && kept.length > 0) {
          pruned = true;
          blocks.splice(b + 1, 0, kept);
        }
      }
    }
    if (block === undefined) nonconforming.push(first!);
    else accepted.push(first!, ...block);
    waiting = waiting.filter((w) => w !== first && !(block ?? []).includes(w));
    retry();
  }
  return { ...referenceVerdict(spec, accepted), nonconforming };
}

/** Whether some order of `others` with `event` inserted reaches `event` with its action enabled. */
function enabledInSomeOrder<S, L>(spec: Spec<S, L>, others: readonly SpecEvent[], event: SpecEvent): boolean {
  for (const order of linearizations([...others, event])) {
    if (runs(spec, order.slice(0, order.indexOf(event) + 1)).length > 0) return true;
  }
  return false;
}
