// Text parser for temporal properties: a tokenizer, then recursive descent with one function per
// precedence level. formulaText (formula.ts) prints trees this reads back unchanged.
import { and, children, F, FALSE, G, H, iff, implies, isFutureOp, isPastOp, not, O, or, R, S, TRUE, U, W, X, Y } from './formula.ts';
import type { Bound, EventField, Formula, TemporalProperty, Term } from './formula.ts';

/** A syntax or scope error at a 1-based column of the text. */
export class FormulaSyntaxError extends Error {
  constructor(readonly column: number, readonly expected: string, readonly found: string, reason?: string) {
    super(`column ${column}: ${reason ?? `expected ${expected} but found ${found}`}`);
    this.name = 'FormulaSyntaxError';
  }
}

/** Two lines for a CLI: the text, then a caret under the error's column. */
export const syntaxPointer = (text: string, error: FormulaSyntaxError): string =>
  // Whitespace becomes spaces so that tabs and newlines do not shift the caret.
  `${text.replace(/\s/g, ' ')}\n${' '.repeat(error.column - 1)}^`;

interface Token {
  readonly kind: 'id' | 'field' | 'number' | 'string' | 'symbol' | 'end' | 'bad';
  readonly text: string;
  readonly column: number;
  readonly value?: string | number;
  readonly expected?: string; // for 'bad': what the tokenizer wanted there
}

const LEXEMES: ReadonlyArray<readonly [Token['kind'], RegExp]> = [
  ['field', /params\.[A-Za-z_][A-Za-z0-9_]*/y],
  ['id', /[A-Za-z_][A-Za-z0-9_]*/y],
  ['number', /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y],
  ['string', /"(?:[^"\\]|\\[\s\S])*"/y],
  ['symbol', /<->|->|<=|==|!=|[!&|()[\],:]/y],
];

