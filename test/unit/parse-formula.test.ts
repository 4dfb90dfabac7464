import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  and, atom, eventIs, F, FALSE, forall, G, H, iff, implies, not, O, or, propertyText, R, S, TRUE, U, W, X, Y,
} from '../../properties/temporal/formula.ts';
import type { Bound, EventField, Formula, TemporalProperty, Term } from '../../properties/temporal/formula.ts';
import { FormulaSyntaxError, parseProperty, syntaxPointer } from '../../properties/temporal/parse-formula.ts';
import { propertyRuns } from '../support/property-runs.ts';

const formula = (text: string): Formula => parseProperty(text).formula;
const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => atom(n)) as [Formula, Formula, Formula, Formula];
const test = (field: EventField, term: Term, equal = true): Formula => ({ op: 'test', field, equal, term });

/** The error parseProperty throws for text (fails the test if it parses). */
function errorOf(text: string): FormulaSyntaxError {
  try {
    parseProperty(text);
  } catch (e) {
    if (e instanceof FormulaSyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseProperty: precedence and associativity', () => {
  it.each<[string, Formula]>([
    ['a U b U c', U(a, U(b, c))],
    ['a R b W c S d', R(a, W(b, S(c, d)))],
    ['a -> b -> c', implies(a, implies(b, c))],
    ['a <-> b <-> c', iff(iff(a, b), c)],
    ['a & b | c', or(and(a, b), c)],
    ['a | b & c', or(a, and(b, c))],
    ['a & b & c', and(and(a, b), c)],
    ['a | b -> c <-> d', iff(implies(or(a, b), c), d)],
    ['a U b & c', and(U(a, b), c)],
    ['!a U b', U(not(a), b)],
    ['F G a', F(G(a))],
    ['!X Y O H a', not(X(Y(O(H(a)))))],
    ['G (a -> F b)', G(implies(a, F(b)))],
    ['((a))', a],
    ['true & !false', and(TRUE, not(FALSE))],
  ])('%s', (text, expected) => {
    expect(formula(text)).toEqual(expected);
  });
});

describe('parseProperty: bounds', () => {
  it.each<[string, Bound]>([
    ['G[<=3] a', { steps: 3 }],
    ['F[<=0] a', { steps: 0 }],
    ['F[<=30s] a', { ms: 30_000 }],
    ['F[<=1.5s] a', { ms: 1500 }],
    ['F[<=1.1s] a', { ms: 1100 }],
    ['G[<=500ms] a', { ms: 500 }],
    ['G[<=2m] a', { ms: 120_000 }],
    ['F[ <= 0.5h ] a', { ms: 1_800_000 }],
  ])('%s', (text, within) => {
    const f = formula(text);
    expect(f).toEqual(text.startsWith('F') ? F(a, within) : G(a, within));
  });

  it('binds tighter than binary operators', () => {
    expect(formula('F[<=2] a U b')).toEqual(U(F(a, { steps: 2 }), b));
  });
});

describe('parseProperty: atoms, tests and forall', () => {
  it('reads atoms with literal and variable arguments', () => {
    expect(parseProperty('forall x: orphan(x, "a\\"b\\u00e9", -1.5e3, 0, true, false, null)')).toEqual(
      forall('x', atom('orphan', 'x', { value: 'a"bé' }, { value: -1500 }, { value: 0 }, { value: true }, { value: false }, { value: null })),
    );
    expect(formula('ready()')).toEqual(atom('ready'));
  });

  it('reads identifiers by maximal munch, so keywords only stand alone', () => {
    expect(formula('Xs & Fail | forallx | Hat')).toEqual(or(or(and(atom('Xs'), atom('Fail')), atom('forallx')), atom('Hat')));
  });

  it('reads tests of the current event', () => {
    expect(formula('action == "Delete"')).toEqual(eventIs('action', 'Delete'));
    expect(formula('proc != "p1"')).toEqual(eventIs('proc', 'p1', false));
    expect(formula('service==true')).toEqual(eventIs('service', true));
    expect(formula('params.size != 3')).toEqual(eventIs('params.size', 3, false));
    expect(formula('params.F == null')).toEqual(eventIs('params.F', null));
    expect(parseProperty('forall id: params.id == id')).toEqual(forall('id', test('params.id', { variable: 'id' })));
  });

  it('reads a test as a primary and a lone field name as an atom', () => {
    expect(formula('!action == "Delete"')).toEqual(not(eventIs('action', 'Delete')));
    expect(formula('action & proc(1)')).toEqual(and(atom('action'), atom('proc', { value: 1 })));
  });

  it('binds the forall variable over the whole rest', () => {
    expect(parseProperty('forall x: G (upload(x) -> F[<=30s] done(x))')).toEqual(
      forall('x', G(implies(atom('upload', 'x'), F(atom('done', 'x'), { ms: 30_000 })))),
    );
    expect(parseProperty('a')).toEqual({ formula: a });
  });

  it('allows past operators over past and present formulas', () => {
    expect(formula('G (b -> Y (a S !b))')).toEqual(G(implies(b, Y(S(a, not(b))))));
  });
});

describe('parseProperty: errors', () => {
  it.each<[string, number, string, string]>([
    ['(a & b', 7, "')'", 'end of input'],
    ['(a U b c)', 8, "')'", "'c'"],
    ['a b', 3, 'an operator or end of input', "'b'"],
    ['', 1, 'a formula', 'end of input'],
    ['a & ', 5, 'a formula', 'end of input'],
    ['a U', 4, 'a formula', 'end of input'],
    ['U a', 1, 'a formula', "'U'"],
    ['a # b', 3, 'a formula token', "'#'"],
    ['a = b', 3, 'a formula token', "'='"],
    ['f(1 2)', 5, "',' or ')'", "'2'"],
    ['f(1,)', 5, 'a literal or a variable', "')'"],
    ['f(X)', 3, 'a literal or a variable', "'X'"],
    ['f("ab', 6, `'"' closing the string at column 3`, 'end of input'],
    ['f("\\q")', 3, 'a JSON string', '\'"\\q"\''],
    ['f(1e999)', 3, 'a finite number', "'1e999'"],
    ['params.x', 9, "'==' or '!='", 'end of input'],
    ['params.x & a', 10, "'==' or '!='", "'&'"],
    ['action == X', 11, 'a literal or a variable', "'X'"],
    ['X[<=3] a', 2, 'a formula', "'['"],
    ['F[3] a', 3, "'<='", "'3'"],
    ['F[<=] a', 5, 'a non-negative number', "']'"],
    ['F[<=-1] a', 5, 'a non-negative number', "'-1'"],
    ['F[<=1e3] a', 5, 'a non-negative number', "'1e3'"],
    ['F[<=1.5] a', 8, 'a unit (ms, s, m, h)', "']'"],
    ['F[<=1.0005s] a', 5, 'a whole number of milliseconds', "'1.0005'"],
    ['F[<=0.5ms] a', 5, 'a whole number of milliseconds', "'0.5'"],
    ['F[<=3x] a', 6, "a unit (ms, s, m, h) or ']'", "'x'"],
    ['F[<=3s a', 8, "']'", "'a'"],
    ['F[<=99999999999999999] a', 5, 'a safe integer number of steps', "'99999999999999999'"],
    ['forall X: a', 8, 'a variable name', "'X'"],
    ['forall null: a', 8, 'a variable name', "'null'"],
    ['forall x a', 10, "':'", "'a'"],
  ])('%j: column %i, expected %s, found %s', (text, column, expected, found) => {
    const e = errorOf(text);
    expect({ column: e.column, expected: e.expected, found: e.found }).toEqual({ column, expected, found });
    expect(e.message).toBe(`column ${column}: expected ${expected} but found ${found}`);
  });

  it.each<[string, number, string]>([
    ['a & forall x: b', 5, 'forall is only allowed at the start of a formula'],
    ['forall x: forall y: a', 11, 'forall is only allowed at the start of a formula'],
    ['f(y)', 3, "unknown variable 'y': no variable is bound; write forall y: ..."],
    ['action == y', 11, "unknown variable 'y': no variable is bound; write forall y: ..."],
    ['forall x: g(x, y)', 16, "unknown variable 'y': only 'x' is bound by forall"],
    ['Y F a', 3, 'a future operator inside a past operator is not supported'],
    ['H (a S (b & G c))', 13, 'a future operator inside a past operator is not supported'],
    ['a S (b U c)', 8, 'a future operator inside a past operator is not supported'],
    ['O (F[<=3] a | X b)', 4, 'a future operator inside a past operator is not supported'],
  ])('%j: column %i, %s', (text, column, reason) => {
    expect(errorOf(text).message).toBe(`column ${column}: ${reason}`);
  });

  it('points at the column under the text', () => {
    const text = 'G (a &\tb c)';
    expect(syntaxPointer(text, errorOf(text))).toBe('G (a & b c)\n         ^');
  });
});

// Random properties from the builders: past operators hold only past/present formulas, as the parser requires.
const keywords = new Set(['X', 'F', 'G', 'U', 'R', 'W', 'Y', 'O', 'H', 'S', 'true', 'false', 'forall']);
const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
const name = fc.oneof(fc.constantFrom('action', 'proc', 'service', 'params', 'null', 'Xs', 'Fail', 'constructor'), identifier.filter((n) => !keywords.has(n)));
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);
const term = (bound: boolean): fc.Arbitrary<Term> =>
  bound ? fc.oneof(fc.constant({ variable: 'x' }), value.map((v) => ({ value: v }))) : value.map((v) => ({ value: v }));
