import type { Alert } from '../alerts.ts';
import type { EventRef } from '../trace-items.ts';
import { ContentCutter, type EmbedLimits } from './embed-limits.ts';
import { alertSlice } from './timeline-slices.ts';
import type { TimelineView } from './timeline-view.ts';

/** Numbers and names interned once: a 100,000-event page stays a few megabytes. */
class Names {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(name: string): number {
    let at = this.index.get(name);
    if (at === undefined) this.index.set(name, (at = this.list.push(name) - 1));
    return at;
  }
}

/**
 * The data a timeline page draws, in columns. Clocks are the view's projected clocks, sent as the
 * entries that rose since the previous event of the same process (the page rebuilds the rest).
 * Every string from the events is cut to the limits.
 */
export function pageData(view: TimelineView, limits: EmbedLimits, title: string) {
  const { timeline } = view;
  const cutter = new ContentCutter(limits);
  const procs = new Names();
  const actions = new Names();
  const services = new Map<number, string>();
  const times = view.projected.map((p) => timeline.events[p.index]!.time).filter((t): t is number => t !== undefined);
  const t0 = times.length === 0 ? 0 : times.reduce((a, b) => Math.min(a, b), Infinity);
  const previous = new Map<string, Readonly<Record<string, number>>>();
  const ev = { p: [] as number[], s: [] as number[], a: [] as number[], t: [] as Array<number | null>, k: [] as unknown[], r: [] as number[][] };
  for (const p of view.projected) {
    const event = timeline.events[p.index]!;
    const proc = procs.of(event.proc);
    if (!services.has(proc) && event.service !== undefined) services.set(proc, cutter.text(event.service));
    const before = previous.get(event.proc) ?? {};
    previous.set(event.proc, p.clock);
    const rises: number[] = [];
    for (const [other, count] of Object.entries(p.clock)) {
      if (other !== event.proc && count > (Object.hasOwn(before, other) ? before[other]! : 0)) rises.push(procs.of(other), count);
    }
    ev.p.push(proc);
    ev.s.push(event.seq);
    ev.a.push(actions.of(event.action));
    ev.t.push(event.time === undefined ? null : event.time - t0);
    ev.k.push(cutter.value(event.params));
    ev.r.push(rises);
  }
  const states = timeline.states === undefined ? undefined : view.projected.map((p) => {
    const met = timeline.states![p.index];
    if (met === undefined) return null;
    // Sent as text, parsed when shown: a cut state is still shown, as text.
    return { s: cutter.text(met.stateJson, 10), ...(met.localJson === undefined ? {} : { l: cutter.text(met.localJson, 10) }), ...(met.disabledBy === undefined ? {} : { g: cutter.text(met.disabledBy, 2) }) };
  });
  // Positions of the events alerts name, built at the first lookup: a page without alerts needs none.
  let position: Map<string, number> | undefined;
  const at = (e: EventRef | undefined): number => {
    if (e === undefined) return -1;
    position ??= new Map(view.projected.map((p, i) => [`${timeline.events[p.index]!.proc}#${timeline.events[p.index]!.seq}`, i]));
    return position.get(`${e.proc}#${e.seq}`) ?? -1;
  };
  // Page positions by timeline index, needed only for an alert judged at the end of the trace.
  let byIndex: Map<number, number> | undefined;
  // An alert judged at the end of the trace has no history: the events of its entity stand for it.
  const entityPositions = (a: Alert): number[] => {
    const slice = alertSlice(timeline.events, a);
    if (!slice.ok) return [];
    const positions = (byIndex ??= new Map(view.projected.map((p, i) => [p.index, i])));
    return slice.indices.flatMap((i) => positions.get(i) ?? []);
  };
  const alert = (a: Alert) => ({
    id: cutter.text(a.id), kind: cutter.text(a.kind), verdict: a.verdict, name: cutter.text(a.name), at: at(a.event ?? timeline.anchors?.get(a.id)), reason: cutter.text(a.reason, 10),
    ...(a.event === undefined ? {} : { event: `${cutter.text(a.event.proc)}#${a.event.seq}` }),
    ...(a.guard === undefined ? {} : { guard: cutter.text(a.guard, 2) }), ...(a.binding === undefined ? {} : { binding: cutter.value(a.binding) }),
    ...(a.state === undefined ? {} : { state: cutter.value(a.state) }), ...(a.semantics === undefined ? {} : { semantics: cutter.text(a.semantics) }),
    history: a.event === undefined ? (a.binding === undefined ? [] : entityPositions(a)) : (a.history ?? []).map(at).filter((i) => i >= 0),
  });
  const alerts = view.alerts.map(alert);
  return {
    v: 1, title: cutter.text(title), sources: timeline.sources.map((s) => cutter.text(s)), spec: timeline.spec ?? null, cut: view.cut === undefined ? null : cutter.text(view.cut, 4),
    procs: procs.list.map((p) => cutter.text(p)), services: procs.list.map((_, i) => services.get(i) ?? null), actions: actions.list.map((a) => cutter.text(a)), t0: times.length === 0 ? null : t0, ev, states: states ?? null, alerts,
    focus: view.focus === undefined ? -1 : view.alerts.indexOf(view.focus),
    limits: { maxString: limits.maxString, cuts: cutter.cuts },
  };
}

export type PageData = ReturnType<typeof pageData>;
