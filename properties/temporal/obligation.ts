// Obligations: formulas in negation normal form, rewritten by progression (what the rest of the
// trace must satisfy after each step). Equal obligations have equal keys, which keeps them small
// (duplicates merge) and lets explanations and at-rest instances be compared cheaply.

/** A literal: a predicate, an event test or a past subformula, evaluated at a step by index. */
export type Obligation =
  | { readonly k: 'true' | 'false' | 'more' | 'last'; readonly key: string }
  | { readonly k: 'lit'; readonly slot: number; readonly pos: boolean; readonly key: string }
  | { readonly k: 'and' | 'or'; readonly parts: readonly Obligation[]; readonly key: string }
  | { readonly k: 'X' | 'N' | 'F' | 'G'; readonly f: Obligation; readonly key: string }
  | { readonly k: 'U' | 'R'; readonly l: Obligation; readonly r: Obligation; readonly key: string }
  /** Bounded by steps (n more steps after this one) or by time: relative ms, or an absolute deadline. */
  | { readonly k: 'Fn' | 'Gn' | 'Ft' | 'Gt' | 'Fd' | 'Gd'; readonly n: number; readonly f: Obligation; readonly key: string };

export const T: Obligation = { k: 'true', key: 'true' };
export const F: Obligation = { k: 'false', key: 'false' };
/** True at every real position, false past the end: makes X strong at the end of a finite trace. */
export const MORE: Obligation = { k: 'more', key: 'more' };
export const LAST: Obligation = { k: 'last', key: 'last' };

export const lit = (slot: number, pos: boolean): Obligation => ({ k: 'lit', slot, pos, key: `${pos ? '' : '!'}${slot}` });
export const unary = (k: 'X' | 'N' | 'F' | 'G', f: Obligation): Obligation => ({ k, f, key: `${k}(${f.key})` });
export const binary = (k: 'U' | 'R', l: Obligation, r: Obligation): Obligation => ({ k, l, r, key: `${k}(${l.key},${r.key})` });
export const bounded = (k: 'Fn' | 'Gn' | 'Ft' | 'Gt' | 'Fd' | 'Gd', n: number, f: Obligation): Obligation => ({ k, n, f, key: `${k}${n}(${f.key})` });

/**
 * The step times at which one progression gives the same result: those on the same side of every
 * deadline it compared with the step time. `fresh` when the result holds a deadline made from the
 * step time itself (F[<=t] triggered), so it is tied to that time.
 */
export interface TimeWindow {
  lo: number;
  loOpen: boolean;
  hi: number;
  hiOpen: boolean;
  fresh: boolean;
}

export const withinWindow = (w: TimeWindow, t: number): boolean =>
  !w.fresh && (w.loOpen ? t > w.lo : t >= w.lo) && (w.hiOpen ? t < w.hi : t <= w.hi);

// Set only during progressWithin: deadlines made from the step time (with their offset), and the window so far.
let tracking: { window: TimeWindow; time: number; made: BoundedObligation[]; offsets: number[] } | undefined;

function pinTime(): void {
  above(tracking!.time, false);
  below(tracking!.time, false);
}

const holdsMade = (o: Obligation): boolean => tracking!.made.some((made) => holds(o, made));

function above(bound: number, open: boolean): void {
  const w = tracking!.window;
  if (bound > w.lo || (bound === w.lo && open)) [w.lo, w.loOpen] = [bound, open];
}

function below(bound: number, open: boolean): void {
  const w = tracking!.window;
  if (bound < w.hi || (bound === w.hi && open)) [w.hi, w.hiOpen] = [bound, open];
}

const offsetOf = (o: Obligation): number | undefined => {
  if (tracking === undefined) return undefined;
  const i = tracking.made.indexOf(o as BoundedObligation);
  return i < 0 ? undefined : tracking.offsets[i];
};

/** Records what keeps `a.n ≥ b.n` (or ≤) as it is when one side is step time + offset and the other a fixed deadline. */
function compared(a: BoundedObligation, b: BoundedObligation, atLeast: boolean, outcome: boolean): void {
  const ca = offsetOf(a);
  const cb = offsetOf(b);
  if ((ca === undefined) === (cb === undefined)) return;
  // Rewrite as a bound on t: t + c ≥ d ⇔ t ≥ d − c, d ≥ t + c ⇔ t ≤ d − c (and dually for ≤).
  const lower = (ca !== undefined) === atLeast;
  const bound = ca !== undefined ? b.n - ca : a.n - cb!;
  if (lower === outcome) above(bound, !outcome);
  else below(bound, !outcome);
}

