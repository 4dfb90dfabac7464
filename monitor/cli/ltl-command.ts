import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { FormulaMonitor, FormulaSyntaxError, parseProperty, syntaxPointer, type EventField, type Formula, type TemporalProperty, type Valuation, type Verdict } from '../../properties/index.ts';
import { children } from '../../properties/temporal/index.ts';
import { SpecwatchError } from '../errors.ts';
import { DEFAULT_LIMITS } from '../format-limits.ts';
import { invalidUtf8Offset } from '../record-bytes.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { parseCommandArgs, usageError } from './cli-options.ts';
import { BufferedLines } from './text-sink.ts';

export const LTL_HELP = `Usage: specwatch ltl --formula '<formula>' <trace.ndjson>

Evaluates a temporal formula (LTL with past, bounds and forall) on a trace of proposition sets,
step by step. Use '-' to read standard input.

Options:
  -f, --formula <text>   the formula (required)
  -h, --help             show this help

Formula, from loosest to tightest binding:
  a <-> b               iff (left-associative)
  a -> b                implies (right-associative)
  a | b                 or
  a & b                 and
  a U b, a R b, a W b, a S b
                        until, release, weak until, since (past): one level, right-associative
  !a  X a  F a  G a     not, next, eventually, always
  Y a  O a  H a         yesterday (false at the first step), once, historically (past)
  ( a ), true, false
  Bounds on F and G: F[<=3] a (a now or within the next 3 steps), G[<=3] a (now and the next
  3 steps); F[<=100ms] a, G[<=2s] a bound by time instead (units ms, s, m, h): the steps whose
  t is at most that long after this step's t.
  Past operators (Y O H S) may not contain future ones (X F G U R W).
  Atoms: p, orphan(1), owner("a", x) - a name and JSON scalars (strings in double quotes,
  numbers, true, false, null) or the forall variable.
  Event tests: action == "Delete", proc != "p1", service == "api", params.id == x.
  forall x: <formula>   at the very start only; one monitor per value of x (below).

Input: one step per non-empty line (UTF-8, at most 65,536 bytes), either
  ["p", "orphan(1)"]                                the atoms true at this step, or
  {"props": [...], "t": 150, "event": {...}}        all three optional
An atom with arguments is true iff its text name(arg1, arg2), each argument as JSON joined by
", ", is in the set; props must be written that way (orphan(1), owner("a")). t is the step's
time in ms (default: the previous step's, 0 at first; it may not go backwards). event is an
object whose action, proc, service and params.NAME the event tests read. A line that is none
of these is an error.

forall x: a step's values of x are the arguments of its props at the positions where the
formula uses x (owner(x, "a") takes the first argument of every owner(...) prop), and its
event.params.x. A monitor per value starts at the step that first mentions the value and takes
the steps that mention it, as in specs (one instance per upload id steps on that id's events).

Output: one JSON line per step,
  {"step": 1, "verdict": "inconclusive", "semantics": "LTL3"}
then one at the end,
  {"end": true, "steps": 4, "verdict": "satisfied", "semantics": "LTLf"}
With forall both also have "instances": {"<value as JSON>": verdict, ...}; the verdict is
violated if any instance is, satisfied if all are (and there is one; at the end, also if there
is none), else inconclusive.
  LTL3 (per step): satisfied or violated once every infinite continuation of the trace agrees,
    and then it never changes; inconclusive until then.
  LTLf (at the end): the verdict on the trace as it is, finite. X is strong: X a is false at
    the last step, so the two can differ (X true is satisfied in LTL3 after one step, but a
    one-step trace violates it in LTLf).

Example:
  printf '["req"]\\n{"props":["ack"],"t":50}\\n' | specwatch ltl -f 'G (req -> F[<=100ms] ack)' -

Exit status: 0 the LTLf verdict is satisfied, 1 it is violated, 2 usage errors, formula syntax
errors (column and caret on stderr), an unreadable file or a bad line (file:line and why).`;

