// The diagram's messages: an arrow from each sender to its receive, coloured by the selection.
import { Diagram, COLORS, RADIUS } from './diagram.js';

Object.assign(Diagram.prototype, {
  drawArrows(g, first, last) {
    const { arrows, row, longest } = this.view;
    let low = 0;
    let high = arrows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (row[arrows[middle][1]] < first) low = middle + 1;
      else high = middle;
    }
    for (let k = low; k < arrows.length && row[arrows[k][1]] <= last + longest; k++) {
      const [from, to] = arrows[k];
      if (row[from] > last) continue;
      const color = this.arrowColor(from, to);
      g.globalAlpha = color === null ? 0.25 : 1;
      this.arrow(g, this.x(from), this.y(from), this.x(to), this.y(to), color || COLORS.arrow, color === null || color === COLORS.arrow ? 1 : 2);
    }
    g.globalAlpha = 1;
  },

  /** Highlighted when both ends are in the same highlighted set; dimmed (null) when only others are. */
  arrowColor(from, to) {
    if (this.marks === null) return COLORS.arrow;
    const a = this.marks[from];
    const b = this.marks[to];
    if (a === 0 || b === 0) return null;
    if ((a === 1 || a === 3) && (b === 1 || b === 3)) return COLORS.past;
    if ((a === 2 || a === 3) && (b === 2 || b === 3)) return COLORS.future;
    if (a === 4 || b === 4) return COLORS.focus;
    return COLORS.arrow;
  },

  arrow(g, x1, y1, x2, y2, color, width) {
    const angle = Math.atan2(y2 - y1, x2 - x1);
    const endX = x2 - Math.cos(angle) * (RADIUS + 1);
    const endY = y2 - Math.sin(angle) * (RADIUS + 1);
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = width;
    g.beginPath();
    g.moveTo(x1, y1);
    g.lineTo(endX, endY);
    g.stroke();
    g.beginPath();
    g.moveTo(endX, endY);
    g.lineTo(endX - 9 * Math.cos(angle - 0.4), endY - 9 * Math.sin(angle - 0.4));
    g.lineTo(endX - 9 * Math.cos(angle + 0.4), endY - 9 * Math.sin(angle + 0.4));
    g.closePath();
    g.fill();
  },
});
