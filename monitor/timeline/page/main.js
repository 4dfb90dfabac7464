// Wires the page: the view (all events, or one entity's slice), the selection, and a read-only
// handle for tests and tools (window.specwatchTimeline).
/* global document, window, ResizeObserver */
import { loadTimeline } from './page-model.js';
import { viewOf, causalCone } from './causal-view.js';
import { Diagram } from './diagram.js';
import { renderSummary, renderLaneHeads, renderAlertList } from './panels.js';
import { showEvent, showAlert, showNothing } from './details.js';

const $ = (id) => document.getElementById(id);
const model = loadTimeline(document);
const diagram = new Diagram(model, $('canvas'), $('scroller'), $('spacer'));
const everything = Int32Array.from({ length: model.n }, (_, i) => i);
let view = null;
let selected = -1;
let chosenAlert = -1;

function show(visible) {
  view = viewOf(model, visible);
  const shown = new Set(visible);
  const endAlerts = [];
  model.data.alerts.forEach((alert, k) => {
    if (alert.at < 0 && (visible.length === model.n || alert.history.some((at) => shown.has(at)))) endAlerts.push(k);
  });
  diagram.setView(view, endAlerts);
  renderSummary(model, view, document);
  renderLaneHeads(model, view, $('lane-strip'));
}

function chooseEvent(at) {
  selected = at;
  chosenAlert = -1;
  diagram.chosenAlert = -1;
  const marks = causalCone(model, at);
  diagram.setMarks(marks);
  if (view.row[at] >= 0) diagram.reveal(at);
  showEvent(model, at, marks, $('detail-body'), chooseAlert);
  markChosenAlert();
}

function chooseAlert(k) {
  const alert = model.data.alerts[k];
  selected = -1;
  chosenAlert = k;
  diagram.chosenAlert = k;
  const marks = new Uint8Array(model.n);
  for (const at of alert.history) marks[at] = 4;
  if (alert.at >= 0) marks[alert.at] = 3;
  diagram.setMarks(marks);
  diagram.reveal(alert.at >= 0 && view.row[alert.at] >= 0 ? alert.at : -1, k);
  showAlert(model, k, $('detail-body'), chooseEvent, () => {
    const only = Int32Array.from(new Set(alert.history.concat(alert.at >= 0 ? [alert.at] : []))).sort();
    applyFilter(only, `alert ${alert.id}: ${only.length} events`);
    diagram.reveal(alert.at >= 0 ? alert.at : -1, k);
  });
  markChosenAlert();
}

function markChosenAlert() {
  for (const button of document.querySelectorAll('#alert-list button')) button.classList.toggle('chosen', button.dataset.alert === model.data.alerts[chosenAlert]?.id);
}

function clearSelection() {
  selected = -1;
  chosenAlert = -1;
  diagram.chosenAlert = -1;
  diagram.setMarks(null);
  showNothing($('detail-body'));
  markChosenAlert();
}

function applyFilter(visible, status, problem = false) {
  show(visible);
  $('filter-status').textContent = status;
  $('filter-status').classList.toggle('problem', problem);
}

/** `key = value`: the value read as JSON when it is JSON (1, "a", true), else as text. */
function filterFrom(text) {
  const match = /^\s*([^=\s][^=]*?)\s*=\s*(.*?)\s*$/s.exec(text);
  if (match === null || match[2] === '') return null;
  let value = match[2];
  try {
    value = JSON.parse(match[2]);
  } catch {
    // Plain text: `op = edit` means the string "edit".
  }
  return { key: match[1], value };
}

function onFilter(event) {
  event.preventDefault();
  const text = $('filter').value;
  if (text.trim() === '') return applyFilter(everything, '');
  const filter = filterFrom(text);
  if (filter === null) return applyFilter(view.visible, 'write the filter as key = value, e.g. id = 1', true);
  const wanted = JSON.stringify(filter.value);
  const visible = everything.filter((at) => {
    const params = model.data.ev.k[at];
    return Object.hasOwn(params, filter.key) && JSON.stringify(params[filter.key]) === wanted;
  });
  if (visible.length === 0) return applyFilter(view.visible, `no event has ${filter.key} = ${wanted}`, true);
  applyFilter(visible, `${filter.key} = ${wanted}: ${visible.length.toLocaleString('en-US')} of ${model.n.toLocaleString('en-US')} events`);
}

$('filter-form').addEventListener('submit', onFilter);
$('show-all').addEventListener('click', () => {
  $('filter').value = '';
  applyFilter(everything, '');
});
$('clear-selection').addEventListener('click', clearSelection);
$('scroller').addEventListener('scroll', () => ($('lane-strip').style.transform = `translateX(${-$('scroller').scrollLeft}px)`));
$('scroller').addEventListener('click', (event) => {
  const hit = diagram.hit(event.clientX, event.clientY);
  if (hit !== null && hit.event !== undefined) chooseEvent(hit.event);
  else if (hit !== null) chooseAlert(hit.alert);
});
document.addEventListener('keydown', (event) => event.key === 'Escape' && clearSelection());
new ResizeObserver(() => diagram.request()).observe($('scroller'));

renderAlertList(model, $('alert-list'), chooseAlert);
show(everything);
showNothing($('detail-body'));
if (model.data.focus >= 0) chooseAlert(model.data.focus);

const ids = (wanted) => Array.from(everything).filter((at) => diagram.marks !== null && diagram.marks[at] === wanted).map(model.id);
let position = null;
const positionOf = (id) => (position ||= new Map(Array.from(everything, (at) => [model.id(at), at]))).get(id);
window.specwatchTimeline = Object.freeze({
  summary: () => ({ lanes: view.lanes.length, events: view.visible.length, messages: view.arrows.length, rows: view.rows, alerts: model.data.alerts.length }),
  laneNames: () => view.lanes.map((proc) => model.data.procs[proc]),
  visibleEvents: () => Array.from(view.visible, model.id),
  highlighted: () => ({ selected: selected < 0 ? null : model.id(selected), alert: chosenAlert < 0 ? null : model.data.alerts[chosenAlert].id, past: ids(1), future: ids(2), focus: ids(4) }),
  locate: (id) => (positionOf(id) === undefined ? null : diagram.locate(positionOf(id))),
  frames: () => ({ count: diagram.frames, firstDrawAt: diagram.firstDrawAt, lastDrawMs: diagram.drawMs, drawnRows: diagram.drawnRows, rows: diagram.view === null ? 0 : diagram.view.rows }),
});
