import type { OrderedItem } from './trace-items.ts';

/**
 * What became of every record. Each one ends as exactly one outcome, so `records` is their sum;
 * gaps count missing events, which were never records.
 */
export class OrderTally {
  delivered = 0;
  releasedAfterGap = 0;
  duplicate = 0;
  conflict = 0;
  malformed = 0;
  late = 0;
  gaps = 0;
  missingEvents = 0;

  add(item: OrderedItem): void {
    if (item.type === 'delivered') {
      if (item.afterGap) this.releasedAfterGap++;
      else this.delivered++;
      return;
    }
    switch (item.kind) {
      case 'gap':
        this.gaps++;
        this.missingEvents += item.toSeq - item.fromSeq + 1;
        return;
      default:
        this[item.kind]++;
    }
  }

  get records(): number {
    return this.delivered + this.releasedAfterGap + this.duplicate + this.conflict + this.malformed + this.late;
  }

  /** Duplicates are expected of at-least-once transports; everything else deserves attention. */
  get clean(): boolean {
    return this.conflict + this.malformed + this.late + this.gaps === 0;
  }

  summary(): string {
    const n = (count: number): string => count.toLocaleString('en-US');
    const parts = [`${n(this.delivered)} delivered`];
    if (this.releasedAfterGap > 0) parts.push(`${n(this.releasedAfterGap)} released after a gap`);
    for (const [count, label] of [[this.duplicate, 'duplicate'], [this.conflict, 'conflict'], [this.malformed, 'malformed'], [this.late, 'late']] as const) {
      if (count > 0) parts.push(`${n(count)} ${label}`);
    }
    const gaps = this.gaps > 0 ? `; ${n(this.gaps)} gap${this.gaps === 1 ? '' : 's'} (${n(this.missingEvents)} missing events)` : '';
    return `${n(this.records)} records: ${parts.join(', ')}${gaps}`;
  }
}
