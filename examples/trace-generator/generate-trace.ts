import type { SpecEvent } from '../../instrumentation/index.ts';
import { pick, seededRandom } from './random.ts';

export interface TraceShape {
  readonly processes: number;
  readonly events: number;
  /** Chance that a step sends a message, and that a step receives one if any is waiting. */
  readonly messageProbability: number;
  readonly seed: number;
}

interface Message {
  readonly clock: Readonly<Record<string, number>>;
  readonly from: string;
  readonly id: number;
}

const MAX_INBOX = 64;

export const processName = (index: number): string => `node-${index}@${(0x1000 + index * 2654435761) .toString(16).slice(-4)}`;

/**
 * A random multi-process run, in the order it happened: local steps, sends and receives, with
 * correct vector clocks (a receive merges the sender's clock). Actions: Local, Send, Receive.
 */
export function* generateTrace(shape: TraceShape): Generator<SpecEvent> {
  const random = seededRandom(shape.seed);
  const names = Array.from({ length: shape.processes }, (_, i) => processName(i));
  const clocks = names.map(() => ({}) as Record<string, number>);
  const inboxes = names.map(() => [] as Message[]);
  let nextMessage = 1;
  for (let step = 0; step < shape.events; step++) {
    const p = pick(random, shape.processes);
    const proc = names[p]!;
    const clock = clocks[p]!;
    const inbox = inboxes[p]!;
    let action: string;
    let params: Record<string, string | number>;
    if (inbox.length > 0 && (inbox.length >= MAX_INBOX || random() < shape.messageProbability)) {
      const message = inbox.splice(pick(random, inbox.length), 1)[0]!;
      for (const other in message.clock) clock[other] = Math.max(clock[other] ?? 0, message.clock[other]!);
      action = 'Receive';
      params = { from: message.from, msg: message.id };
    } else if (shape.processes > 1 && random() < shape.messageProbability) {
      let q = pick(random, shape.processes - 1);
      if (q >= p) q++;
      action = 'Send';
      params = { to: names[q]!, msg: nextMessage };
      clock[proc] = (clock[proc] ?? 0) + 1;
      inboxes[q]!.push({ clock: { ...clock }, from: proc, id: nextMessage++ });
      yield event(proc, clock, action, params, p, step);
      continue;
    } else {
      action = 'Local';
      params = { step };
    }
    clock[proc] = (clock[proc] ?? 0) + 1;
    yield event(proc, clock, action, params, p, step);
  }
}

function event(proc: string, clock: Record<string, number>, action: string, params: Record<string, string | number>, p: number, step: number): SpecEvent {
  return { sw: 1, proc, seq: clock[proc]!, vc: { ...clock }, action, params, service: `service-${p % 4}`, time: 1_763_640_000_000 + step };
}