const STDIN = '-';
const SCALAR_TYPES = new Set(['string', 'number', 'boolean']);
const isScalar = (v: unknown): v is string | number | boolean | null => v === null || SCALAR_TYPES.has(typeof v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const atomText = (name: string, args: readonly unknown[]): string => (args.length === 0 ? name : `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
const PROP = /^([A-Za-z_][A-Za-z0-9_]*)(?:\(([\s\S]*)\))?$/;
const STEP_FIELDS = new Set(['props', 't', 'event']);

interface Step {
  /** The atoms true at this step, as text, and parsed (name and arguments). */
  readonly props: ReadonlySet<string>;
  readonly atoms: ReadonlyArray<{ readonly name: string; readonly args: readonly unknown[] }>;
  readonly time: number | undefined;
  readonly event: Readonly<Record<string, unknown>> | undefined;
}

/** A line that is not a step: what is wrong, without the file and line (the caller adds them). */
class BadLine extends Error {}

// String(v) for numbers: JSON.stringify would show 1e400, read as Infinity, as null.
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object'
  : `the ${typeof v} ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`);

function parseAtom(prop: unknown, where: string): { name: string; args: unknown[] } {
  if (typeof prop !== 'string') throw new BadLine(`${where}: expected an atom as a string, got ${describe(prop)}`);
  const m = PROP.exec(prop);
  if (m === null) throw new BadLine(`${where}: ${JSON.stringify(prop)} is not an atom: write name or name(arg, ...) with JSON arguments`);
  const name = m[1]!;
  let args: unknown[] = [];
  if (m[2] !== undefined) {
    try {
      args = JSON.parse(`[${m[2]}]`) as unknown[];
    } catch {
      throw new BadLine(`${where}: ${JSON.stringify(prop)} has arguments that are not JSON (strings need double quotes)`);
    }
    const bad = args.find((a) => !isScalar(a));
    if (bad !== undefined) throw new BadLine(`${where}: ${JSON.stringify(prop)}: arguments must be JSON scalars, got ${describe(bad)}`);
  }
  const canonical = atomText(name, args);
  if (canonical !== prop) throw new BadLine(`${where}: write ${JSON.stringify(prop)} as ${JSON.stringify(canonical)} (the text an atom is matched by)`);
  return { name, args };
}

function parseStep(text: string): Step {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadLine('expected a JSON array of atoms or an object {"props", "t", "event"}, got text that is not JSON');
  }
  let props: unknown = [];
  let time: number | undefined;
  let event: Record<string, unknown> | undefined;
  if (isObject(value)) {
    const unknown = Object.keys(value).find((k) => !STEP_FIELDS.has(k));
    if (unknown !== undefined) throw new BadLine(`unknown field ${JSON.stringify(unknown)} (a step has props, t and event)`);
    if (value.props !== undefined) props = value.props;
    if (value.t !== undefined) {
      if (typeof value.t !== 'number' || !Number.isFinite(value.t)) throw new BadLine(`t: expected a time in ms, got ${describe(value.t)}`);
      time = value.t;
    }
    if (value.event !== undefined) {
      if (!isObject(value.event)) throw new BadLine(`event: expected an object, got ${describe(value.event)}`);
      if (value.event.params !== undefined && !isObject(value.event.params)) throw new BadLine(`event.params: expected an object, got ${describe(value.event.params)}`);
      event = value.event;
    }
    if (!Array.isArray(props)) throw new BadLine(`props: expected an array of atoms, got ${describe(props)}`);
  } else if (!Array.isArray(value)) {
    throw new BadLine(`expected a JSON array of atoms or an object {"props", "t", "event"}, got ${describe(value)}`);
  } else props = value;
  const list = props as unknown[];
  const where = (i: number): string => (Array.isArray(value) ? `[${i}]` : `props[${i}]`);
  const atoms = list.map((p, i) => parseAtom(p, where(i)));
  return { props: new Set(list as string[]), atoms, time, event };
}

function valuation(step: Step): Valuation {
  return {
    atom: (name, args) => step.props.has(atomText(name, args)),
    field: (field: EventField) => {
      const event = step.event;
      if (event === undefined) return undefined;
      if (!field.startsWith('params.')) return Object.hasOwn(event, field) ? event[field] : undefined;
      const params = event.params as Record<string, unknown> | undefined;
      const name = field.slice('params.'.length);
      return params !== undefined && Object.hasOwn(params, name) ? params[name] : undefined;
    },
  };
}

/** For `forall x`: atom name → the argument positions where the formula writes x. */
function variablePositions(formula: Formula, variable: string): Map<string, Set<number>> {
  const positions = new Map<string, Set<number>>();
  const visit = (f: Formula): void => {
    if (f.op === 'atom') {
      f.args.forEach((a, i) => {
        if ('variable' in a && a.variable === variable) {
          const set = positions.get(f.name) ?? new Set<number>();
          positions.set(f.name, set.add(i));
        }
      });
    }
    children(f).forEach(visit);
  };
  visit(formula);
  return positions;
}

type Verdicts = { verdict: Verdict; instances?: Record<string, Verdict> };

/** The monitors of one property: one, or one per value of the forall variable. */
class PropertyRun {
  private readonly single: FormulaMonitor | undefined;
  private readonly monitors = new Map<string, FormulaMonitor>();
  private readonly positions: Map<string, Set<number>>;

  constructor(private readonly property: TemporalProperty) {
    this.single = property.variable === undefined ? new FormulaMonitor(property.formula) : undefined;
    this.positions = property.variable === undefined ? new Map() : variablePositions(property.formula, property.variable);
  }

  step(step: Step, time: number): Verdicts {
    const values = valuation(step);
    if (this.single !== undefined) return { verdict: this.single.step(values, time) };
    const mentioned = new Set<string>();
    for (const value of this.valuesIn(step)) {
      const key = JSON.stringify(value);
      mentioned.add(key);
      if (!this.monitors.has(key)) this.monitors.set(key, new FormulaMonitor(this.property.formula, { [this.property.variable!]: value }));
    }
    // Each instance takes the steps that mention its value: the slice of the trace about it.
    const instances: Record<string, Verdict> = {};
    for (const [key, monitor] of this.monitors) instances[key] = mentioned.has(key) ? monitor.step(values, time) : monitor.passTime(time);
    return { verdict: overall(Object.values(instances), 'inconclusive'), instances };
  }

  finish(): Verdicts {
    if (this.single !== undefined) return { verdict: this.single.finish() };
    const instances: Record<string, Verdict> = {};
    for (const [key, monitor] of this.monitors) instances[key] = monitor.finish();
    return { verdict: overall(Object.values(instances), 'satisfied'), instances };
  }

  private valuesIn(step: Step): unknown[] {
    const values: unknown[] = [];
    for (const { name, args } of step.atoms) for (const i of this.positions.get(name) ?? []) if (i < args.length) values.push(args[i]);
    const params = step.event?.params as Record<string, unknown> | undefined;
    const variable = this.property.variable!;
    if (params !== undefined && Object.hasOwn(params, variable) && isScalar(params[variable])) values.push(params[variable]);
    return values;
  }
}

/** Violated if any is, satisfied if all are (with `none` as the verdict when there are none). */
const overall = (verdicts: readonly Verdict[], none: Verdict): Verdict =>
  verdicts.length === 0 ? none : verdicts.includes('violated') ? 'violated' : verdicts.every((v) => v === 'satisfied') ? 'satisfied' : 'inconclusive';

/** The longest step line read, in UTF-8 bytes: a line is held whole until its newline. */
const MAX_LINE_BYTES = DEFAULT_LIMITS.maxEventBytes;

/**
 * The non-blank lines of a file (or stdin), numbered, a chunk's worth at a time. Input that is
 * not UTF-8, or a line over MAX_LINE_BYTES, stops the run with where it happened.
 */
async function* lineBatches(path: string): AsyncGenerator<Array<{ line: number; text: string }>> {
  const where = path === STDIN ? '(stdin)' : path;
  const unreadable = (line: number, why: string): SpecwatchError =>
    new SpecwatchError(`${where}:${line}: ${why}`, { code: 'INPUT_UNREADABLE', context: { path, line } });
  const stream = path === STDIN ? process.stdin : createReadStream(path);
  let number = 0;
  let tail = '';
  // Bytes of a character cut by the chunk's end, put before the next chunk.
  let cut: Buffer = Buffer.alloc(0);
  /** The chunk's text up to its first byte that is not UTF-8, and whether there was one. */
  const decode = (chunk: Buffer, final: boolean): { text: string; notUtf8: boolean } => {
    const joined = cut.length === 0 ? chunk : Buffer.concat([cut, chunk]);
    const keep = final ? 0 : cutCharacterBytes(joined);
    cut = Buffer.from(joined.subarray(joined.length - keep));
    const bytes = joined.subarray(0, joined.length - keep);
    const bad = isUtf8(bytes) ? -1 : invalidUtf8Offset(bytes);
    return { text: bytes.toString('utf8', 0, bad === -1 ? bytes.length : bad), notUtf8: bad !== -1 };
  };
  // Set by split when a line is too long: thrown once the lines before it are taken.
  let tooLong: SpecwatchError | undefined;
  const split = (text: string, final: boolean): Array<{ line: number; text: string }> => {
    const parts = (tail + text).split('\n');
    tail = final ? '' : parts.pop()!;
    const lines = parts.map((p) => ({ line: ++number, text: p.endsWith('\r') ? p.slice(0, -1) : p }));
    const long = lines.findIndex((l) => l.text.length > MAX_LINE_BYTES / 3 && Buffer.byteLength(l.text) > MAX_LINE_BYTES);
    if (long >= 0 || tail.length > MAX_LINE_BYTES) {
      tooLong = unreadable(long >= 0 ? lines[long]!.line : number + 1, `a line over ${MAX_LINE_BYTES.toLocaleString('en-US')} bytes (a step is one line of JSON)`);
    }
    return (long >= 0 ? lines.slice(0, long) : lines).filter((l) => l.text.trim() !== '');
  };
  const chunks = stream[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = await chunks.next();
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new SpecwatchError(`cannot read ${path}: ${reason}`, { code: 'INPUT_UNREADABLE', cause: error, context: { path } });
    }
    if (next.done === true) break;
    const chunk = next.value as Buffer | string;
    const { text, notUtf8 } = decode(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, false);
    // The steps before the bad bytes are taken first, as before any other bad line.
    yield split(text, false);
    if (tooLong !== undefined) throw tooLong;
    if (notUtf8) throw unreadable(number + 1, 'bytes that are not UTF-8 (a step is one line of UTF-8 JSON)');
  }
  const { text, notUtf8 } = decode(Buffer.alloc(0), true);
  yield split(text, !notUtf8);
  if (tooLong !== undefined) throw tooLong;
  if (notUtf8) throw unreadable(number + 1, 'bytes that are not UTF-8 (a step is one line of UTF-8 JSON)');
}

/** How many bytes at the end start a character that the next chunk completes (0 to 3). */
function cutCharacterBytes(bytes: Buffer): number {
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > k ? k : 0;
  }
  return 0;
}

export async function ltlCommand(args: readonly string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseCommandArgs('ltl', args, {
    formula: { type: 'string', short: 'f' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    env.stdout.write(`${LTL_HELP}\n`);
    return 0;
  }
  if (values.formula === undefined) throw usageError("ltl needs --formula '<formula>'", 'ltl');
  if (positionals.length !== 1) throw usageError(`ltl needs exactly one trace file (or - for stdin), got ${positionals.length}`, 'ltl');
  const path = positionals[0]!;
  let property: TemporalProperty;
  try {
    property = parseProperty(values.formula);
  } catch (error) {
    if (!(error instanceof FormulaSyntaxError)) throw error;
    env.stderr.write(`specwatch ltl: ${error.message}\n${syntaxPointer(values.formula, error)}\n`);
    return 2;
  }
  await env.checkTraceFilesReadable([path]);

  const out = new BufferedLines(env.stdout);
  const run = new PropertyRun(property);
  let steps = 0;
  let time = 0;
  try {
    for await (const batch of lineBatches(path)) {
      for (const { line, text } of batch) {
        let step: Step;
        try {
          step = parseStep(text);
          if (step.time !== undefined && step.time < time) throw new BadLine(`t: ${step.time} is earlier than the previous step's time ${time}`);
        } catch (error) {
          if (!(error instanceof BadLine)) throw error;
          throw new SpecwatchError(`${path === STDIN ? '(stdin)' : path}:${line}: ${error.message}`, { code: 'INPUT_UNREADABLE', context: { path, line } });
        }
        time = step.time ?? time;
        steps++;
        const verdicts = run.step(step, time);
        if (!out.closed) out.line(JSON.stringify({ step: steps, verdict: verdicts.verdict, semantics: 'LTL3', ...instancesOf(verdicts) }));
      }
      out.flush(); // a step's verdict shows as soon as its chunk is read (live input)
    }
  } catch (error) {
    await out.end().catch(() => undefined); // the steps before the bad line still come out
    throw error;
  }
  const end = run.finish();
  out.line(JSON.stringify({ end: true, steps, verdict: end.verdict, semantics: 'LTLf', ...instancesOf(end) }));
  await out.end();
  return end.verdict === 'satisfied' ? 0 : 1;
}

const instancesOf = (v: Verdicts): { instances?: Record<string, Verdict> } => (v.instances === undefined ? {} : { instances: v.instances });
