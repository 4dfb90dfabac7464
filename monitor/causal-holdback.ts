import { eventName, type SpecEvent } from '../instrumentation/format.ts';
import type { VectorClock } from '../instrumentation/vector-clock.ts';
import { contentDigest, sameContent } from './content-digest.ts';
import { MinHeap } from './ready-queue.ts';
import type { ConflictDiagnostic, EventRef, GapCause, OrderedItem, ReceivedEvent } from './trace-items.ts';

/**
 * The stable delivery order of events that are ready together: by wall time (an event without
 * one sorts first), then clock sum (the size of the causal past), then `proc` (UTF-16 code
 * units), then `seq`. Only ready events are compared, so a skewed clock can never put an event
 * before its causal past; the time puts concurrent events about where they happened, which the
 * checker's reorder window needs (a process that hears little has a small clock sum).
 */
export function deliversBefore(a: ReceivedEvent, b: ReceivedEvent): boolean {
  const ta = a.event.time ?? -Infinity;
  const tb = b.event.time ?? -Infinity;
  if (ta !== tb) return ta < tb;
  if (a.clockSum !== b.clockSum) return a.clockSum < b.clockSum;
  if (a.event.proc !== b.event.proc) return a.event.proc < b.event.proc;
  return a.event.seq < b.event.seq;
}

export interface HeldEvent {
  received: ReceivedEvent;
  readonly arrivedAt: number;
  /** pending: waiting for predecessors; ready: deliverable; settled/superseded: gone. */
  state: 'pending' | 'ready' | 'settled' | 'superseded';
  /** While pending at the head of its line: the seq of the other line it waits for. */
  needSeq: number;
  /** Conflicting copies already rejected: another such copy is a duplicate. */
  rejected?: SpecEvent[];
}

/** What the holdback knows of one process incarnation. */
class ProcessLine {
  /** Highest seq that is settled: delivered, rejected, or declared lost. */
  settled = 0;
  /** Clock and seq of the last delivered event: later ones must not go below it. */
  lastClock: VectorClock | undefined;
  lastDelivered = 0;
  readonly pending = new Map<number, HeldEvent>();
  /** Heads of other lines that wait until this line reaches their `needSeq`. */
  waiters: HeldEvent[] = [];
  readonly lost: Array<readonly [number, number]> = [];
  firstLost = Infinity;
  constructor(readonly proc: string) {}

  isLost(seq: number): boolean {
    return seq >= this.firstLost && this.lost.some(([from, to]) => seq >= from && seq <= to);
  }

  /** Smallest held seq, or undefined. */
  firstPending(): number | undefined {
    if (this.pending.has(this.settled + 1)) return this.settled + 1;
    let first: number | undefined;
    for (const seq of this.pending.keys()) if (first === undefined || seq < first) first = seq;
    return first;
  }
}

type Emit = (item: OrderedItem) => void;

const ref = (event: SpecEvent): EventRef => ({ proc: event.proc, seq: event.seq });

/** Top-level fields whose content differs (key order inside a field does not count). */
function differingFields(a: SpecEvent, b: SpecEvent): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...fields].filter((f) => !Object.hasOwn(a, f) || !Object.hasOwn(b, f) || !sameContent(a[f], b[f])).sort();
}

/** Two copies of one event that differ; `copies` tells this conflict from another of the same event. */
function conflict(first: ReceivedEvent, second: ReceivedEvent, kept: ReceivedEvent, rejected: ReceivedEvent): ConflictDiagnostic {
  const digests = [contentDigest(first.event), contentDigest(second.event)].sort((x, y) => x - y) as [number, number];
  const { proc, seq } = kept.event;
  return { type: 'diagnostic', kind: 'conflict', proc, seq, kept: kept.origin, rejected: rejected.origin, fields: differingFields(first.event, second.event), copies: digests };
}

/**
 * Causal delivery (in the manner of Birman–Schiper–Stephenson): an event is held until every
 * event in its causal past is settled, then becomes ready. Synchronous and scheduler-free;
 * `causalOrder` decides when ready events leave and when a gap is forced.
 */
