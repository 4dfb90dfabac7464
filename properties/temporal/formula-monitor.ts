import { hash } from 'immutable';
import { awaitingDeadline, awaitingObligation, respond, type BoundedResponse } from './bounded-response.ts';
import { compileFormula, resolveTerm, type CompiledFormula, type Literal, type Valuation } from './compile-formula.ts';
import type { Formula } from './formula.ts';
import { F, acceptsEnd, assumeMore, nextDeadline, passTime, progress, progressWithin, withinWindow, type Obligation, type TimeWindow } from './obligation.ts';

/** LTL3: decided once every infinite continuation agrees; a decided verdict never changes. */
export type Verdict = 'satisfied' | 'violated' | 'inconclusive';

/**
 * Where a monitor is: the obligation left (progression, for the future part) and one boolean
 * per past subformula node (for the past part), so memory per step is constant. Immutable, and
 * a value (equals/hashCode) so that explanations in equal monitor states merge.
 */
export class MonitorState {
  private text: string | undefined;
  // The last step taken from this state (literal values → next state, and the times it holds
  // for): an instance mostly meets the same values again, so the progression is not redone.
  private lastValues: number | string | undefined;
  private lastWindow: TimeWindow | undefined;
  private lastNext: MonitorState | undefined;
  private made: Obligation | undefined;
  // A bounded response waiting for its answer keeps only its deadline: most are answered before
  // anything reads the obligation, so it is made only when asked for.
  private response: BoundedResponse | undefined;
  private due = 0;

  constructor(
    obligation: Obligation | undefined,
    readonly past: readonly boolean[] | undefined,
    readonly verdict: Verdict,
  ) {
    this.made = obligation;
  }

  /** A bounded response whose trigger must be answered by `due`: G with F[<=d] Q pending. */
  static awaiting(response: BoundedResponse, due: number): MonitorState {
    const state = new MonitorState(undefined, undefined, 'inconclusive');
    state.response = response;
    state.due = due;
    return state;
  }

  get obligation(): Obligation {
    return (this.made ??= awaitingObligation(this.response!, this.due));
  }

  /** The earliest deadline in the obligation, when time alone could decide something. */
  get deadline(): number | undefined {
    return this.response !== undefined ? this.due : nextDeadline(this.obligation);
  }

  /** Whether this is a bounded response waiting for its answer, made as such (never at rest). */
  get awaitsAnswer(): boolean {
    return this.response !== undefined;
  }

  /** The deadline of a bounded response waiting for its answer, else undefined. */
  awaitingUntil(response: BoundedResponse): number | undefined {
    return this.response !== undefined ? this.due : awaitingDeadline(response, this.obligation);
  }

  get key(): string {
    return (this.text ??= `${this.obligation.key}|${this.past?.map((b) => (b ? 1 : 0)).join('') ?? '-'}|${this.verdict}`);
  }

  equals(other: unknown): boolean {
    return other instanceof MonitorState && other.key === this.key;
  }

  hashCode(): number {
    return hash(this.key);
  }

  /** The next state remembered for these literal values at this time, if any. */
  rememberedNext(values: number | string, time: number): MonitorState | undefined {
    return values === this.lastValues && (this.lastWindow === undefined || withinWindow(this.lastWindow, time)) ? this.lastNext : undefined;
  }

  remember(values: number | string, window: TimeWindow | undefined, next: MonitorState): void {
    if (window?.fresh === true) return;
    [this.lastValues, this.lastWindow, this.lastNext] = [values, window, next];
  }
}

export const onlineVerdict = (o: Obligation): Verdict => {
  const infinite = assumeMore(o);
  return infinite.k === 'true' ? 'satisfied' : infinite.k === 'false' ? 'violated' : 'inconclusive';
};

// One shared initial state per formula, so the steps remembered from it serve every new instance.
const initialStates = new WeakMap<CompiledFormula, MonitorState>();
export const initialState = (compiled: CompiledFormula): MonitorState => {
  let state = initialStates.get(compiled);
  if (state === undefined) initialStates.set(compiled, (state = new MonitorState(compiled.obligation, undefined, 'inconclusive')));
  return state;
};

/** Whether a monitor in this state behaves exactly as a fresh one (so it can be dropped and made again). */
export const atRest = (compiled: CompiledFormula, state: MonitorState): boolean =>
  compiled.past.length === 0 && !state.awaitsAnswer && state.obligation.key === compiled.obligation.key && acceptsEnd(compiled.obligation);

// Progressions without an absolute deadline depend only on the obligation and the literals'
// values (a relative bound only turns into a deadline in the result, which is then not kept):
// most steps of most instances repeat one of a few, so they are remembered per formula.
const progressions = new WeakMap<CompiledFormula, Map<string, Obligation>>();
const timed = (o: Obligation): boolean => /[FG]d-?\d/.test(o.key);

function progressed(compiled: CompiledFormula, o: Obligation, values: readonly boolean[], time: number): { obligation: Obligation; window: TimeWindow | undefined } {
  if (timed(o)) return progressWithin(o, values, time);
  let memo = progressions.get(compiled);
  if (memo === undefined) progressions.set(compiled, (memo = new Map()));
  let key = '';
  for (const v of values) key += v ? '1' : '0';
  key += o.key;
  let result = memo.get(key);
  if (result === undefined) {
    result = progress(o, values, time);
    // Made a deadline from this step's time: tied to it, so neither kept here nor in the state.
    if (timed(result)) return { obligation: result, window: { lo: time, loOpen: false, hi: time, hiOpen: false, fresh: true } };
    if (memo.size > 10_000) memo.clear();
    memo.set(key, result);
  }
  return { obligation: result, window: undefined };
}

