// The embedded transport: the store process serves the queue over HTTP, with leases and redelivery.
// A message carries its sender's clock as the specwatch-clock header encodes it.
import { trace } from '@opentelemetry/api';
import { decodeClockHeader, encodeClockHeader, type SpecRecorder } from '../../../../instrumentation/index.ts';
import { callJson } from './json-http.ts';
import type { AckPolicy, Delivery, QueueConsumer, QueueSender, UploadMessage } from './upload-queue.ts';
import { isOp } from './upload-queue.ts';

const POLL_WAIT_MS = 1000;
const tracer = trace.getTracer('uploader-embedded-queue');

export class EmbeddedSender implements QueueSender {
  constructor(private readonly store: string, private readonly recorder: SpecRecorder) {}

  async send(message: UploadMessage): Promise<void> {
    const reply = await callJson('POST', `${this.store}/queue`, { ...message, clock: encodeClockHeader(this.recorder.clock()) });
    if (reply.status !== 202) throw new Error(`the store refused (${message.id}, ${message.op}): ${reply.status} ${JSON.stringify(reply.body)}`);
  }

  async close(): Promise<void> {}
}

interface TakeReply {
  readonly message: { readonly id: number; readonly op: unknown; readonly clock: string; readonly deliveries: number } | null;
  readonly lease?: string;
  readonly leaseMs?: number;
}

export class EmbeddedConsumer implements QueueConsumer {
  #stopped = false;
  #running: Promise<void> | undefined;

  constructor(private readonly store: string, private readonly recorder: SpecRecorder, private readonly ack: AckPolicy) {}

  run(handle: (delivery: Delivery) => Promise<void>): Promise<void> {
    this.#running ??= this.#loop(handle);
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running?.catch(() => undefined);
  }

  async #loop(handle: (delivery: Delivery) => Promise<void>): Promise<void> {
    while (!this.#stopped) {
      const reply = await callJson('POST', `${this.store}/queue/take`, { waitMs: POLL_WAIT_MS }, POLL_WAIT_MS + 5000);
      const taken = reply.body as TakeReply;
      if (reply.status !== 200) throw new Error(`taking from the queue failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      if (taken.message === null || taken.lease === undefined) continue;
      const { id, op, clock, deliveries } = taken.message;
      if (!isOp(op)) throw new Error(`the queue handed out a message with op ${JSON.stringify(op)}`);
      // The receive: what the sender knew becomes part of this worker's past.
      const sent = decodeClockHeader(clock);
      if (sent === undefined) process.stderr.write(`${this.recorder.proc}: message (${id}, ${op}) carries a malformed clock; received without it\n`);
      else this.recorder.receive(sent);
      if (this.ack === 'on-receipt') await this.#settle('ack', taken.lease);
      const renewing = this.ack === 'after-handling' ? setInterval(() => void this.#settle('renew', taken.lease!).catch(() => undefined), Math.max(100, (taken.leaseMs ?? 1500) / 3)) : undefined;
      try {
        // A span per message, as the kafkajs instrumentation makes one: the events it records carry its trace ids.
        await tracer.startActiveSpan(`process (${id}, ${op})`, (span) => handle({ message: { id, op }, deliveries }).finally(() => span.end()));
      } finally {
        clearInterval(renewing);
      }
      if (this.ack === 'after-handling') await this.#settle('ack', taken.lease);
    }
  }

  async #settle(what: 'ack' | 'renew', lease: string): Promise<void> {
    const reply = await callJson('POST', `${this.store}/queue/${what}`, { lease });
    // 410: the lease ran out and the message went to another worker; nothing to undo here.
    if (reply.status === 410) process.stderr.write(`${this.recorder.proc}: ${what} came after the lease ran out\n`);
    else if (reply.status !== 204) throw new Error(`${what} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}
