// The diagram's events, the wall-time gutter, alerts judged at the end of the trace, and hit-testing.
import { Diagram, LANE_WIDTH, GUTTER, TOP, RADIUS, COLORS, MARK_COLOR, END_BAND } from './diagram.js';

const INPUT_PROBLEMS = new Set(['malformed', 'conflict', 'gap', 'late']);

/** What an alert found, in a few words: the false guard when there is one, the reason for a problem of the input. */
export function alertLine(alert) {
  if (INPUT_PROBLEMS.has(alert.kind)) return alert.reason;
  if (alert.guard !== undefined) return `${alert.name} not allowed: "${alert.guard}" is false`;
  const binding = alert.binding === undefined ? '' : ` for ${JSON.stringify(alert.binding)}`;
  return `${alert.verdict === 'violated' ? '' : 'inconclusive: '}${alert.kind} ${alert.name} violated${binding}`;
}

/** `state met: {…}` of an alert, one line, or null when it carries no state. */
function stateLine(what, alert) {
  return alert.state === undefined ? null : `${what}: ${JSON.stringify(alert.state)}`;
}

/** The text, cut with an ellipsis to fit the width. */
function fit(g, text, width) {
  if (g.measureText(text).width <= width) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (g.measureText(`${text.slice(0, middle)}…`).width <= width) low = middle;
    else high = middle - 1;
  }
  return `${text.slice(0, low)}…`;
}