export class CausalHoldback {
  private readonly lines = new Map<string, ProcessLine>();
  private readonly ready = new MinHeap<HeldEvent>((a, b) => deliversBefore(a.received, b.received));
  /** With a finite settle: the ready events again, the earliest arrived first (stale ones skipped). */
  private readonly readyByArrival: MinHeap<HeldEvent> | undefined;
  private anyLost = false;
  /** Ring of the last `dedupWindow` settled events, to tell a late duplicate from a conflict. */
  private readonly recent: Array<ReceivedEvent | undefined>;
  private recentNext = 0;
  /** Events held (pending or ready). */
  heldCount = 0;
  /** Events ready to deliver. */
  readyCount = 0;

  constructor(dedupWindow: number, trackArrival = false) {
    this.recent = new Array<ReceivedEvent | undefined>(dedupWindow).fill(undefined);
    this.readyByArrival = trackArrival ? new MinHeap<HeldEvent>((a, b) => a.arrivedAt < b.arrivedAt) : undefined;
  }

  /** The ready event that arrived first (needs `trackArrival`). */
  earliestArrivedReady(): HeldEvent | undefined {
    const heap = this.readyByArrival;
    if (heap === undefined) return undefined;
    while (heap.size > 0 && heap.peek()!.state !== 'ready') heap.pop();
    return heap.peek();
  }

  /** Takes one arriving event; returns the held entry, or undefined if it was judged a repeat. */
  arrive(received: ReceivedEvent, now: number, emit: Emit): HeldEvent | undefined {
    const { proc, seq } = received.event;
    const line = this.line(proc);
    if (seq <= line.settled) {
      this.judgeSettledRepeat(line, received, emit);
      return undefined;
    }
    const held = line.pending.get(seq);
    if (held !== undefined) return this.judgeHeldRepeat(line, held, received, now, emit);
    const entry: HeldEvent = { received, arrivedAt: now, state: 'pending', needSeq: 0 };
    line.pending.set(seq, entry);
    this.heldCount++;
    if (seq === line.settled + 1) this.promote(entry);
    return entry;
  }

  /** Delivers the first ready event in delivery order; false when none is ready. */
  deliverNext(emit: Emit): boolean {
    for (;;) {
      const entry = this.ready.pop();
      if (entry === undefined) return false;
      if (entry.state !== 'ready') continue;
      this.readyCount--;
      this.deliver(entry, emit);
      return true;
    }
  }

  drainReady(emit: Emit): void {
    while (this.deliverNext(emit));
  }

  /** Releases one event's worth of held state: the first ready event, else a forced gap. */
  releaseOne(cause: GapCause, emit: Emit): void {
    if (!this.deliverNext(emit)) this.forceProgress(this.firstHeld(), cause, emit);
  }

  /** Releases `entry` now: ready events before it are delivered; missing predecessors become gaps. */
  release(entry: HeldEvent, cause: GapCause, emit: Emit): void {
    while (entry.state === 'pending' || entry.state === 'ready') {
      if (entry.state === 'ready') this.deliverNext(emit);
      else this.forceProgress(entry, cause, emit);
    }
  }

  /** End of input: everything held leaves, in delivery order, gaps declared where needed. */
  drainAll(emit: Emit): void {
    for (;;) {
      this.drainReady(emit);
      const first = this.firstHeld();
      if (first === undefined) return;
      this.forceProgress(first, 'end-of-input', emit);
    }
  }

  clear(): void {
    this.lines.clear();
    this.recent.fill(undefined);
    this.ready.clear();
    this.readyByArrival?.clear();
    this.heldCount = 0;
    this.readyCount = 0;
  }

  private line(proc: string): ProcessLine {
    let line = this.lines.get(proc);
    if (line === undefined) {
      line = new ProcessLine(proc);
      this.lines.set(proc, line);
    }
    return line;
  }

  /** The first unsettled dependency of a line's head on another line, as [line, seq]. */
  private firstMissing(entry: HeldEvent): [ProcessLine, number] | undefined {
    const { proc, vc } = entry.received.event;
    for (const other in vc) {
      if (other === proc) continue;
      const need = vc[other]!;
      const line = this.lines.get(other);
      if ((line === undefined ? 0 : line.settled) < need) return [line ?? this.line(other), need];
    }
    return undefined;
  }

  /** `entry` is its line's head: make it ready, or park it on the line it waits for. */
  private promote(entry: HeldEvent): void {
    const missing = this.firstMissing(entry);
    if (missing !== undefined) {
      entry.needSeq = missing[1];
      missing[0].waiters.push(entry);
      return;
    }
    entry.state = 'ready';
    this.readyCount++;
    this.ready.push(entry);
    this.readyByArrival?.push(entry);
  }

