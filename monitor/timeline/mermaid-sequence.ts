import { INPUT_PROBLEMS, alertLabel, alertsByEvent } from './alert-labels.ts';
import type { TimelineView } from './timeline-view.ts';

const MAX_LABEL = 160;

/**
 * Text as Mermaid shows it literally: everything but letters, digits and a few marks becomes an
 * entity code (#59; for ";"), so event content can neither end a statement nor inject markup.
 */
export function mermaidText(text: string): string {
  const short = text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL)}…` : text;
  let out = '';
  for (const c of short) out += /^[A-Za-z0-9 _.,@=:'-]$/.test(c) ? c : `#${c.codePointAt(0)};`;
  return out;
}

/**
 * The view as a Mermaid sequence diagram for an incident document: one participant per process,
 * each event a note on it, each message an arrow at its receive, the alerts' events in red.
 */
export function mermaidSequence(view: TimelineView): string {
  const events = view.timeline.events;
  const alerts = alertsByEvent(view.alerts);
  const participants = new Map<string, string>();
  for (const p of view.projected) {
    const event = events[p.index]!;
    if (!participants.has(event.proc)) participants.set(event.proc, `P${participants.size}`);
  }
  const lines = ['sequenceDiagram'];
  if (view.cut !== undefined) lines.push(`    title ${mermaidText(view.cut)}`);
  for (const [proc, id] of participants) {
    const service = events.find((e) => e.proc === proc)?.service;
    lines.push(`    participant ${id} as ${mermaidText(service === undefined ? proc : `${proc} (${service})`)}`);
  }
  const incoming = new Map<number, number[]>();
  for (const arrow of view.arrows) incoming.set(arrow.to, [...(incoming.get(arrow.to) ?? []), arrow.from]);
  view.projected.forEach((p, at) => {
    const event = events[p.index]!;
    const to = participants.get(event.proc)!;
    for (const from of incoming.get(at) ?? []) {
      const sender = events[view.projected[from]!.index]!;
      lines.push(`    ${participants.get(sender.proc)}->>${to}: ${mermaidText(`after #${sender.seq} ${sender.action}`)}`);
    }
    const note = `    Note over ${to}: ${mermaidText(`#${event.seq} ${event.action} ${JSON.stringify(event.params)}`)}`;
    const raised = alerts.get(`${event.proc}#${event.seq}`) ?? [];
    if (raised.length === 0) lines.push(note);
    else lines.push('    rect rgb(255, 215, 215)', note, ...raised.map((a) => `    Note over ${to}: ${mermaidText(alertLabel(a))}`), '    end');
  });
  for (const alert of view.alerts.filter((a) => a.event === undefined)) {
    const ids = [...participants.values()];
    const when = INPUT_PROBLEMS.has(alert.kind) ? 'in the input' : 'at the end of the trace';
    if (ids.length > 0) lines.push(`    Note over ${ids[0]}${ids.length > 1 ? `,${ids.at(-1)}` : ''}: ${mermaidText(`${when}: ${alertLabel(alert)}`)}`);
  }
  return `${lines.join('\n')}\n`;
}