/** Conjunction or disjunction, flattened, deduplicated, sorted; constants and complementary literals folded. */
// Hot paths avoid closures and maps: junctions have a handful of parts, so a linear scan wins.
type BoundedObligation = Extract<Obligation, { n: number }>;

const isBounded = (o: Obligation): o is BoundedObligation =>
  o.k === 'Fn' || o.k === 'Gn' || o.k === 'Ft' || o.k === 'Gt' || o.k === 'Fd' || o.k === 'Gd';

function addPart(k: 'and' | 'or', zero: string, unit: string, held: Obligation[], p: Obligation): boolean {
  if (p.k === zero) return false;
  if (p.k === unit) return true;
  if (p.k === k) {
    for (const q of p.parts) if (!addPart(k, zero, unit, held, q)) return false;
    return true;
  }
  for (let i = 0; i < held.length; i++) {
    const q = held[i]!;
    // Bounds first, even when equal: a bound made from the step time equals a held one only at this time.
    if (isBounded(p) && q.k === p.k && (q as BoundedObligation).f.key === p.f.key) {
      // One bound per body: F[<=a] f ∧ F[<=b] f is F[<=min], G[<=a] f ∧ G[<=b] f is G[<=max], and
      // dually for ∨. Without this a busy entity piles up one deadline per step.
      const eventually = p.k === 'Fn' || p.k === 'Ft' || p.k === 'Fd';
      const smallerWins = (k === 'and') === eventually;
      const keepHeld = smallerWins ? p.n >= (q as BoundedObligation).n : p.n <= (q as BoundedObligation).n;
      if (tracking !== undefined) compared(p, q as BoundedObligation, smallerWins, keepHeld);
      if (!keepHeld) held[i] = p;
      return true;
    }
    if (q.key === p.key) {
      // Equal only at this time when one side holds a bound made from it: the window shrinks to it.
      if (tracking !== undefined && p !== q && holdsMade(p) !== holdsMade(q)) pinTime();
      return true;
    }
    if (p.k === 'lit' && q.k === 'lit' && q.slot === p.slot) return false;
    if ((p.k === 'more' && q.k === 'last') || (p.k === 'last' && q.k === 'more')) return false;
  }
  held.push(p);
  return true;
}

const byKeyOrder = (a: Obligation, b: Obligation): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function junction(k: 'and' | 'or', parts: readonly Obligation[]): Obligation {
  const [unit, zero] = k === 'and' ? [T, F] : [F, T];
  const held: Obligation[] = [];
  for (const p of parts) if (!addPart(k, zero.k, unit.k, held, p)) return zero;
  if (held.length === 0) return unit;
  if (held.length === 1) return held[0]!;
  held.sort(byKeyOrder);
  let key = `${k}(`;
  for (let i = 0; i < held.length; i++) key += i === 0 ? held[i]!.key : `,${held[i]!.key}`;
  return { k, parts: held, key: `${key})` };
}

/** Whether the empty rest of a finite trace satisfies the obligation (LTLf end of trace). */
export function acceptsEnd(o: Obligation): boolean {
  switch (o.k) {
    case 'true': case 'last': case 'G': case 'R': case 'N': case 'Gn': case 'Gt': case 'Gd':
      return true;
    case 'and':
      return o.parts.every(acceptsEnd);
    case 'or':
      return o.parts.some(acceptsEnd);
    default:
      return false;
  }
}

/** The obligation for infinite continuations: the trace goes on, so `more` holds and `last` never does. */
export function assumeMore(o: Obligation): Obligation {
  switch (o.k) {
    case 'more':
      return T;
    case 'last':
      return F;
    case 'and': case 'or': {
      const parts: Obligation[] = [];
      for (const part of o.parts) parts.push(assumeMore(part));
      return junction(o.k, parts);
    }
    default:
      return o;
  }
}

/**
 * One step of progression: what the rest must satisfy, given the literals' values now and the
 * time of this step. The result is judged from the next position on.
 */
