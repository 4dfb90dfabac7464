/**
 * OpenTelemetry carries the clocks, end to end with real parts: each service is a real child
 * process (OpenTelemetry's propagator is process-global) running NodeSDK with the http and kafkajs
 * instrumentations and specwatchPropagator; its handlers hold no clock code. The events they
 * record must show the message arrows by their clocks alone.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpecEvent } from '../../instrumentation/format.ts';
import { concurrent, happenedBefore } from '../../instrumentation/vector-clock.ts';
import { kafkaBrokers, kafkaSkipReason } from '../kafka/kafka-context.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SETUP = new URL('./fixtures/otel-setup.ts', import.meta.url).href;
const SERVICE = fileURLToPath(new URL('./fixtures/clocked-service.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'specwatch-otel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Service {
  /** The JSON lines the service printed so far. */
  readonly lines: Array<Record<string, unknown>>;
  /** Waits for a printed line that satisfies `test`. */
  line(test: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Closes stdin (the server's cue to stop) and waits for a clean exit. */
  finish(timeoutMs?: number): Promise<void>;
  /** The events it recorded, once it has finished. */
  events(): SpecEvent[];
}

function startService(name: string, role: string, ...args: string[]): Service {
  const eventsPath = join(dir, `${name}-${randomUUID()}.ndjson`);
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', SETUP, SERVICE, role, ...args], {
    cwd: REPO,
    env: { ...process.env, SPECWATCH_SERVICE: name, SPECWATCH_EVENTS: eventsPath },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const describeIt = (): string => `${name} (${role}) printed ${JSON.stringify(lines)}\nstderr:\n${stderr}`;
  const deadline = async <T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describeIt()}`)), timeoutMs)));
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    lines,
    async line(test, timeoutMs = 30_000) {
      const found = async (): Promise<Record<string, unknown>> => {
        for (;;) {
          const line = lines.find(test);
          if (line !== undefined) return line;
          if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}\n${describeIt()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      return deadline('a line', found(), timeoutMs);
    },
    async finish(timeoutMs = 30_000) {
      child.stdin.end();
      const status = await deadline('the exit', exited, timeoutMs).catch((error: unknown) => {
        child.kill('SIGKILL');
        throw error;
      });
      expect(status, describeIt()).toBe(0);
    },
    events() {
      return readFileSync(eventsPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as SpecEvent);
    },
  };
}

/** The one event of `action` among `events`. */
function only(events: readonly SpecEvent[], action: string): SpecEvent {
  const found = events.filter((e) => e.action === action);
  expect(found.map((e) => e.action), `one ${action} in ${JSON.stringify(events)}`).toEqual([action]);
  return found[0]!;
}

describe('OpenTelemetry carries the clocks over HTTP', () => {
  it('the server handler that records Handle knows the client Send, with no clock code', { timeout: 90_000 }, async () => {
    const server = startService('orders', 'http-server');
    try {
      const { port } = await server.line((l) => typeof l.port === 'number');
      const client = startService('shop', 'http-client', String(port));
      await client.finish();
      const handled = await server.line((l) => l.handled === '/orders');
      await server.finish();

      const [send, done] = [only(client.events(), 'Send'), only(client.events(), 'Done')];
      const [boot, handle] = [only(server.events(), 'Boot'), only(server.events(), 'Handle')];
      expect(send.proc).not.toBe(boot.proc);
      expect([boot.service, handle.service, send.service]).toEqual(['orders', 'orders', 'shop']);

      // The request carried the client's clock as it was when it was sent: Send is in it.
      expect(handled.header).toBe(`${send.proc}=${send.seq}`);
      expect(handled.received).toEqual({ [send.proc]: send.seq });
      expect(happenedBefore(send.vc, handle.vc)).toBe(true);
      expect(handle.vc[send.proc]).toBe(send.seq);
      expect(happenedBefore(boot.vc, handle.vc)).toBe(true);
      // Unrelated: the server's boot and the client's send know nothing of each other.
      expect(concurrent(boot.vc, send.vc)).toBe(true);
      // instrumentation-http injects into requests only: the response carries no clock back.
      expect(concurrent(handle.vc, done.vc)).toBe(true);
      expect(happenedBefore(send.vc, done.vc)).toBe(true);

      // One trace across the hop; the handler's action came from its span (SpecSpanProcessor).
      expect(send.trace?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(handle.trace?.traceId).toBe(send.trace?.traceId);
      expect(handle.trace?.spanId).not.toBe(send.trace?.spanId);
      expect(handle.params).toEqual({ path: '/orders' });
    } finally {
      await server.finish().catch(() => {});
    }
  });
});

const brokers = kafkaBrokers();
if (brokers === undefined) console.warn(kafkaSkipReason() ?? 'Kafka tests skipped: no broker provided');

describe.skipIf(brokers === undefined)('OpenTelemetry carries the clocks over Kafka', () => {
  it('the consumer that records Handle knows the producer Send, with no clock code', { timeout: 120_000 }, async () => {
    const topic = `test-otel-clock-${randomUUID()}`;
    const admin = new kafkajs.Kafka({ clientId: 'otel-propagation-test', brokers: [brokers!], logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }

    const consumer = startService('billing', 'kafka-consumer', brokers!, topic);
    const producer = startService('orders', 'kafka-producer', brokers!, topic);
    await producer.finish(60_000);
    const handled = await consumer.line((l) => l.handled === 0, 60_000);
    await consumer.finish(60_000);

    const send = only(producer.events(), 'Send');
    const [boot, handle] = [only(consumer.events(), 'Boot'), only(consumer.events(), 'Handle')];
    // kafkajs hands header values to the handler as Buffers; the instrumentation's getter turns
    // them into text before the propagator sees them.
    expect(handled.headerIsBuffer).toBe(true);
    expect(handled.received).toEqual({ [send.proc]: send.seq });
    expect(happenedBefore(send.vc, handle.vc)).toBe(true);
    expect(handle.vc[send.proc]).toBe(send.seq);
    expect(happenedBefore(boot.vc, handle.vc)).toBe(true);
    expect(concurrent(boot.vc, send.vc)).toBe(true);
    // The consumer span continues the producer's trace.
    expect(send.trace?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(handle.trace?.traceId).toBe(send.trace?.traceId);
  });
});
