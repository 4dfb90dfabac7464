/**
 * Per partition, the offsets received and not yet finished by the pipeline. A partition may be
 * committed up to its oldest unfinished offset: at-least-once, since nothing before it is pending.
 */
export class OffsetLedger {
  private readonly partitions = new Map<number, PartitionLedger>();

  received(partition: number, offset: number): void {
    let ledger = this.partitions.get(partition);
    if (ledger === undefined) this.partitions.set(partition, (ledger = new PartitionLedger()));
    ledger.received(offset);
  }

  finished(partition: number, offset: number): void {
    this.partitions.get(partition)?.finished(offset);
  }

  /** The offset to commit per partition: the oldest unfinished one, or one past the last received. */
  committable(): Map<number, number> {
    const offsets = new Map<number, number>();
    for (const [partition, ledger] of this.partitions) {
      const next = ledger.nextToCommit();
      if (next !== undefined) offsets.set(partition, next);
    }
    return offsets;
  }
}

class PartitionLedger {
  // Received offsets in order (a partition delivers them ascending) and whether each is finished.
  private offsets: number[] = [];
  private done: boolean[] = [];
  private head = 0;
  private last: number | undefined;

  received(offset: number): void {
    // A redelivery after a consumer restart repeats offsets already seen: they are still pending once.
    if (this.last !== undefined && offset <= this.last) return;
    this.last = offset;
    this.offsets.push(offset);
    this.done.push(false);
  }

  finished(offset: number): void {
    // Offsets are ascending: binary search, since finished ones pile up behind a held one.
    let lo = this.head;
    let hi = this.offsets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.offsets[mid]!;
      if (at < offset) lo = mid + 1;
      else if (at > offset) hi = mid - 1;
      else {
        this.done[mid] = true;
        break;
      }
    }
    while (this.head < this.offsets.length && this.done[this.head]) this.head++;
    if (this.head > 1024 && this.head * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.done = this.done.slice(this.head);
      this.head = 0;
    }
  }

  nextToCommit(): number | undefined {
    if (this.head < this.offsets.length) return this.offsets[this.head];
    return this.last === undefined ? undefined : this.last + 1;
  }
}
