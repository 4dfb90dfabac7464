import type { TimelineView } from './timeline-view.ts';

/**
 * The view as one JSON document, for other tools: the events with their original clocks, the
 * arrows between them (by `proc` and `seq`), the alerts, and the states met when a spec was given.
 */
export function timelineJson(view: TimelineView): string {
  const { timeline } = view;
  const ref = (at: number) => {
    const event = timeline.events[view.projected[at]!.index]!;
    return { proc: event.proc, seq: event.seq };
  };
  const processes = new Map<string, { proc: string; service?: string; events: number }>();
  const events = view.subset.map((index) => {
    const event = timeline.events[index]!;
    const lane = processes.get(event.proc) ?? { proc: event.proc, ...(event.service === undefined ? {} : { service: event.service }), events: 0 };
    lane.events++;
    processes.set(event.proc, lane);
    const met = timeline.states?.[index];
    return {
      proc: event.proc, seq: event.seq, vc: event.vc, action: event.action, params: event.params,
      ...(event.service === undefined ? {} : { service: event.service }), ...(event.time === undefined ? {} : { time: event.time }),
      ...(met === undefined ? {} : { met: { state: JSON.parse(met.stateJson) as unknown, ...(met.localJson === undefined ? {} : { local: JSON.parse(met.localJson) as unknown }), ...(met.disabledBy === undefined ? {} : { disabledBy: met.disabledBy }) } }),
    };
  });
  return `${JSON.stringify({
    format: 'specwatch-timeline', version: 1, sources: timeline.sources,
    ...(timeline.spec === undefined ? {} : { spec: timeline.spec }), ...(view.cut === undefined ? {} : { cut: view.cut }),
    processes: [...processes.values()], events,
    arrows: view.arrows.map((a) => ({ from: ref(a.from), to: ref(a.to) })),
    alerts: view.alerts,
  })}\n`;
}