export function progress(o: Obligation, value: readonly boolean[], time: number): Obligation {
  switch (o.k) {
    case 'true': case 'false':
      return o;
    case 'more':
      return T;
    case 'last':
      return F;
    case 'lit':
      return value[o.slot] === o.pos ? T : F;
    case 'and': case 'or': {
      // A part that decides the whole (false in ∧, true in ∨) ends it: the rest need no work.
      const zero = o.k === 'and' ? 'false' : 'true';
      const parts: Obligation[] = [];
      for (const part of o.parts) {
        const next = progress(part, value, time);
        if (next.k === zero) return next;
        parts.push(next);
      }
      return junction(o.k, parts);
    }
    case 'X':
      return junction('and', [MORE, o.f]);
    case 'N':
      return junction('or', [LAST, o.f]);
    case 'F':
      return junction('or', [progress(o.f, value, time), o]);
    case 'G':
      return junction('and', [progress(o.f, value, time), o]);
    case 'U':
      return junction('or', [progress(o.r, value, time), junction('and', [progress(o.l, value, time), o])]);
    case 'R':
      return junction('and', [progress(o.r, value, time), junction('or', [progress(o.l, value, time), o])]);
    case 'Fn':
      return o.n === 0 ? progress(o.f, value, time) : junction('or', [progress(o.f, value, time), bounded('Fn', o.n - 1, o.f)]);
    case 'Gn':
      return o.n === 0 ? progress(o.f, value, time) : junction('and', [progress(o.f, value, time), bounded('Gn', o.n - 1, o.f)]);
    case 'Ft': case 'Gt': {
      const deadline = bounded(o.k === 'Ft' ? 'Fd' : 'Gd', time + o.n, o.f);
      if (tracking !== undefined) {
        tracking.made.push(deadline as BoundedObligation);
        tracking.offsets.push(o.n);
      }
      return progress(deadline, value, time);
    }
    case 'Fd': case 'Gd': {
      const gone = time > o.n;
      if (tracking !== undefined && offsetOf(o) === undefined) {
        if (gone) above(o.n, true);
        else below(o.n, false);
      }
      if (gone) return o.k === 'Fd' ? F : T;
      return junction(o.k === 'Fd' ? 'or' : 'and', [progress(o.f, value, time), o]);
    }
  }
}

/** One step of progression, and the step times at which it would give the same result. */
export function progressWithin(o: Obligation, value: readonly boolean[], time: number): { obligation: Obligation; window: TimeWindow } {
  const window: TimeWindow = { lo: -Infinity, loOpen: false, hi: Infinity, hiOpen: false, fresh: false };
  tracking = { window, time, made: [], offsets: [] };
  try {
    const obligation = progress(o, value, time);
    for (const made of tracking.made) if (holds(obligation, made)) window.fresh = true;
    return { obligation, window };
  } finally {
    tracking = undefined;
  }
}

/** Whether `part` (by identity) is somewhere in `o`. */
function holds(o: Obligation, part: Obligation): boolean {
  if (o === part) return true;
  switch (o.k) {
    case 'and': case 'or':
      return o.parts.some((p) => holds(p, part));
    case 'X': case 'N': case 'F': case 'G': case 'Fn': case 'Gn': case 'Ft': case 'Gt': case 'Fd': case 'Gd':
      return holds(o.f, part);
    case 'U': case 'R':
      return holds(o.l, part) || holds(o.r, part);
    default:
      return false;
  }
}

/** Time passed without a step: a deadline gone by can no longer be met (F) or broken (G). */
export function passTime(o: Obligation, now: number): Obligation {
  switch (o.k) {
    case 'Fd':
      return now > o.n ? F : o;
    case 'Gd':
      return now > o.n ? T : o;
    case 'and': case 'or': {
      const parts: Obligation[] = [];
      for (const part of o.parts) parts.push(passTime(part, now));
      return junction(o.k, parts);
    }
    default:
      return o;
  }
}

/** Whether time alone can ever decide something: a bound in ms (or a deadline) somewhere in it. */
export function hasTimeBound(o: Obligation): boolean {
  switch (o.k) {
    case 'Ft': case 'Gt': case 'Fd': case 'Gd': return true;
    case 'and': case 'or': return o.parts.some(hasTimeBound);
    case 'U': case 'R': return hasTimeBound(o.l) || hasTimeBound(o.r);
    case 'X': case 'N': case 'F': case 'G': case 'Fn': case 'Gn': return hasTimeBound(o.f);
    default: return false;
  }
}

/** The earliest deadline in the obligation, when time alone could decide something. */
export function nextDeadline(o: Obligation): number | undefined {
  if (o.k === 'Fd' || o.k === 'Gd') return o.n;
  if (o.k !== 'and' && o.k !== 'or') return undefined;
  let earliest: number | undefined;
  for (const part of o.parts) {
    const d = nextDeadline(part);
    if (d !== undefined && (earliest === undefined || d < earliest)) earliest = d;
  }
  return earliest;
}
