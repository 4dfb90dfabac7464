import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateLoad } from '../../examples/uploader/load.ts';
import { SCENARIOS } from '../../examples/uploader/scenarios.ts';
import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';

/** A scenario's events with their own processes and ids, so they cannot collide with the load's. */
function relabel(events: readonly SpecEvent[], tag: string, idOffset: number): SpecEvent[] {
  const proc = (p: string): string => `${p}-${tag}`;
  return events.map((e) => ({
    ...e,
    proc: proc(e.proc),
    vc: Object.fromEntries(Object.entries(e.vc).map(([p, n]) => [proc(p), n])),
    params: typeof e.params.id === 'number' ? { ...e.params, id: e.params.id + idOffset } : e.params,
  }));
}

/**
 * The fixed uploader under load with the three buggy scenarios spliced in at different points
 * (concurrent with the load, so any interleaving is a valid file): alerts all along the stream.
 */
export function writeIncidentTrace(dir: string, loadEvents: number): { path: string; events: number } {
  const load: SpecEvent[] = [];
  simulateLoad({ events: loadEvents, uploads: Math.max(1, Math.round(loadEvents / 100)), users: 4, workers: 11, seed: 7 }, (e) => load.push(e));
  const bugs = SCENARIOS.map((s, i) => relabel(s.run(false), `bug${i}`, 1_000_000 * (i + 1)));
  const parts: SpecEvent[][] = [];
  const step = Math.ceil(load.length / (bugs.length + 1));
  for (let i = 0; i <= bugs.length; i++) {
    const before = load.slice(i * step, (i + 1) * step);
    parts.push(before);
    // Wall times as if the scenario ran there: a merge of partitions reads by time first.
    const at = before.at(-1)?.time ?? 0;
    if (i < bugs.length) parts.push(bugs[i]!.map((e) => ({ ...e, time: at })));
  }
  const all = parts.flat();
  const path = join(dir, `incident-${loadEvents}.ndjson`);
  writeFileSync(path, all.map((e) => `${encodeEvent(e)}\n`).join(''));
  return { path, events: all.length };
}
