import { eventName } from '../instrumentation/format.ts';
import type { Diagnostic, Origin } from './trace-items.ts';

export function describeOrigin(origin: Origin): string {
  // '-' is how stdin is named on the command line; '(stdin)' reads better in a message, as ltl says it.
  if (origin.line !== undefined) return `${origin.source === '-' ? '(stdin)' : origin.source}:${origin.line}`;
  if (origin.partition !== undefined) return `${origin.source}[${origin.partition}]@${origin.offset ?? '?'}`;
  return origin.source;
}

const CAUSES = { 'held-limit': 'the hold limit was reached', timeout: 'the hold timeout passed', 'end-of-input': 'the input ended' };

/** One readable line per diagnostic: where, what, and why. */
export function describeDiagnostic(d: Diagnostic): string {
  switch (d.kind) {
    case 'malformed': {
      const which = d.proc !== undefined && d.seq !== undefined ? ` (event ${eventName(d.proc, d.seq)})` : '';
      return `${describeOrigin(d.origin)}: malformed${which}: ${d.field}: expected ${d.expected}, got ${d.got}`;
    }
    case 'duplicate':
      return `${describeOrigin(d.origin)}: duplicate of ${eventName(d.proc, d.seq)}, dropped${d.compared ? '' : ' (too old to compare content)'}`;
    case 'conflict': {
      const fields = d.fields.length > 0 ? ` (differs in ${d.fields.join(', ')})` : '';
      const kept = d.kept === undefined ? 'the copy already delivered' : describeOrigin(d.kept);
      return `${describeOrigin(d.rejected)}: conflict: ${eventName(d.proc, d.seq)} has different content than ${kept}${fields}; kept ${kept}`;
    }
    case 'gap': {
      const range = d.fromSeq === d.toSeq ? eventName(d.proc, d.fromSeq) : `${eventName(d.proc, d.fromSeq)}..${d.toSeq}`;
      const count = d.toSeq - d.fromSeq + 1;
      return `gap: ${range} never arrived (${count} event${count === 1 ? '' : 's'}), needed by ${eventName(d.neededBy.proc, d.neededBy.seq)}; released when ${CAUSES[d.cause]}`;
    }
    case 'late':
      return `${describeOrigin(d.origin)}: late: ${eventName(d.proc, d.seq)} arrived after its gap was reported; not delivered`;
  }
}
