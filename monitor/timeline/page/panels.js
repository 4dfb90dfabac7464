// The page's text: summary header, lane heads, alert list and the details of a selection. Every
// string from the trace goes in through textContent, never as markup.
/* global document */
import { LANE_WIDTH, GUTTER } from './diagram.js';
import { alertLine } from './diagram-events.js';

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export const json = (value) => element('pre', '', JSON.stringify(value, null, 2));
export const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;
export const wallTime = (data, t) => (t === null || data.t0 === null ? 'unknown' : new Date(data.t0 + t).toISOString());

export function renderSummary(model, view, doc) {
  const data = model.data;
  doc.getElementById('title').textContent = data.title;
  doc.title = `specwatch timeline: ${data.title}`;
  const services = new Set(view.lanes.map((p) => data.services[p]));
  let first = Infinity;
  let last = -Infinity;
  for (const at of view.visible) {
    const t = data.ev.t[at];
    if (t !== null) [first, last] = [Math.min(first, t), Math.max(last, t)];
  }
  const span = first > last ? 'no wall times' : `${wallTime(data, first)} to ${wallTime(data, last)} (${((last - first) / 1000).toFixed(3)} s, a hint only)`;
  doc.getElementById('facts').textContent = `${plural(view.lanes.length, 'process')} in ${plural(services.size, 'service')} · ` +
    `${plural(view.visible.length, 'event')} · ${plural(view.arrows.length, 'message')} · ${span}` +
    `${data.spec === null ? '' : ` · checked against ${data.spec}`}${data.cut === null ? '' : ` · cut ${data.cut}`}`;
  const kinds = doc.getElementById('alert-kinds');
  kinds.replaceChildren();
  const counts = new Map();
  for (const alert of data.alerts) counts.set(alert.kind, (counts.get(alert.kind) || 0) + 1);
  if (counts.size === 0) kinds.append(element('span', 'empty', 'no alerts'));
  for (const [kind, n] of counts) kinds.append(element('span', 'kind', `${n} ${kind}`));
  const notes = [];
  if (data.limits.cuts > 0) notes.push(`${plural(data.limits.cuts, 'long value')} cut to ${data.limits.maxString} characters (marked "…[cut"); --max-string shows more.`);
  doc.getElementById('notes').textContent = notes.join(' ');
}

export function renderLaneHeads(model, view, strip) {
  strip.replaceChildren(element('div', 'gutter-head', 'time (hint)'));
  let start = 0;
  view.lanes.forEach((proc, i) => {
    const lane = element('div', 'lane', model.data.procs[proc]);
    lane.title = model.data.procs[proc];
    lane.style.left = `${GUTTER + i * LANE_WIDTH}px`;
    lane.style.width = `${LANE_WIDTH}px`;
    strip.append(lane);
    const service = model.data.services[proc];
    if (i + 1 === view.lanes.length || model.data.services[view.lanes[i + 1]] !== service) {
      const group = element('div', 'service', service === null ? '(no service)' : service);
      group.style.left = `${GUTTER + start * LANE_WIDTH}px`;
      group.style.width = `${(i + 1 - start) * LANE_WIDTH - 6}px`;
      strip.append(group);
      start = i + 1;
    }
  });
  strip.style.width = `${GUTTER + (view.lanes.length + 2) * LANE_WIDTH}px`;
}

export function renderAlertList(model, list, choose) {
  list.replaceChildren();
  if (model.data.alerts.length === 0) list.append(element('li', 'empty', 'none'));
  model.data.alerts.forEach((alert, k) => {
    const button = element('button');
    button.type = 'button';
    button.dataset.alert = alert.id;
    button.append(element('div', 'what', `✗ ${alertLine(alert)}`), element('div', 'note', `${alert.event ?? (alert.at >= 0 ? model.id(alert.at) : alert.kind === 'malformed' || alert.kind === 'late' ? 'a record not drawn' : 'when the trace ended')} · ${alert.id}`));
    button.addEventListener('click', () => choose(k));
    list.append(element('li', '', undefined));
    list.lastChild.append(button);
  });
}
