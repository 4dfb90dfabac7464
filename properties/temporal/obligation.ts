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

/** Conjunction or disjunction, flattened, deduplicated, sorted; constants and complementary literals folded. */
// Hot paths avoid closures: each one created per call costs more than the work it does.
type BoundedObligation = Extract<Obligation, { n: number }>;

function addPart(k: 'and' | 'or', byKey: Map<string, Obligation>, boundedBy: Map<string, BoundedObligation>, p: Obligation): boolean {
  if (p.k === (k === 'and' ? 'false' : 'true')) return false;
  if (p.k === (k === 'and' ? 'true' : 'false')) return true;
  if (p.k === k) {
    for (const q of p.parts) if (!addPart(k, byKey, boundedBy, q)) return false;
    return true;
  }
  if (p.k === 'lit' && byKey.has(`${p.pos ? '!' : ''}${p.slot}`)) return false;
  if ((p.k === 'more' && byKey.has('last')) || (p.k === 'last' && byKey.has('more'))) return false;
  if (p.k === 'Fn' || p.k === 'Gn' || p.k === 'Ft' || p.k === 'Gt' || p.k === 'Fd' || p.k === 'Gd') {
    // One bound per body: F[<=a] f ∧ F[<=b] f is F[<=min], G[<=a] f ∧ G[<=b] f is G[<=max], and
    // dually for ∨. Without this a busy entity piles up one deadline per step.
    const body = `${p.k}|${p.f.key}`;
    const held = boundedBy.get(body);
    if (held !== undefined) {
      const eventually = p.k === 'Fn' || p.k === 'Ft' || p.k === 'Fd';
      const smallerWins = (k === 'and') === eventually;
      if (smallerWins ? p.n >= held.n : p.n <= held.n) return true;
      byKey.delete(held.key);
    }
    boundedBy.set(body, p);
  }
  byKey.set(p.key, p);
  return true;
}

const byKeyOrder = (a: Obligation, b: Obligation): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function junction(k: 'and' | 'or', parts: readonly Obligation[]): Obligation {
  const [unit, zero] = k === 'and' ? [T, F] : [F, T];
  const byKey = new Map<string, Obligation>();
  const boundedBy = new Map<string, BoundedObligation>();
  for (const p of parts) if (!addPart(k, byKey, boundedBy, p)) return zero;
  if (byKey.size === 0) return unit;
  if (byKey.size === 1) return byKey.values().next().value!;
  const sorted = [...byKey.values()].sort(byKeyOrder);
  let key = `${k}(`;
  for (let i = 0; i < sorted.length; i++) key += i === 0 ? sorted[i]!.key : `,${sorted[i]!.key}`;
  return { k, parts: sorted, key: `${key})` };
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
      const parts: Obligation[] = [];
      for (const part of o.parts) parts.push(progress(part, value, time));
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
    case 'Ft':
      return progress(bounded('Fd', time + o.n, o.f), value, time);
    case 'Gt':
      return progress(bounded('Gd', time + o.n, o.f), value, time);
    case 'Fd':
      return time > o.n ? F : junction('or', [progress(o.f, value, time), o]);
    case 'Gd':
      return time > o.n ? T : junction('and', [progress(o.f, value, time), o]);
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
