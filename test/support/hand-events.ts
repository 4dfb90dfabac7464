import type { SpecEvent } from '../../instrumentation/index.ts';

/** A format v1 event written by hand: `ev('p', 2, { q: 1 })` is p's second event, after q's first. */
export function ev(proc: string, seq: number, past: Record<string, number> = {}, action = 'Step', params: Record<string, number | string> = {}): SpecEvent {
  return { sw: 1, proc, seq, vc: { ...past, [proc]: seq }, action, params };
}