Object.assign(Diagram.prototype, {
  drawEvents(g, first, last) {
    const { model, view, marks } = this;
    const data = model.data;
    for (let r = first; r <= last; r++) {
      for (let k = view.rowStart[r]; k < view.rowStart[r + 1]; k++) {
        const at = view.rowEvents[k];
        const x = this.x(at);
        const y = this.y(at);
        const mark = marks === null ? 0 : marks[at];
        g.globalAlpha = marks !== null && mark === 0 ? 0.22 : 1;
        const alerts = model.alertsAt.get(at);
        if (alerts !== undefined) {
          g.strokeStyle = COLORS.alert;
          g.lineWidth = 3;
          g.beginPath();
          g.arc(x, y, RADIUS + 4, 0, 2 * Math.PI);
          g.stroke();
        }
        g.fillStyle = mark > 0 ? MARK_COLOR[mark] : COLORS.event;
        g.beginPath();
        g.arc(x, y, mark === 3 ? RADIUS + 1.5 : RADIUS, 0, 2 * Math.PI);
        g.fill();
        const action = data.actions[data.ev.a[at]];
        g.font = '600 12px system-ui, sans-serif';
        g.fillStyle = COLORS.text;
        const room = LANE_WIDTH - 34;
        const name = fit(g, action, room);
        g.fillText(name, x + 13, y + 1);
        g.font = '11px ui-monospace, Menlo, Consolas, monospace';
        g.fillStyle = COLORS.soft;
        g.fillText(fit(g, `#${data.ev.s[at]} ${model.label(at).slice(action.length + 1)}`, room), x + 13, y + 14);
        if (alerts !== undefined) this.drawAlertNote(g, alerts, x, y);
      }
    }
    g.globalAlpha = 1;
  },

  /** The alert and the state it met under its event, in red on white (its row is taller for it), over the next lanes if it must. */
  drawAlertNote(g, alerts, x, y) {
    const alert = this.model.data.alerts[alerts[0]];
    const more = alerts.length > 1 ? ` (+${alerts.length - 1} more)` : '';
    this.redNote(g, x - 8, y + 20, 3 * LANE_WIDTH - 20, `✗ ${alertLine(alert)}${more}`, stateLine('state met', alert), alerts.includes(this.chosenAlert));
  },

  /** A red-bordered note: one bold line, and a second, plain, when there is one. */
  redNote(g, x, y, room, first, second, chosen) {
    g.font = '700 12px system-ui, sans-serif';
    const top = fit(g, first, room - 10);
    let width = g.measureText(top).width;
    g.font = '11px ui-monospace, Menlo, Consolas, monospace';
    const bottom = second === null ? null : fit(g, second, room - 10);
    if (bottom !== null) width = Math.max(width, g.measureText(bottom).width);
    g.fillStyle = '#fff5f5';
    g.fillRect(x, y, width + 10, bottom === null ? 18 : 34);
    g.strokeStyle = COLORS.alert;
    g.lineWidth = chosen ? 2.5 : 1;
    g.strokeRect(x, y, width + 10, bottom === null ? 18 : 34);
    g.fillStyle = '#c53030';
    g.font = '700 12px system-ui, sans-serif';
    g.fillText(top, x + 5, y + 13);
    if (bottom !== null) {
      g.font = '11px ui-monospace, Menlo, Consolas, monospace';
      g.fillStyle = '#742a2a';
      g.fillText(bottom, x + 5, y + 28);
    }
  },

  drawGutter(g, first, last, top, height) {
    const { model, view } = this;
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, GUTTER - 4, height);
    g.font = '11px ui-monospace, Menlo, Consolas, monospace';
    g.fillStyle = '#a0aec0';
    for (let r = first; r <= last; r++) {
      let time = null;
      for (let k = view.rowStart[r]; k < view.rowStart[r + 1] && time === null; k++) time = model.data.ev.t[view.rowEvents[k]];
      if (time !== null) g.fillText(`+${(time / 1000).toFixed(3)} s`, 6, this.y(view.rowEvents[view.rowStart[r]]) + 4 - top);
    }
  },

  drawEndAlerts(g, left, width) {
    const { model, view, endAlerts } = this;
    endAlerts.forEach((k, i) => {
      const alert = model.data.alerts[k];
      const room = Math.max(view.lanes.length * LANE_WIDTH, Math.min(width - GUTTER - 12, 3 * LANE_WIDTH));
      this.redNote(g, Math.max(GUTTER, left + GUTTER) - 4, this.endY(i) + 4, room, `✗ ${INPUT_PROBLEMS.has(alert.kind) ? 'in the input' : 'when the trace ended'}: ${alertLine(alert)}`, stateLine('state at the end', alert), this.chosenAlert === k);
    });
  },

  /** What is at a point of the page: an event, an alert judged at the end, or nothing. */
  hit(clientX, clientY) {
    const box = this.scroller.getBoundingClientRect();
    const x = clientX - box.left + this.scroller.scrollLeft;
    const y = clientY - box.top + this.scroller.scrollTop;
    if (this.view === null || y < TOP) return null;
    if (y >= this.endY(0)) {
      const band = Math.floor((y - this.endY(0)) / END_BAND);
      return band < this.endAlerts.length ? { alert: this.endAlerts[band] } : null;
    }
    const row = this.rowAt(y);
    const lane = Math.floor((x - GUTTER) / LANE_WIDTH);
    for (let k = this.view.rowStart[row]; k < this.view.rowStart[row + 1]; k++) {
      const at = this.view.rowEvents[k];
      if (this.view.laneOf[this.model.proc[at]] === lane) return { event: at };
    }
    return null;
  },

  /** Scrolls an event (or an end-of-trace alert's row) into the middle of the view. */
  reveal(at, endAlert) {
    const s = this.scroller;
    const y = at >= 0 ? this.y(at) : this.endY(Math.max(0, this.endAlerts.indexOf(endAlert)));
    const x = at >= 0 ? this.x(at) : GUTTER;
    s.scrollTop = Math.max(0, y - s.clientHeight / 2);
    s.scrollLeft = Math.max(0, x - GUTTER - Math.max(0, (s.clientWidth - GUTTER) / 2 - LANE_WIDTH));
    this.request();
  },

  /** Where an event is drawn, in page coordinates, after scrolling it into view (for tests and tools). */
  locate(at) {
    if (this.view === null || this.view.row[at] < 0) return null;
    this.reveal(at);
    const box = this.scroller.getBoundingClientRect();
    return { x: box.left + this.x(at) - this.scroller.scrollLeft, y: box.top + this.y(at) - this.scroller.scrollTop };
  },
});
