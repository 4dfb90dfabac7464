// The finite-trace semantics (LTLf), written as the definitions read: slow and obviously right.
// X is strong (false at the last position); bounds count steps or compare the steps' times.
import type { Valuation } from '../../properties/temporal/compile-formula.ts';
import type { Formula, Term } from '../../properties/temporal/formula.ts';

export interface ReferenceStep {
  readonly valuation: Valuation;
  readonly time: number;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);

export function holdsAt(f: Formula, trace: readonly ReferenceStep[], i: number, bindings: Readonly<Record<string, unknown>> = {}): boolean {
  const at = (g: Formula, j: number): boolean => holdsAt(g, trace, j, bindings);
  const term = (t: Term): unknown => ('variable' in t ? bindings[t.variable] : t.value);
  const n = trace.length;
  switch (f.op) {
    case 'true': return true;
    case 'false': return false;
    case 'atom': return i < n && trace[i]!.valuation.atom(f.name, f.args.map(term)) === true;
    case 'test': return i < n && (trace[i]!.valuation.field(f.field) === term(f.term)) === f.equal;
    case 'not': return !at(f.f, i);
    case 'and': return at(f.left, i) && at(f.right, i);
    case 'or': return at(f.left, i) || at(f.right, i);
    case 'implies': return !at(f.left, i) || at(f.right, i);
    case 'iff': return at(f.left, i) === at(f.right, i);
    case 'X': return i + 1 < n && at(f.f, i + 1);
    case 'F': case 'G': {
      const within = 'within' in f ? f.within : undefined;
      const positions = range(i, n).filter((j) => within === undefined || ('steps' in within ? j - i <= within.steps : trace[j]!.time - trace[i]!.time <= within.ms));
      return f.op === 'F' ? positions.some((j) => at(f.f, j)) : positions.every((j) => at(f.f, j));
    }
    case 'U': return range(i, n).some((j) => at(f.right, j) && range(i, j).every((k) => at(f.left, k)));
    case 'R': return !range(i, n).some((j) => !at(f.right, j) && range(i, j).every((k) => !at(f.left, k)));
    case 'W': return at({ op: 'U', left: f.left, right: f.right }, i) || range(i, n).every((j) => at(f.left, j));
    case 'Y': return i > 0 && at(f.f, i - 1);
    case 'O': return range(0, i + 1).some((j) => at(f.f, j));
    case 'H': return range(0, i + 1).every((j) => at(f.f, j));
    case 'S': return range(0, i + 1).some((j) => at(f.right, j) && range(j + 1, i + 1).every((k) => at(f.left, k)));
  }
}
