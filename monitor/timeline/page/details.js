// The side panel's details: one event (what it did, the state it met, its past and future) or one alert.
import { element, json, plural, wallTime } from './panels.js';
import { alertLine } from './diagram-events.js';

/** JSON sent as text (states): pretty when it parses, as it is when it was cut. */
function jsonText(text) {
  try {
    return json(JSON.parse(text));
  } catch {
    return element('pre', '', text);
  }
}

export function showNothing(body) {
  body.replaceChildren(element('p', 'empty', 'Click an event to see its causal past (blue) and future (orange), or an alert to see its causal history.'));
}

export function showEvent(model, at, marks, body, chooseAlert) {
  const data = model.data;
  let past = 0;
  let future = 0;
  for (const m of marks) {
    if (m === 1) past++;
    else if (m === 2) future++;
  }
  const facts = element('dl');
  const fact = (name, value) => facts.append(element('dt', '', name), element('dd', '', value));
  fact('process', data.procs[data.ev.p[at]]);
  fact('service', data.services[data.ev.p[at]] === null ? '(none)' : data.services[data.ev.p[at]]);
  fact('wall time', `${wallTime(data, data.ev.t[at])} (a hint: clocks, not times, order events)`);
  fact('causal past', plural(past, 'event'));
  fact('causal future', plural(future, 'event'));
  body.replaceChildren(element('div', 'detail-title', `${model.id(at)} ${data.actions[data.ev.a[at]]}`), facts, element('h2', '', 'params'), json(data.ev.k[at]));
  for (const k of model.alertsAt.get(at) || []) {
    const alert = data.alerts[k];
    const open = element('button', '', 'show the alert');
    open.type = 'button';
    open.addEventListener('click', () => chooseAlert(k));
    body.append(element('div', 'guard', `✗ ${alertLine(alert)}`), element('p', 'note', alert.reason), open);
  }
  const met = data.states === null ? null : data.states[at];
  if (met !== null && met !== undefined) {
    body.append(element('h2', '', 'state met'), element('p', 'note', 'Replaying the events in the order they arrived; the checker may explain concurrent events in another order.'), jsonText(met.s));
    if (met.l !== undefined) body.append(element('h2', '', `local state of ${data.procs[data.ev.p[at]]}`), jsonText(met.l));
    if (met.g !== undefined) body.append(element('div', 'guard', `not enabled in this order: "${met.g}" is false`));
  }
}

export function showAlert(model, k, body, chooseEvent, showOnly) {
  const alert = model.data.alerts[k];
  const facts = element('dl');
  const fact = (name, value) => facts.append(element('dt', '', name), element('dd', '', value));
  fact('kind', `${alert.verdict} ${alert.kind}`);
  fact('event', alert.event === undefined ? 'none: judged when the trace ended' : alert.event);
  if (alert.semantics !== undefined) fact('semantics', alert.semantics);
  fact('id', alert.id);
  body.replaceChildren(element('div', 'detail-title', alertLine(alert)), element('p', '', alert.reason), facts);
  if (alert.guard !== undefined) body.append(element('div', 'guard', `guard "${alert.guard}" is false`));
  if (alert.binding !== undefined) body.append(element('h2', '', 'about'), json(alert.binding));
  if (alert.state !== undefined) body.append(element('h2', '', alert.at < 0 ? 'state at the end' : 'state met'), json(alert.state));
  const history = element('ol', 'history');
  for (const at of alert.history.concat(alert.at >= 0 ? [alert.at] : [])) {
    const item = element('button', '', `${model.id(at)} ${model.label(at)}`);
    item.type = 'button';
    item.addEventListener('click', () => chooseEvent(at));
    history.append(element('li'));
    history.lastChild.append(item);
  }
  const only = element('button', '', 'show only these events');
  only.type = 'button';
  only.addEventListener('click', showOnly);
  const heading = alert.at < 0 ? `the events about ${JSON.stringify(alert.binding ?? {})}` : 'causal history (events before it sharing a parameter value)';
  body.append(element('h2', '', heading), history, only);
}
