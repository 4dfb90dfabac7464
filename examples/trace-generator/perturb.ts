import type { SpecEvent } from '../../instrumentation/index.ts';
import { pick, seededRandom } from './random.ts';

export interface Perturbation {
  readonly seed: number;
  /** 'full': any order; a number n: each event moves at most about n places; 'none' keeps order. */
  readonly shuffle?: 'none' | 'full' | number;
  readonly duplicateProbability?: number;
  readonly dropProbability?: number;
}

export interface PerturbedTrace {
  readonly events: SpecEvent[];
  readonly dropped: SpecEvent[];
  readonly duplicated: SpecEvent[];
}

/** What a real transport does to a trace: drops, duplicates (redelivery) and reordering. */
export function perturb(trace: readonly SpecEvent[], how: Perturbation): PerturbedTrace {
  const random = seededRandom(how.seed);
  const kept: SpecEvent[] = [];
  const dropped: SpecEvent[] = [];
  const duplicated: SpecEvent[] = [];
  for (const event of trace) {
    if (random() < (how.dropProbability ?? 0)) {
      dropped.push(event);
      continue;
    }
    kept.push(event);
    if (random() < (how.duplicateProbability ?? 0)) {
      kept.push(event);
      duplicated.push(event);
    }
  }
  const shuffle = how.shuffle ?? 'none';
  if (shuffle === 'full') shuffleInPlace(kept, random, kept.length);
  else if (typeof shuffle === 'number' && shuffle > 0) shuffleInPlace(kept, random, shuffle);
  return { events: kept, dropped, duplicated };
}

/** Fisher–Yates restricted to a window: swaps only with one of the next `reach` places. */
function shuffleInPlace(items: SpecEvent[], random: () => number, reach: number): void {
  for (let i = 0; i < items.length - 1; i++) {
    const j = i + pick(random, Math.min(reach, items.length - i));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