/** One step: the state met and the event, at `time` (ms, never earlier than the last step). */
export function stepMonitor(compiled: CompiledFormula, state: MonitorState, valuation: Valuation, time: number, bindings: Readonly<Record<string, unknown>> = {}): MonitorState {
  const literals = compiled.literals;
  const values = new Array<boolean>(literals.length);
  let small = 0;
  for (let i = 0; i < literals.length; i++) {
    const v = literalValue(literals[i]!, valuation, bindings);
    values[i] = v;
    if (v) small |= 1 << (i & 31);
  }
  if (compiled.response !== undefined && state.verdict === 'inconclusive') {
    const r = compiled.response;
    const due = state.awaitingUntil(r);
    const atRestNow = due === undefined && (state.obligation === r.always || state.obligation.key === r.always.key);
    if (due !== undefined || atRestNow) {
      const answer = respond(r, due, values, time);
      return answer === 'same' ? state : answer === 'rest' ? initialState(compiled) : answer === 'late' ? new MonitorState(F, undefined, 'violated') : MonitorState.awaiting(r, answer);
    }
  }
  // The literals' own values (past ones are derived from them and the state) name the step.
  const bits = literals.length <= 31 ? small : values.map((v) => (v ? '1' : '0')).join('');
  const remembered = state.rememberedNext(bits, time);
  if (remembered !== undefined) return remembered;
  const past = compiled.past.length === 0 ? undefined : evaluatePast(compiled, values, state.past);
  if (past !== undefined) for (let i = 0; i < literals.length; i++) if (literals[i]!.kind === 'past') values[i] = past[(literals[i] as { node: number }).node]!;
  const { obligation, window } = progressed(compiled, state.obligation, values, time);
  // Unchanged is common (G waiting for its trigger): keep the same object, so maps stay shared.
  const next = obligation.key === state.obligation.key && samePast(past, state.past)
    ? state
    : new MonitorState(obligation, past, state.verdict === 'inconclusive' ? onlineVerdict(obligation) : state.verdict);
  state.remember(bits, window, next);
  return next;
}

/** Whether two past states (one boolean per past subformula node) are the same. */
export const samePast = (a: readonly boolean[] | undefined, b: readonly boolean[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]));

/** Time passed with no step: a deadline gone by decides what it decides. */
export function monitorAtTime(state: MonitorState, now: number): MonitorState {
  if (state.verdict !== 'inconclusive' || state.deadline === undefined) return state;
  const obligation = passTime(state.obligation, now);
  return obligation === state.obligation ? state : new MonitorState(obligation, state.past, onlineVerdict(obligation));
}

/** LTLf: the verdict on the finite trace that ends here (X is strong: false at the last step). */
export const finiteVerdict = (state: MonitorState): 'satisfied' | 'violated' => (acceptsEnd(state.obligation) ? 'satisfied' : 'violated');

function literalValue(l: Literal, valuation: Valuation, bindings: Readonly<Record<string, unknown>>): boolean {
  if (l.kind === 'atom') {
    const args = new Array<unknown>(l.args.length);
    for (let i = 0; i < args.length; i++) args[i] = resolveTerm(l.args[i]!, bindings);
    return valuation.atom(l.name, args) === true;
  }
  if (l.kind === 'test') return (valuation.field(l.field) === resolveTerm(l.term, bindings)) === l.equal;
  return false;
}

function evaluatePast(compiled: CompiledFormula, values: readonly boolean[], before: readonly boolean[] | undefined): boolean[] {
  const now: boolean[] = [];
  for (const node of compiled.past) {
    const self = now.length;
    let v: boolean;
    switch (node.op) {
      case 'literal': v = values[node.literal]!; break;
      case 'const': v = node.value; break;
      case 'not': v = !now[node.f]; break;
      case 'and': v = now[node.l]! && now[node.r]!; break;
      case 'or': v = now[node.l]! || now[node.r]!; break;
      case 'implies': v = !now[node.l] || now[node.r]!; break;
      case 'iff': v = now[node.l] === now[node.r]; break;
      case 'Y': v = before !== undefined && before[node.f]!; break;
      case 'O': v = now[node.f]! || (before !== undefined && before[self]!); break;
      case 'H': v = now[node.f]! && (before === undefined || before[self]!); break;
      case 'S': v = now[node.r]! || (now[node.l]! && before !== undefined && before[self]!); break;
    }
    now.push(v);
  }
  return now;
}

/** One formula monitored step by step, for programs and the `ltl` command. */
export class FormulaMonitor {
  private readonly compiled: CompiledFormula;
  private current: MonitorState;

  constructor(formula: Formula, private readonly bindings: Readonly<Record<string, unknown>> = {}) {
    this.compiled = compileFormula(formula);
    this.current = initialState(this.compiled);
  }

  get verdict(): Verdict {
    return this.current.verdict;
  }

  /** What the rest of the trace must satisfy, as the key of its obligation. */
  get obligationKey(): string {
    return this.current.obligation.key;
  }

  step(valuation: Valuation, time: number): Verdict {
    this.current = stepMonitor(this.compiled, this.current, valuation, time, this.bindings);
    return this.current.verdict;
  }

  passTime(now: number): Verdict {
    this.current = monitorAtTime(this.current, now);
    return this.current.verdict;
  }

  finish(): 'satisfied' | 'violated' {
    return finiteVerdict(this.current);
  }
}
