import type { Alert } from '../alerts.ts';
import { alertSlice, entitySlice, type ParamFilter } from './timeline-slices.ts';
import type { Timeline } from './timeline-model.ts';
import { messageArrows, type MessageArrow } from './message-arrows.ts';
import { projectClocks, type ProjectedEvent } from './projected-clocks.ts';

/** What one output shows: a subset of the timeline's events, its clocks and arrows, its alerts. */
export interface TimelineView {
  readonly timeline: Timeline;
  /** Positions in `timeline.events`, in causal order. */
  readonly subset: readonly number[];
  readonly projected: readonly ProjectedEvent[];
  readonly arrows: readonly MessageArrow[];
  readonly alerts: readonly Alert[];
  /** The alert the view was cut around (`--around`). */
  readonly focus?: Alert;
  /** How the view was cut, in words (`around alert …`, `id = 1`). */
  readonly cut?: string;
}

export interface ViewCut {
  readonly around?: Alert;
  readonly filter?: ParamFilter;
}

const describeFilter = (filter: ParamFilter): string => `${filter.key} = ${JSON.stringify(filter.value)}`;

/** The view of a timeline, cut around an alert and/or to one entity; throws the reason a cut is impossible. */
export function timelineView(timeline: Timeline, cut: ViewCut = {}): TimelineView {
  const events = timeline.events;
  let subset = events.map((_, i) => i);
  const words: string[] = [];
  if (cut.around !== undefined) {
    const slice = alertSlice(events, cut.around);
    if (!slice.ok) throw new RangeError(`cannot cut around alert ${cut.around.id}: ${slice.reason}`);
    subset = slice.indices;
    words.push(`around alert ${cut.around.id} (${cut.around.kind} ${cut.around.name})`);
  }
  if (cut.filter !== undefined) {
    const kept = new Set(entitySlice(events, cut.filter));
    subset = subset.filter((i) => kept.has(i));
    words.push(describeFilter(cut.filter));
  }
  // An alert judged at the end of the trace belongs to a filtered view when it is about the same entity.
  const sameEntity = (a: Alert): boolean => a.event === undefined && cut.filter !== undefined && a.binding !== undefined &&
    Object.hasOwn(a.binding, cut.filter.key) && JSON.stringify(a.binding[cut.filter.key]) === JSON.stringify(cut.filter.value);
  const inCut = (): ((a: Alert) => boolean) => {
    const inView = new Set(subset.map((i) => `${events[i]!.proc}#${events[i]!.seq}`));
    return (a) => a === cut.around || (a.event !== undefined && inView.has(`${a.event.proc}#${a.event.seq}`)) || (cut.around === undefined && sameEntity(a));
  };
  const alerts = cut.around === undefined && cut.filter === undefined ? timeline.alerts : timeline.alerts.filter(inCut());
  const projected = projectClocks(events, subset);
  return {
    timeline, subset, projected, arrows: messageArrows(projected), alerts,
    ...(cut.around === undefined ? {} : { focus: cut.around }), ...(words.length === 0 ? {} : { cut: words.join(', ') }),
  };
}
