import type { SpecEvent } from '../../instrumentation/index.ts';
import { attemptAction, type Params, type Spec } from '../../properties/index.ts';
import { seededRandom, type Random } from '../../examples/index.ts';

export interface SpecTraceShape {
  readonly seed: number;
  readonly events: number;
  readonly processes: number;
  /** Chance that a process first learns another's clock (a message or a read of shared state). */
  readonly messageProbability: number;
  /** Chance that an event's parameters are replaced by random ones (mostly making it wrong). */
  readonly mutationProbability: number;
}

/**
 * A random trace of a spec: processes take enabled actions (from `candidates`) one at a time in
 * some order, with clocks that only learn of earlier events, so that order is a linear extension
 * and the trace conforms; then some parameters are mutated.
 */
export function specTrace<S, L>(spec: Spec<S, L>, candidates: (random: Random) => Array<{ action: string; params: Params }>, shape: SpecTraceShape): SpecEvent[] {
  const random = seededRandom(shape.seed);
  const procs = Array.from({ length: shape.processes }, (_, i) => `p${i}`);
  const clocks = procs.map(() => ({}) as Record<string, number>);
  const locals = new Map<string, L>();
  let state = spec.init();
  const events: SpecEvent[] = [];
  for (let step = 0; step < shape.events; step++) {
    const p = Math.floor(random() * procs.length);
    const proc = procs[p]!;
    const local = locals.has(proc) ? locals.get(proc)! : (spec.local?.() as L);
    const options = candidates(random).filter((c) => attemptAction(spec, state, local, { proc, ...c }).enabled);
    const mutate = random() < shape.mutationProbability || options.length === 0;
    const choice = mutate ? candidates(random)[Math.floor(random() * candidates(random).length)]! : options[Math.floor(random() * options.length)]!;
    const attempt = attemptAction(spec, state, local, { proc, ...choice });
    if (attempt.enabled) {
      const taken = attempt.steps[Math.floor(random() * attempt.steps.length)]!;
      state = taken.state;
      locals.set(proc, taken.local);
    }
    if (random() < shape.messageProbability) {
      const from = clocks[Math.floor(random() * procs.length)]!;
      for (const q in from) clocks[p]![q] = Math.max(clocks[p]![q] ?? 0, from[q]!);
    }
    clocks[p]![proc] = (clocks[p]![proc] ?? 0) + 1;
    // One second apart in the order taken, so time bounds of a few seconds matter.
    events.push({ sw: 1, proc, seq: clocks[p]![proc]!, vc: { ...clocks[p]! }, action: choice.action, params: choice.params as SpecEvent['params'], time: 1000 * (step + 1) });
  }
  return events;
}

const pickOf = <T,>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Uploader actions over ids 1–2 and versions 1–3. */
export const uploaderCandidates = (random: Random): Array<{ action: string; params: Params }> => uploaderCandidatesOver(2)(random);

/** Uploader actions over ids 1–`ids` and versions 1–3. */
export const uploaderCandidatesOver = (ids: number) => (random: Random): Array<{ action: string; params: Params }> => {
  const id = 1 + Math.floor(random() * ids);
  const version = pickOf(random, [1, 2, 3]);
  const op = pickOf(random, ['create', 'edit', 'delete']);
  return [
    { action: 'Create', params: { id, version: 1 } }, { action: 'Edit', params: { id, version } }, { action: 'Delete', params: { id } },
    { action: 'Receive', params: { id, op } }, { action: 'CreateContent', params: { id, version } }, { action: 'EditContent', params: { id, version } },
    { action: 'PushEdit', params: { id, version } }, { action: 'DeleteContent', params: { id } }, { action: 'Skip', params: { id, op } },
    { action: 'Clean', params: { id } },
  ];
};

/** Counter-race actions. */
export const counterCandidates = (random: Random): Array<{ action: string; params: Params }> => [
  { action: 'Increment', params: {} }, { action: 'Double', params: {} }, { action: 'Read', params: {} },
  { action: 'WriteIncrement', params: {} }, { action: 'WriteDouble', params: {} }, { action: 'Reset', params: {} },
  { action: 'Observe', params: { x: pickOf(random, [0, 1, 2, 3, 4, 5, 6, 8, 10]) } },
];
