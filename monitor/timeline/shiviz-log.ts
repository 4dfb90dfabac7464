import { alertLabel, alertsByEvent } from './alert-labels.ts';
import type { TimelineView } from './timeline-view.ts';

/**
 * ShiViz (https://bestchai.bitbucket.io/shiviz/) reads a file whose first line is the parser
 * regular expression, whose second is the delimiter of several executions (empty: one), then the
 * log. One line per event here, so event text never needs a second line.
 */
export const SHIVIZ_REGEX = String.raw`(?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)`;

// ShiViz turns every "(" not followed by "?" into a group, and its clock must start at 1 per host
// with no gaps: hence projected clocks, and host names without spaces, braces or parentheses.
const hostName = (proc: string): string => proc.replace(/[^A-Za-z0-9@._:+-]/g, (c) => `%${c.codePointAt(0)!.toString(16).toUpperCase().padStart(2, '0')}`);

// `.` in a JavaScript regular expression stops at these, and ShiViz's event group is `.*`.
const oneLine = (text: string): string => text.replace(/[\r\n\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The view as a ShiViz log: regex line, empty delimiter line, then `host clock event` per event. */
export function shivizLog(view: TimelineView): string {
  const events = view.timeline.events;
  const alerts = alertsByEvent(view.alerts);
  const lines = [SHIVIZ_REGEX, ''];
  for (const projected of view.projected) {
    const event = events[projected.index]!;
    const clock = Object.fromEntries(Object.entries(projected.clock).map(([proc, count]) => [hostName(proc), count]));
    const raised = (alerts.get(`${event.proc}#${event.seq}`) ?? []).map((a) => ` [ALERT ${alertLabel(a)}]`).join('');
    lines.push(`${hostName(event.proc)} ${JSON.stringify(clock)} ${oneLine(`${event.action} ${JSON.stringify(event.params)} (${event.proc}#${event.seq})${raised}`)}`);
  }
  return `${lines.join('\n')}\n`;
}
