import type { SpecEvent } from '../instrumentation/index.ts';

/** Where a record came from: a file line, or a topic partition offset. */
export interface Origin {
  /** File path (`-` for stdin) or Kafka topic. */
  readonly source: string;
  readonly line?: number;
  readonly partition?: number;
  readonly offset?: string;
}

/** A decoded, validated event as it arrived, before causal ordering. */
export interface ReceivedEvent {
  readonly type: 'event';
  readonly event: SpecEvent;
  readonly origin: Origin;
  /** Sum of the vector clock: the size of the causal past; the first part of the ordering key. */
  readonly clockSum: number;
  /** The record exactly as received (one line, one message value). */
  readonly text: string;
}

/** An event released by causal ordering, every causal predecessor before it. */
export interface DeliveredEvent {
  readonly type: 'delivered';
  readonly event: SpecEvent;
  readonly origin: Origin;
  /** True when part of the causal past was declared lost by a gap: the past is incomplete. */
  readonly afterGap: boolean;
  /** The record exactly as received. */
  readonly text: string;
}

export interface EventRef {
  readonly proc: string;
  readonly seq: number;
}

/** Bad input, with the precise reason: which field, what was expected, what was found. */
export interface MalformedDiagnostic {
  readonly type: 'diagnostic';
  readonly kind: 'malformed';
  readonly origin: Origin;
  readonly field: string;
  readonly expected: string;
  readonly got: string;
  /** Set when the record got far enough to be identified. */
  readonly proc?: string;
  readonly seq?: number;
}

export interface DuplicateDiagnostic {
  readonly type: 'diagnostic';
  readonly kind: 'duplicate';
  readonly proc: string;
  readonly seq: number;
  readonly origin: Origin;
  /** False when the first copy is older than the comparison window, so content was not compared. */
  readonly compared: boolean;
}

/** The same `proc`+`seq` with different content: the process equivocated. One copy is kept. */
export interface ConflictDiagnostic {
  readonly type: 'diagnostic';
  readonly kind: 'conflict';
  readonly proc: string;
  readonly seq: number;
  readonly kept: Origin | undefined;
  readonly rejected: Origin;
  /** Top-level fields whose content differs, when both copies were at hand. */
  readonly fields: readonly string[];
  /** Content digests of the two copies, smaller first: what tells one conflict of this event from another. */
  readonly copies: readonly [number, number];
}

export type GapCause = 'held-limit' | 'timeout' | 'end-of-input';

/** Events that never arrived: `proc` seqs `fromSeq..toSeq`, needed by `neededBy`. */
export interface GapDiagnostic {
  readonly type: 'diagnostic';
  readonly kind: 'gap';
  readonly proc: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly neededBy: EventRef;
  readonly cause: GapCause;
}

/** An event that arrived after a gap had declared it lost; its successors were already released. */
export interface LateDiagnostic {
  readonly type: 'diagnostic';
  readonly kind: 'late';
  readonly proc: string;
  readonly seq: number;
  readonly origin: Origin;
}

export type Diagnostic = MalformedDiagnostic | DuplicateDiagnostic | ConflictDiagnostic | GapDiagnostic | LateDiagnostic;

/**
 * From a live source that is caught up and has been quiet: events stamped before `time` are no
 * longer expected. The checker then judges what it kept waiting and lets deadlines pass.
 */
export interface Watermark {
  readonly type: 'watermark';
  readonly time: number;
}

export type DecodedItem = ReceivedEvent | MalformedDiagnostic;
export type OrderedItem = DeliveredEvent | Diagnostic;
