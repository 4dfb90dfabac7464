/**
 * What ShiViz does with a log file (DistributedClocks/shiviz: js/util/regexp.js, js/model/parser.js,
 * js/model/modelGraph.js), enough to tell whether it would load: the first line is the parser
 * regular expression (named groups rewritten as ShiViz rewrites them), the second the delimiter,
 * and each host's clock must count 1, 2, 3… and name only hosts of the log, within their counts.
 */
export interface ShivizEvent {
  readonly host: string;
  readonly clock: Record<string, number>;
  readonly event: string;
}

export function readShivizLog(file: string): ShivizEvent[] {
  const [source, delimiter, ...rest] = file.split('\n');
  if (delimiter !== '') throw new Error('ShiViz: the second line is the executions delimiter: expected it empty');
  const names: string[] = [];
  // ShiViz: every "(" not followed by "?" becomes non-capturing, then each named group a plain one.
  let pattern = source!.replace(/\((?!\?(=|!|<|:))/g, '(?:');
  for (let m = /\(\?<(\w+?)>/.exec(pattern); m !== null; m = /\(\?<(\w+?)>/.exec(pattern)) {
    names.push(m[1]!);
    pattern = pattern.replace(/\(\?<\w+?>/, '(');
  }
  if (!['host', 'clock', 'event'].every((n) => names.includes(n))) throw new Error('ShiViz: the regex lacks host, clock or event');
  const regex = new RegExp(pattern, 'gm');
  const log = rest.join('\n').trim();
  const events: ShivizEvent[] = [];
  for (let m = regex.exec(log); m !== null; m = regex.exec(log)) {
    const group = (name: string) => m![names.indexOf(name) + 1]!;
    events.push({ host: group('host'), clock: JSON.parse(group('clock')) as Record<string, number>, event: group('event') });
  }
  const counts = new Map<string, number>();
  for (const e of events) {
    if (!Object.hasOwn(e.clock, e.host)) throw new Error(`ShiViz: local host "${e.host}" is missing from its timestamp`);
    counts.set(e.host, (counts.get(e.host) ?? 0) + 1);
    if (e.clock[e.host] !== counts.get(e.host)) throw new Error(`ShiViz: clock values for host ${e.host} must increase by 1, got ${e.clock[e.host]}`);
  }
  for (const e of events) {
    for (const [host, time] of Object.entries(e.clock)) {
      if (!counts.has(host)) throw new Error(`ShiViz: unrecognized host "${host}"`);
      if (time < 1 || time > counts.get(host)!) throw new Error(`ShiViz: invalid clock value ${time} for host "${host}"`);
    }
  }
  return events;
}
