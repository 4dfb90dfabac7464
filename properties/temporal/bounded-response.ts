// G (P -> F[<=d] Q) with P and Q about the present step only: the shape of most service-level
// properties (a trigger must be answered in time). Its monitor only ever holds G alone, or G
// with one deadline, so a step needs two boolean evaluations instead of a progression.
import { bounded, type Obligation } from './obligation.ts';

/** F[<=d] Q, G's bound, and its deadlines (Fd). */
type Bounded = Extract<Obligation, { n: number }>;

export interface BoundedResponse {
  /** The G node: the whole compiled obligation, and the state of an instance at rest. */
  readonly always: Obligation;
  /** The parts of G's body beside the bound (¬P in negation normal form): one holding now means no trigger. */
  readonly excuses: readonly Obligation[];
  /** F[<=d] Q. */
  readonly within: Bounded;
}

const isPresent = (o: Obligation): boolean =>
  o.k === 'true' || o.k === 'false' || o.k === 'lit' || ((o.k === 'and' || o.k === 'or') && o.parts.every(isPresent));

/** The shape, if the compiled obligation has it (and no past subformula: literals are the step's own values). */
export function boundedResponse(o: Obligation, pastNodes: number): BoundedResponse | undefined {
  if (pastNodes > 0 || o.k !== 'G') return undefined;
  const parts = o.f.k === 'or' ? o.f.parts : [o.f];
  const bounds = parts.filter((p): p is Bounded => p.k === 'Ft');
  if (bounds.length !== 1 || !isPresent(bounds[0]!.f)) return undefined;
  const excuses = parts.filter((p) => p !== bounds[0]);
  return excuses.every(isPresent) ? { always: o, excuses, within: bounds[0]! } : undefined;
}

/** A present-tense obligation's value at this step. */
export function holdsNow(o: Obligation, values: readonly boolean[]): boolean {
  switch (o.k) {
    case 'true': return true;
    case 'lit': return values[o.slot] === o.pos;
    case 'and': for (const p of o.parts) if (!holdsNow(p, values)) return false; return true;
    case 'or': for (const p of o.parts) if (holdsNow(p, values)) return true; return false;
    default: return false;
  }
}

/** The deadline when `o` is G with one pending deadline: and(Fd, G), sorted by key as junction sorts. */
export function awaitingDeadline(r: BoundedResponse, o: Obligation): number | undefined {
  if (o.k !== 'and' || o.parts.length !== 2) return undefined;
  const [deadline, always] = o.parts as [Obligation, Obligation];
  if (deadline.k !== 'Fd' || always.key !== r.always.key || deadline.f.key !== r.within.f.key) return undefined;
  return deadline.n;
}

/** and(Fd, G) as junction makes it (parts sorted by key: "Fd…" before "G…"), without its general work. */
export function awaitingObligation(r: BoundedResponse, due: number): Obligation {
  const deadline = bounded('Fd', due, r.within.f);
  return { k: 'and', parts: [deadline, r.always], key: `and(${deadline.key},${r.always.key})` };
}

/**
 * One step of G (P -> F[<=d] Q), at rest (`due` undefined) or waiting until `due`: the same state,
 * back at rest, too late (violated), or waiting until the deadline returned.
 */
export function respond(r: BoundedResponse, due: number | undefined, values: readonly boolean[], time: number): 'same' | 'rest' | 'late' | number {
  const answered = holdsNow(r.within.f, values);
  let triggered = !answered;
  if (triggered) for (const excuse of r.excuses) if (holdsNow(excuse, values)) { triggered = false; break; }
  if (due === undefined) return triggered ? time + r.within.n : 'same';
  if (time > due) return 'late';
  if (answered) return 'rest';
  // A new trigger's deadline is never earlier at a later time, and of two the earlier one stays.
  return triggered && time + r.within.n < due ? time + r.within.n : 'same';
}
