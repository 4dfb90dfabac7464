// The live scenarios: which bug a run switches on, and how the workers are slowed or crashed so
// that the scenario's race happens every time rather than by luck. The users' side of each
// scenario (what they do, when) is in services/scenario-moments.ts.
import type { ScenarioName } from '../scenarios.ts';

export type BugName = ScenarioName;
export const BUG_NAMES: readonly BugName[] = ['delete-before-create', 'worker-crash', 'edit-race'];

/** A bug's scenario alone, all three in a row (`all`), or ordinary users only (`load`). */
export type LiveScenario = BugName | 'all' | 'load';
export const LIVE_SCENARIOS: readonly LiveScenario[] = [...BUG_NAMES, 'all', 'load'];

/** The upload each scenario's moment acts on; ordinary users start at FIRST_LOAD_ID. */
export const SCENARIO_UPLOAD: Record<BugName, number> = { 'delete-before-create': 1, 'edit-race': 2, 'worker-crash': 3 };
export const FIRST_LOAD_ID = 100;

export interface WorkerTiming {
  /** After a Receive: long enough for the user's delete to land before the create is handled (a). */
  readonly handleDelayMs: number;
  /** Between EditContent and PushEdit: long enough for a second edit to overtake the first (c). */
  readonly editDelayMs: number;
  /** The upload whose delete crashes the worker that first receives it (b). */
  readonly crashOnDeleteOf?: number;
}

/**
 * The edit race (c), with the first edit's Receive at 0: its EditContent reads version 2 at
 * HANDLE_DELAY_MS, before the second edit at EDIT_GAP_MS (250 ms to spare); the second worker's
 * EditContent of version 3 comes at EDIT_GAP_MS + HANDLE_DELAY_MS, before the first worker's push at
 * HANDLE_DELAY_MS + EDIT_DELAY_MS (400 ms to spare), so that push learns of version 3.
 */
const HANDLE_DELAY_MS = 300;
export const EDIT_GAP_MS = HANDLE_DELAY_MS + 250;
const EDIT_DELAY_MS = EDIT_GAP_MS + 400;

export function workerTiming(scenario: LiveScenario): WorkerTiming {
  if (scenario === 'load') return { handleDelayMs: 0, editDelayMs: 0 };
  const crashes = scenario === 'worker-crash' || scenario === 'all';
  return { handleDelayMs: HANDLE_DELAY_MS, editDelayMs: EDIT_DELAY_MS, ...(crashes ? { crashOnDeleteOf: SCENARIO_UPLOAD['worker-crash'] } : {}) };
}

/** What a bug flag changes: the worker's three bugs, and scenario (b) also runs no cleaner. */
export interface BugSwitches {
  readonly assumeUploadExists: boolean;
  readonly skipVersionCheck: boolean;
  /** Acknowledge (commit) a message on receipt, so a crashed worker's message is never redelivered. */
  readonly ackOnReceipt: boolean;
  readonly cleaner: boolean;
}

export function bugSwitches(bug: BugName | undefined): BugSwitches {
  return {
    assumeUploadExists: bug === 'delete-before-create',
    skipVersionCheck: bug === 'edit-race',
    ackOnReceipt: bug === 'worker-crash',
    cleaner: bug !== 'worker-crash',
  };
}

/** What specwatch must report for each bug (and nothing at all for a fixed run). */
export const EXPECTED_ALERT: Record<BugName, { readonly kind: string; readonly name: string }> = {
  'delete-before-create': { kind: 'nonconformance', name: 'CreateContent' },
  'worker-crash': { kind: 'property', name: 'OrphansCleanedUp' },
  'edit-race': { kind: 'nonconformance', name: 'PushEdit' },
};
