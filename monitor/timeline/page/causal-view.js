// What is drawn: the visible events projected onto themselves (their arrows and rows), and the
// causal past and future of a selected event, all from the vector clocks.
import { clockEntry } from './page-model.js';

/** How many of the sorted numbers are ≤ limit. */
function countUpTo(sorted, limit) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The senders of `at` among the visible events: for each process whose projected entry rose since
 * the previous visible event of `at`'s process, its latest visible event; minus those in the past
 * of another sender (the message came through it).
 */
function senders(model, at, visibleOf, ranksOf, previous, all) {
  const proc = model.proc[at];
  if (all) return withoutRelayed(model, risenEntries(model, at, visibleOf));
  const projected = new Map();
  for (let k = model.clockStart[at]; k < model.clockStart[at + 1]; k += 2) {
    const other = model.pool[k];
    const count = all ? model.pool[k + 1] : countUpTo(ranksOf[other] || [], model.pool[k + 1]);
    if (count > 0) projected.set(other, count);
  }
  const candidates = [];
  for (const [other, count] of projected) {
    if (other !== proc && count > (previous.get(proc)?.get(other) || 0)) candidates.push(visibleOf[other][count - 1]);
  }
  previous.set(proc, projected);
  return withoutRelayed(model, candidates);
}

/** With every event visible, the entries that rose are those the page was sent: their events are the candidates. */
function risenEntries(model, at, visibleOf) {
  const rises = model.data.ev.r[at];
  const candidates = [];
  for (let k = 0; k < rises.length; k += 2) candidates.push(visibleOf[rises[k]][rises[k + 1] - 1]);
  return candidates;
}

/** Candidates not in the past of another candidate: the message came from them directly. */
function withoutRelayed(model, candidates) {
  if (candidates.length < 2) return candidates;
  return candidates.filter((c) => !candidates.some((d) => d !== c && clockEntry(model, d, model.proc[c]) >= model.rank[c]));
}

/** Arrows and rows of the visible events (positions, ascending: a causal order); rows put each event below its past. */
export function viewOf(model, visible) {
  const all = visible.length === model.n;
  const visibleOf = [];
  for (const at of visible) (visibleOf[model.proc[at]] ||= []).push(at);
  const ranksOf = visibleOf.map((list) => (list ? Int32Array.from(list, (at) => model.rank[at]) : undefined));
  const row = new Int32Array(model.n).fill(-1);
  const lastRow = new Int32Array(model.procCount).fill(-1);
  const previous = new Map();
  const arrows = [];
  let rows = 0;
  for (const at of visible) {
    let r = lastRow[model.proc[at]] + 1;
    for (const from of senders(model, at, visibleOf, ranksOf, previous, all)) {
      arrows.push([from, at]);
      r = Math.max(r, row[from] + 1);
    }
    row[at] = r;
    lastRow[model.proc[at]] = r;
    rows = Math.max(rows, r + 1);
  }
  const rowStart = new Int32Array(rows + 1);
  for (const at of visible) rowStart[row[at] + 1]++;
  for (let r = 0; r < rows; r++) rowStart[r + 1] += rowStart[r];
  const fill = rowStart.slice(0, rows);
  const rowEvents = new Int32Array(visible.length);
  for (const at of visible) rowEvents[fill[row[at]]++] = at;
  arrows.sort((a, b) => row[a[1]] - row[b[1]]);
  const lanes = model.lanes.filter((proc) => visibleOf[proc] !== undefined);
  const laneOf = new Int32Array(model.procCount).fill(-1);
  lanes.forEach((proc, i) => (laneOf[proc] = i));
  const longest = arrows.reduce((m, [from, to]) => Math.max(m, row[to] - row[from]), 0);
  return { visible, row, rows, rowStart, rowEvents, arrows, longest, lanes, laneOf };
}

/** 1 for the causal past of `at`, 2 for its future, 3 for itself, 0 for events concurrent with it. */
export function causalCone(model, at) {
  const marks = new Uint8Array(model.n);
  const known = new Int32Array(model.procCount);
  for (let k = model.clockStart[at]; k < model.clockStart[at + 1]; k += 2) known[model.pool[k]] = model.pool[k + 1];
  const proc = model.proc[at];
  const rank = model.rank[at];
  for (let i = 0; i < model.n; i++) {
    if (i === at) marks[i] = 3;
    else if (known[model.proc[i]] >= model.rank[i]) marks[i] = 1;
    else if (clockEntry(model, i, proc) >= rank) marks[i] = 2;
  }
  return marks;
}
