// The page's model: the embedded data (see page-data.ts), with every event's rank on its process
// and its full clock rebuilt from the entries that rose, packed into one typed array.

/** Entry `proc` of event `at`'s clock: a binary search in its sorted (proc, count) pairs. */
export function clockEntry(model, at, proc) {
  let low = model.clockStart[at] / 2;
  let high = model.clockStart[at + 1] / 2;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const other = model.pool[middle * 2];
    if (other === proc) return model.pool[middle * 2 + 1];
    if (other < proc) low = middle + 1;
    else high = middle;
  }
  return 0;
}

/** `id=1 op=edit` for a label: short, in the event's own key order. */
export function paramsText(params) {
  if (params === null || typeof params !== 'object') return '';
  return Object.keys(params).map((key) => {
    const value = params[key];
    return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }).join(' ');
}

/** Sets entry `proc` of the sorted pairs in pool[from, end) to at least `count`; returns the new end. */
function raise(pool, from, end, proc, count) {
  let at = from;
  while (at < end && pool[at] < proc) at += 2;
  if (at < end && pool[at] === proc) {
    pool[at + 1] = Math.max(pool[at + 1], count);
    return end;
  }
  pool.copyWithin(at + 2, at, end);
  pool[at] = proc;
  pool[at + 1] = count;
  return end + 2;
}

/** Each clock = the previous clock of its process, raised by the entries sent for it, kept as sorted (proc, count) pairs. */
function rebuildClocks(ev, procCount) {
  const n = ev.p.length;
  const rank = new Int32Array(n);
  const clockStart = new Int32Array(n + 1);
  const lastOf = new Int32Array(procCount).fill(-1);
  let pool = new Int32Array(Math.max(64, n * 8));
  let used = 0;
  for (let i = 0; i < n; i++) {
    const proc = ev.p[i];
    const rises = ev.r[i];
    const previous = lastOf[proc];
    const from = previous < 0 ? 0 : clockStart[previous];
    const size = previous < 0 ? 0 : clockStart[previous + 1] - from;
    if (used + size + rises.length + 2 > pool.length) {
      const grown = new Int32Array(Math.max(pool.length * 2, used + size + rises.length + 2));
      grown.set(pool);
      pool = grown;
    }
    pool.copyWithin(used, from, from + size);
    clockStart[i] = used;
    let end = used + size;
    rank[i] = (previous < 0 ? 0 : rank[previous]) + 1;
    for (let k = 0; k < rises.length; k += 2) end = raise(pool, used, end, rises[k], rises[k + 1]);
    end = raise(pool, used, end, proc, rank[i]);
    used = end;
    clockStart[i + 1] = used;
    lastOf[proc] = i;
  }
  return { rank, clockStart, pool };
}

/** Lanes grouped by service, services and their processes in order of first appearance. */
function laneOrder(data) {
  const groups = new Map();
  const seen = new Set();
  for (const proc of data.ev.p) {
    if (seen.has(proc)) continue;
    seen.add(proc);
    const service = data.services[proc] === null ? '' : data.services[proc];
    if (!groups.has(service)) groups.set(service, []);
    groups.get(service).push(proc);
  }
  return [].concat(...groups.values());
}

export function loadTimeline(doc) {
  const data = JSON.parse(doc.getElementById('timeline-data').textContent);
  const clocks = rebuildClocks(data.ev, data.procs.length);
  const alertsAt = new Map();
  data.alerts.forEach((alert, k) => {
    if (alert.at >= 0) alertsAt.set(alert.at, (alertsAt.get(alert.at) || []).concat([k]));
  });
  return {
    data,
    n: data.ev.p.length,
    procCount: data.procs.length,
    proc: data.ev.p,
    rank: clocks.rank,
    clockStart: clocks.clockStart,
    pool: clocks.pool,
    lanes: laneOrder(data),
    alertsAt,
    id: (at) => `${data.procs[data.ev.p[at]]}#${data.ev.s[at]}`,
    label: (at) => `${data.actions[data.ev.a[at]]} ${paramsText(data.ev.k[at])}`,
  };
}
