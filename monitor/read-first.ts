import type { DecodedItem } from './trace-items.ts';

/**
 * Which of two inputs' next records to read first, when merging files or Kafka partitions:
 * malformed records at once; then events by their wall time, then by clock sum. The time is a
 * hint for what to read next, never an order: causal ordering and the checker decide that. It
 * keeps concurrent events about as close as they happened, which a clock sum alone does not
 * (a process that hears little has a small one), and the checker reorders only within a window.
 */
export function readFirst(a: DecodedItem, b: DecodedItem): boolean {
  if (a.type !== 'event') return b.type === 'event';
  if (b.type !== 'event') return false;
  const ta = a.event.time ?? -Infinity;
  const tb = b.event.time ?? -Infinity;
  return ta !== tb ? ta < tb : a.clockSum < b.clockSum;
}
