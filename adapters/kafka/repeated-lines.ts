/**
 * Quiets a line that repeats: kafkajs logs the same connection error on every retry, which for
 * an unreachable broker is dozens of identical lines. The first of each passes; repeats within
 * `quietMs` are counted, and the next one after that passes with the count.
 */
export class RepeatedLines {
  private readonly seen = new Map<string, { since: number; repeats: number }>();

  constructor(
    private readonly quietMs = 30_000,
    private readonly now: () => number = Date.now,
    /** Distinct lines remembered; the oldest is forgotten past this (lines carry broker names, offsets). */
    private readonly capacity = 64,
  ) {}

  /** The line to print, or undefined to hold it back. */
  pass(line: string): string | undefined {
    const now = this.now();
    const entry = this.seen.get(line);
    if (entry !== undefined && now - entry.since < this.quietMs) {
      entry.repeats++;
      return undefined;
    }
    this.seen.delete(line); // re-inserted last: the Map's order is then oldest first
    this.seen.set(line, { since: now, repeats: 0 });
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    if (entry === undefined || entry.repeats === 0) return line;
    return `${line} (${entry.repeats} more time${entry.repeats === 1 ? '' : 's'} in the last ${Math.round((now - entry.since) / 1000)} s)`;
  }
}