const field: fc.Arbitrary<EventField> = fc.oneof(fc.constantFrom('action', 'proc', 'service'), identifier.map((n): EventField => `params.${n}`));
const within: fc.Arbitrary<Bound | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.nat().map((steps) => ({ steps })),
  fc.oneof(fc.maxSafeNat(), fc.nat({ max: 1e6 }).map((s) => s * 1000)).map((ms) => ({ ms })),
);

const memo = new Map<string, fc.Arbitrary<Formula>>();
function formulas(depth: number, pastOnly: boolean, bound: boolean): fc.Arbitrary<Formula> {
  const key = `${depth} ${pastOnly} ${bound}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const leaf = fc.oneof(
    fc.constantFrom(TRUE, FALSE),
    fc.tuple(name, fc.array(term(bound), { maxLength: 3 })).map(([n, args]): Formula => ({ op: 'atom', name: n, args })),
    fc.tuple(field, fc.boolean(), term(bound)).map(([f, equal, t]) => test(f, t, equal)),
  );
  if (depth === 0) return leaf;
  const sub = formulas(depth - 1, pastOnly, bound);
  const past = formulas(depth - 1, true, bound);
  const two = <T>(make: (l: Formula, r: Formula) => T) => fc.tuple(sub, sub).map(([l, r]) => make(l, r));
  const options: Array<fc.Arbitrary<Formula>> = [
    leaf, sub.map(not), two(and), two(or), two(implies), two(iff),
    past.map(Y), past.map(O), past.map(H), fc.tuple(past, past).map(([l, r]) => S(l, r)),
  ];
  if (!pastOnly) options.push(sub.map(X), fc.tuple(sub, within).map(([f, w]) => F(f, w)), fc.tuple(sub, within).map(([f, w]) => G(f, w)), two(U), two(R), two(W));
  const arbitrary = fc.oneof(...options);
  memo.set(key, arbitrary);
  return arbitrary;
}
const properties: fc.Arbitrary<TemporalProperty> = fc.boolean().chain((bound) =>
  formulas(5, false, bound).map((f) => (bound ? forall('x', f) : { formula: f })),
);

describe('parseProperty: round trip', () => {
  it('reads propertyText back to the same tree', () => {
    fc.assert(
      fc.property(properties, (p) => {
        expect(parseProperty(propertyText(p))).toEqual(p);
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('throws only FormulaSyntaxError, at a column within the text', () => {
    const pieces = fc.constantFrom('a', 'x', 'f(', ')', '(', ',', '!', '&', '|', '->', '<->', 'U', 'S', 'F', 'Y', '[<=', ']', '3', '1.5s', '"s"', 'action', '==', 'params.k', 'forall x:', ' ', '#');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')), (text) => {
        try {
          parseProperty(text);
        } catch (e) {
          expect(e).toBeInstanceOf(FormulaSyntaxError);
          const { column } = e as FormulaSyntaxError;
          expect(column).toBeGreaterThanOrEqual(1);
          expect(column).toBeLessThanOrEqual(text.length + 1);
        }
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
