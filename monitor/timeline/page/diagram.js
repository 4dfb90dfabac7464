// The space-time diagram on a canvas: one lane per process, one row per causal layer. Only the
// rows and lanes in sight are drawn, so 100,000 events scroll as smoothly as ten.
/* global requestAnimationFrame, performance, window */

export const LANE_WIDTH = 210;
export const ROW_HEIGHT = 38;
export const GUTTER = 92;
export const TOP = 16;
export const RADIUS = 6;
// A row with an alert is taller: the alert and the state it met are written under its event.
const ALERT_ROOM = 40;
// Alerts judged when the trace ended: a band each, below the last row.
export const END_BAND = 50;
export const COLORS = { line: '#cbd5e0', event: '#4a5568', text: '#1a202c', soft: '#718096', arrow: '#a0aec0', past: '#2b6cb0', future: '#dd6b20', self: '#111111', focus: '#805ad5', alert: '#e53e3e' };
export const MARK_COLOR = [null, COLORS.past, COLORS.future, COLORS.self, COLORS.focus];

export class Diagram {
  constructor(model, canvas, scroller, spacer) {
    Object.assign(this, { model, canvas, scroller, spacer, marks: null, endAlerts: [], view: null, frames: 0, firstDrawAt: 0, drawMs: 0, drawnRows: 0, pending: false });
    this.context = canvas.getContext('2d');
    scroller.addEventListener('scroll', () => this.request());
  }

  setView(view, endAlerts) {
    this.view = view;
    this.endAlerts = endAlerts;
    this.rowTop = new Float64Array(view.rows + 1);
    for (let r = 0; r < view.rows; r++) {
      let alerted = false;
      for (let k = view.rowStart[r]; k < view.rowStart[r + 1] && !alerted; k++) alerted = this.model.alertsAt.has(view.rowEvents[k]);
      this.rowTop[r + 1] = this.rowTop[r] + ROW_HEIGHT + (alerted ? ALERT_ROOM : 0);
    }
    // Each lane is drawn from its first event to its last: a process that stopped is seen to stop.
    this.laneEnds = new Int32Array(view.lanes.length * 2).fill(-1);
    for (const at of view.visible) {
      const lane = view.laneOf[this.model.proc[at]];
      if (this.laneEnds[lane * 2] < 0) this.laneEnds[lane * 2] = at;
      this.laneEnds[lane * 2 + 1] = at;
    }
    this.spacer.style.width = `${GUTTER + view.lanes.length * LANE_WIDTH + 2 * LANE_WIDTH}px`;
    this.spacer.style.height = `${this.endY(endAlerts.length + 1)}px`;
    this.request();
  }

  /** The row at a height of the diagram (the last row whose top is above it). */
  rowAt(y) {
    let low = 0;
    let high = this.view.rows;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (TOP + this.rowTop[middle] <= y) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Top of the i-th band below the last row (alerts judged at the end of the trace). */
  endY(i) { return TOP + this.rowTop[this.view.rows] + 8 + i * END_BAND; }

  /** 1 past, 2 future, 3 selected, 4 focus of an alert, per event; null: nothing selected. */
  setMarks(marks) {
    this.marks = marks;
    this.request();
  }

  x(at) { return GUTTER + this.view.laneOf[this.model.proc[at]] * LANE_WIDTH + 16; }
  y(at) { return TOP + this.rowTop[this.view.row[at]] + ROW_HEIGHT / 2; }

  request() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const started = performance.now();
    const { canvas, context: g, scroller } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = scroller.clientWidth;
    const height = scroller.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    if (this.view !== null) {
      const left = scroller.scrollLeft;
      const top = scroller.scrollTop;
      const first = Math.max(0, this.rowAt(top) - 1);
      const last = Math.min(this.view.rows - 1, this.rowAt(top + height) + 1);
      this.drawnRows = last - first + 1;
      g.save();
      g.translate(-left, -top);
      this.drawLanes(g, left, width, top, height);
      this.drawArrows(g, first, last);
      this.drawEvents(g, first, last);
      this.drawEndAlerts(g, left, width);
      g.restore();
      this.drawGutter(g, first, last, top, height);
    }
    this.frames++;
    this.drawMs = performance.now() - started;
    if (this.firstDrawAt === 0) this.firstDrawAt = performance.now();
  }

  drawLanes(g, left, width, top, height) {
    g.strokeStyle = COLORS.line;
    g.lineWidth = 1;
    const lanes = this.view.lanes;
    const from = Math.max(0, Math.floor((left - GUTTER) / LANE_WIDTH));
    const to = Math.min(lanes.length - 1, Math.ceil((left + width - GUTTER) / LANE_WIDTH));
    for (let lane = from; lane <= to; lane++) {
      const x = GUTTER + lane * LANE_WIDTH + 16.5;
      const start = this.y(this.laneEnds[lane * 2]);
      const end = this.y(this.laneEnds[lane * 2 + 1]);
      if (end < top || start > top + height) continue;
      g.beginPath();
      g.moveTo(x, Math.max(top, start));
      g.lineTo(x, Math.min(top + height, end + ROW_HEIGHT / 2));
      g.moveTo(x - 7, end + ROW_HEIGHT / 2);
      g.lineTo(x + 7, end + ROW_HEIGHT / 2);
      g.stroke();
    }
  }
}