  private deliver(entry: HeldEvent, emit: Emit): void {
    const { event, origin, text } = entry.received;
    const line = this.lines.get(event.proc)!;
    this.settle(line, entry);
    const regression = line.lastClock === undefined ? undefined : regressionOf(line.lastClock, event.vc);
    if (regression !== undefined) {
      emit({
        type: 'diagnostic', kind: 'malformed', origin, proc: event.proc, seq: event.seq, field: `vc[${JSON.stringify(regression.proc)}]`,
        expected: `at least ${regression.before}, as in ${eventName(event.proc, line.lastDelivered)} (clocks never go backwards)`,
        got: `${regression.now} (clock regression)`,
      });
    } else {
      line.lastClock = event.vc;
      line.lastDelivered = event.seq;
      emit({ type: 'delivered', event, origin, afterGap: this.anyLost && this.pastTouchesLost(event.vc), text });
    }
    this.remember(entry.received);
    this.advance(line);
  }

  /** Keeps a settled event for comparison with later copies, overwriting the oldest kept. */
  private remember(received: ReceivedEvent): void {
    if (this.recent.length === 0) return;
    this.recent[this.recentNext] = received;
    this.recentNext = this.recentNext + 1 === this.recent.length ? 0 : this.recentNext + 1;
  }

  /** A settled event still in the window (scanned: only repeats ask). */
  private recall(proc: string, seq: number): ReceivedEvent | undefined {
    return this.recent.find((r) => r !== undefined && r.event.seq === seq && r.event.proc === proc);
  }

  private settle(line: ProcessLine, entry: HeldEvent): void {
    line.pending.delete(entry.received.event.seq);
    line.settled = entry.received.event.seq;
    entry.state = 'settled';
    this.heldCount--;
  }

  /** The line moved forward: wake what waited for it and promote its next head. */
  private advance(line: ProcessLine): void {
    if (line.waiters.length > 0) {
      const waiting = line.waiters;
      line.waiters = [];
      for (const waiter of waiting) {
        if (waiter.state !== 'pending') continue;
        if (waiter.needSeq > line.settled) line.waiters.push(waiter);
        else this.promote(waiter);
      }
    }
    const next = line.pending.get(line.settled + 1);
    if (next !== undefined && next.state === 'pending') this.promote(next);
  }

  private pastTouchesLost(vc: VectorClock): boolean {
    for (const proc in vc) {
      const line = this.lines.get(proc);
      if (line !== undefined && line.firstLost <= vc[proc]!) return true;
    }
    return false;
  }

  /** The held event first in delivery order among the lines' first held events. */
  private firstHeld(): HeldEvent | undefined {
    let first: HeldEvent | undefined;
    if (this.heldCount === 0) return undefined;
    for (const line of this.lines.values()) {
      if (line.pending.size === 0) continue;
      const candidate = line.pending.get(line.firstPending()!)!;
      if (first === undefined || deliversBefore(candidate.received, first.received)) first = candidate;
    }
    return first;
  }

  /**
   * Makes `target` closer to deliverable without waiting: follows what it waits for to the first
   * absent event and declares the absent range lost (a gap). A wait that loops back is a clock
   * cycle: the event closing it is rejected as malformed.
   */
  private forceProgress(target: HeldEvent | undefined, cause: GapCause, emit: Emit): void {
    if (target === undefined) return;
    const visited = new Set<HeldEvent>();
    let current = target;
    for (;;) {
      visited.add(current);
      const { proc, seq } = current.received.event;
      const line = this.lines.get(proc)!;
      let waitsOn: ProcessLine;
      let needSeq: number;
      if (seq > line.settled + 1) {
        waitsOn = line;
        needSeq = seq - 1;
      } else {
        const missing = this.firstMissing(current);
        if (missing === undefined) {
          // Nothing is missing after all: delivering is the progress to make.
          if (current.state === 'pending') this.promote(current);
          this.deliverNext(emit);
          return;
        }
        [waitsOn, needSeq] = missing;
      }
      const head = waitsOn.pending.get(waitsOn.settled + 1);
      if (head === undefined) {
        const firstPresent = waitsOn.firstPending() ?? Infinity;
        this.declareLost(waitsOn, Math.min(needSeq, firstPresent - 1), ref(current.received.event), cause, emit);
        return;
      }
      if (visited.has(head)) {
        this.rejectCycle(current, head, emit);
        return;
      }
      current = head;
    }
  }