/** All tokens up to 'end', or up to a 'bad' one: the parser reports it only if it gets that far. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    const column = i + 1;
    if (i >= text.length) return [...tokens, { kind: 'end', text: '', column }];
    let kind: Token['kind'] | undefined;
    let lexeme = '';
    for (const [k, re] of LEXEMES) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m !== null) { kind = k; lexeme = m[0]; break; }
    }
    if (kind === undefined) {
      const unterminated = text.charAt(i) === '"';
      const bad = unterminated ? { column: text.length + 1, text: '', expected: `'"' closing the string at column ${column}` } : { column, text: text.charAt(i), expected: 'a formula token' };
      return [...tokens, { kind: 'bad', ...bad }];
    }
    let value: string | number | undefined;
    if (kind === 'string') {
      // The regex finds where the string ends; JSON.parse checks escapes and control characters.
      try { value = JSON.parse(lexeme) as string; } catch { return [...tokens, { kind: 'bad', text: lexeme, column, expected: 'a JSON string' }]; }
    }
    if (kind === 'number') value = Number(lexeme);
    tokens.push({ kind, text: lexeme, column, value });
    i += lexeme.length;
  }
}

const KEYWORDS = new Set(['X', 'F', 'G', 'U', 'R', 'W', 'Y', 'O', 'H', 'S', 'true', 'false', 'forall']);
const LITERALS = new Map<string, boolean | null>([['true', true], ['false', false], ['null', null]]);
const FIELDS = new Set(['action', 'proc', 'service']);
// Maps, not object literals: an identifier such as `constructor` must not find a prototype member.
const UNARY = new Map<string, (f: Formula, within?: Bound) => Formula>([['X', X], ['F', F], ['G', G], ['Y', Y], ['O', O], ['H', H]]);
const TEMPORAL = new Map<string, (l: Formula, r: Formula) => Formula>([['U', U], ['R', R], ['W', W], ['S', S]]);
const UNITS = new Map([['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000]]);

const found = (t: Token): string => (t.text === '' ? 'end of input' : `'${t.text}'`); // only 'end' and an unclosed string have no text
const fail = (t: Token, expected: string, reason?: string): FormulaSyntaxError => new FormulaSyntaxError(t.column, expected, found(t), reason);

/** A decimal count of a unit as whole milliseconds, computed exactly (1.1s is 1100, not 1100.0000000000002). */
function milliseconds(n: Token, perUnit: number): number {
  const dot = n.text.indexOf('.');
  const scaled = BigInt(n.text.replace('.', '')) * BigInt(perUnit);
  const scale = 10n ** BigInt(dot < 0 ? 0 : n.text.length - dot - 1);
  if (scaled % scale !== 0n || scaled / scale > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(n, 'a whole number of milliseconds');
  return Number(scaled / scale);
}

/** Parses `[forall x:] formula`; throws FormulaSyntaxError at the first problem, leftmost first. */
export function parseProperty(text: string): TemporalProperty {
  const tokens = tokenize(text);
  let at = 0;
  let variable: string | undefined;
  const futureAt = new WeakMap<Formula, Token>(); // the operator token of each future node, for the past-operator check

  const peek = (): Token => {
    const t = tokens[at] as Token; // never past 'end' or 'bad': those are last and never consumed
    if (t.kind === 'bad') throw fail(t, t.expected ?? 'a formula token');
    return t;
  };
  const is = (text: string): boolean => { const t = peek(); return (t.kind === 'symbol' || t.kind === 'id') && t.text === text; };
  const accept = (text: string): boolean => { if (!is(text)) return false; at++; return true; };
  const take = (text: string, expected = `'${text}'`): void => { if (!accept(text)) throw fail(peek(), expected); };

  const firstFuture = (f: Formula): Token | undefined =>
    [futureAt.get(f), ...children(f).map(firstFuture)].filter((t) => t !== undefined).sort((a, b) => a.column - b.column)[0];
  const checked = (op: Token, f: Formula): Formula => {
    if (isFutureOp(f)) futureAt.set(f, op);
    const inner = isPastOp(f) ? firstFuture(f) : undefined; // leftmost future operator in the operands
    if (inner !== undefined) throw fail(inner, 'a past or present formula', 'a future operator inside a past operator is not supported');
    return f;
  };

  const iffLevel = (): Formula => { let f = impliesLevel(); while (accept('<->')) f = iff(f, impliesLevel()); return f; };
  const impliesLevel = (): Formula => { const f = orLevel(); return accept('->') ? implies(f, impliesLevel()) : f; };
  const orLevel = (): Formula => { let f = andLevel(); while (accept('|')) f = or(f, andLevel()); return f; };
  const andLevel = (): Formula => { let f = temporalLevel(); while (accept('&')) f = and(f, temporalLevel()); return f; };
  const temporalLevel = (): Formula => {
    const left = unary();
    const t = peek();
    const op = t.kind === 'id' ? TEMPORAL.get(t.text) : undefined;
    if (op === undefined) return left;
    at++;
    return checked(t, op(left, temporalLevel()));
  };
  const unary = (): Formula => {
    if (accept('!')) return not(unary());
    const t = peek();
    const op = t.kind === 'id' ? UNARY.get(t.text) : undefined;
    if (op === undefined) return primary();
    at++;
    const within = (t.text === 'F' || t.text === 'G') && is('[') ? bound() : undefined;
    return checked(t, op(unary(), within));
  };
  const bound = (): Bound => {
    take('[');
    take('<=');
    const n = peek();
    if (n.kind !== 'number' || !/^[0-9]+(\.[0-9]+)?$/.test(n.text)) throw fail(n, 'a non-negative number');
    at++;
    const unit = peek();
    const perUnit = unit.kind === 'id' ? UNITS.get(unit.text) : undefined;
    let within: Bound;
    if (perUnit !== undefined) { within = { ms: milliseconds(n, perUnit) }; at++; }
    else if (n.text.includes('.')) throw fail(unit, 'a unit (ms, s, m, h)');
    else if (!Number.isSafeInteger(n.value)) throw fail(n, 'a safe integer number of steps');
    else within = { steps: Number(n.value) };
    take(']', perUnit === undefined ? "a unit (ms, s, m, h) or ']'" : "']'");
    return within;
  };
  const primary = (): Formula => {
    const t = peek();
    if (accept('(')) { const f = iffLevel(); take(')'); return f; }
    if (accept('true')) return TRUE;
    if (accept('false')) return FALSE;
    const next = tokens[at + 1];
    const comparison = next?.kind === 'symbol' && (next.text === '==' || next.text === '!=');
    if (t.kind === 'field' || (t.kind === 'id' && FIELDS.has(t.text) && comparison)) {
      at++;
      if (!accept('==') && !accept('!=')) throw fail(peek(), "'==' or '!='");
      return { op: 'test', field: t.text as EventField, equal: next?.text === '==', term: term() };
    }
    if (t.kind === 'id' && !KEYWORDS.has(t.text)) { at++; return { op: 'atom', name: t.text, args: accept('(') ? args() : [] }; }
    if (is('forall')) throw fail(t, 'a formula', 'forall is only allowed at the start of a formula');
    throw fail(t, 'a formula');
  };
  const args = (): Term[] => {
    const list: Term[] = [];
    if (accept(')')) return list;
    do list.push(term()); while (accept(','));
    take(')', "',' or ')'");
    return list;
  };
  const term = (): Term => {
    const t = peek();
    const literal = t.kind === 'id' ? LITERALS.get(t.text) : t.value;
    if (literal !== undefined) {
      if (typeof literal === 'number' && !Number.isFinite(literal)) throw fail(t, 'a finite number');
      at++;
      return { value: literal };
    }
    if (t.kind !== 'id' || KEYWORDS.has(t.text)) throw fail(t, 'a literal or a variable');
    if (t.text !== variable) {
      const why = variable === undefined ? `no variable is bound; write forall ${t.text}: ...` : `only '${variable}' is bound by forall`;
      throw fail(t, variable === undefined ? 'a literal' : `a literal or '${variable}'`, `unknown variable '${t.text}': ${why}`);
    }
    at++;
    return { variable: t.text };
  };

  if (accept('forall')) {
    const v = peek();
    if (v.kind !== 'id' || KEYWORDS.has(v.text) || LITERALS.has(v.text)) throw fail(v, 'a variable name');
    at++;
    take(':');
    variable = v.text;
  }
  const formula = iffLevel();
  if (peek().kind !== 'end') throw fail(peek(), 'an operator or end of input');
  return variable === undefined ? { formula } : { variable, formula };
}
