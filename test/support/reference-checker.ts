import { Map as ImmutableMap } from 'immutable';
import { happenedBefore, type SpecEvent } from '../../instrumentation/index.ts';
import { attemptAction, brokenEndConditions, brokenInvariants, type Spec } from '../../properties/index.ts';

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
}

interface Run<S, L> {
  readonly state: S;
  readonly locals: ImmutableMap<string, L>;
  readonly broken: ReadonlySet<string>;
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
  let current: Array<Run<S, L>> = [{ state: spec.init(), locals: ImmutableMap(), broken: new Set() }];
  for (const event of order) {
    current = current.flatMap((run) => {
      const local = run.locals.has(event.proc) ? run.locals.get(event.proc)! : (spec.local?.() as L);
      const attempt = attemptAction(spec, run.state, local, event);
      if (!attempt.enabled) return [];
      return attempt.steps.map((step) => ({
        state: step.state,
        locals: run.locals.set(event.proc, step.local),
        broken: new Set([...run.broken, ...brokenInvariants(spec, run.state, event, step.state)]),
      }));
    });
  }
  return current;
}

export function referenceVerdict<S, L>(spec: Spec<S, L>, events: readonly SpecEvent[]): ReferenceVerdict {
  const complete = [...linearizations(events)].flatMap((order) => runs(spec, order));
  const everyRun = (names: string[], broken: (run: Run<S, L>) => ReadonlySet<string>) =>
    names.filter((name) => complete.every((run) => broken(run).has(name))).sort();
  return {
    conforms: complete.length > 0,
    invariants: complete.length === 0 ? [] : everyRun([...Object.keys(spec.invariants ?? {}), ...Object.keys(spec.actionInvariants ?? {})], (run) => run.broken),
    endConditions: complete.length === 0 ? [] : everyRun(Object.keys(spec.endConditions ?? {}), (run) => new Set(brokenEndConditions(spec, run.state))),
  };
}

export interface ReferenceCheck extends ReferenceVerdict {
  /** Events reported as nonconforming, in the order reported. */
  readonly nonconforming: SpecEvent[];
}

/**
 * What the online checker must report, by brute force at every step. Events are taken in
 * delivery order; one is accepted when the accepted events plus it have a conforming order,
 * else it waits (and so does everything after it causally), and is retried whenever another is
 * accepted. At the end, waiting events are reported one by one and the rest retried without them.
 * Invariants and end conditions are judged on the accepted events.
 */
export function referenceCheck<S, L>(spec: Spec<S, L>, delivered: readonly SpecEvent[]): ReferenceCheck {
  const accepted: SpecEvent[] = [];
  let waiting: SpecEvent[] = [];
  const nonconforming: SpecEvent[] = [];
  const waitsOn = (event: SpecEvent, before: readonly SpecEvent[]) => before.some((w) => happenedBefore(w.vc, event.vc));
  const acceptable = (event: SpecEvent) => referenceVerdict(spec, [...accepted, event]).conforms;
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
  while (waiting.length > 0) {
    nonconforming.push(waiting.shift()!);
    retry();
  }
  return { ...referenceVerdict(spec, accepted), nonconforming };
}