  private declareLost(line: ProcessLine, toSeq: number, neededBy: EventRef, cause: GapCause, emit: Emit): void {
    const fromSeq = line.settled + 1;
    const last = line.lost.at(-1);
    if (last !== undefined && last[1] === fromSeq - 1) line.lost[line.lost.length - 1] = [last[0], toSeq];
    else line.lost.push([fromSeq, toSeq]);
    line.firstLost = Math.min(line.firstLost, fromSeq);
    line.settled = toSeq;
    this.anyLost = true;
    emit({ type: 'diagnostic', kind: 'gap', proc: line.proc, fromSeq, toSeq, neededBy, cause });
    this.advance(line);
  }

  private rejectCycle(entry: HeldEvent, waitsFor: HeldEvent, emit: Emit): void {
    const { event, origin } = entry.received;
    const line = this.lines.get(event.proc)!;
    const other = waitsFor.received.event;
    this.settle(line, entry);
    emit({
      type: 'diagnostic', kind: 'malformed', origin, proc: event.proc, seq: event.seq, field: 'vc',
      expected: 'a causal past that does not contain the event itself',
      got: `a clock cycle: it waits for ${eventName(other.proc, other.seq)}, which waits for it`,
    });
    this.remember(entry.received);
    this.advance(line);
  }

  private judgeSettledRepeat(line: ProcessLine, received: ReceivedEvent, emit: Emit): void {
    const { proc, seq } = received.event;
    const origin = received.origin;
    if (line.isLost(seq)) {
      emit({ type: 'diagnostic', kind: 'late', proc, seq, origin });
      return;
    }
    const kept = this.recall(proc, seq);
    if (kept === undefined || sameContent(kept.event, received.event)) {
      emit({ type: 'diagnostic', kind: 'duplicate', proc, seq, origin, compared: kept !== undefined });
    } else {
      emit(conflict(kept, received, kept, received));
    }
  }

  /**
   * A second copy of a held event. Identical: a duplicate. Different: a conflict, and since
   * neither copy has left yet the one with the smaller digest is kept, whatever arrived first.
   */
  private judgeHeldRepeat(line: ProcessLine, held: HeldEvent, received: ReceivedEvent, now: number, emit: Emit): HeldEvent | undefined {
    const { proc, seq } = received.event;
    if (sameContent(held.received.event, received.event)) {
      // Same content, maybe other bytes: keep the smaller text so the output does not depend on
      // arrival, and name the copy that is dropped.
      const dropped = received.text < held.received.text ? held.received : received;
      if (dropped !== received) held.received = received;
      emit({ type: 'diagnostic', kind: 'duplicate', proc, seq, origin: dropped.origin, compared: true });
      return undefined;
    }
    if (held.rejected?.some((copy) => sameContent(copy, received.event)) === true) {
      emit({ type: 'diagnostic', kind: 'duplicate', proc, seq, origin: received.origin, compared: true });
      return undefined;
    }
    const keepNew = contentDigest(received.event) < contentDigest(held.received.event);
    const [kept, rejected] = keepNew ? [received, held.received] : [held.received, received];
    emit(conflict(held.received, received, kept, rejected));
    const rejectedCopies = [...(held.rejected ?? []), rejected.event];
    if (!keepNew) {
      held.rejected = rejectedCopies;
      return undefined;
    }
    if (held.state === 'ready') this.readyCount--;
    held.state = 'superseded';
    const entry: HeldEvent = { received, arrivedAt: now, state: 'pending', needSeq: 0, rejected: rejectedCopies };
    line.pending.set(seq, entry);
    if (seq === line.settled + 1) this.promote(entry);
    return entry;
  }
}

function regressionOf(before: VectorClock, now: VectorClock): { proc: string; before: number; now: number } | undefined {
  for (const proc in before) {
    const was = before[proc]!;
    const found = now[proc];
    const is = typeof found === 'number' && Object.hasOwn(now, proc) ? found : 0;
    if (is < was) return { proc, before: was, now: is };
  }
  return undefined;
}
