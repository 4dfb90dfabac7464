import { describe, expect, it } from 'vitest';
import { boundedAlert } from '../../adapters/kafka/kafka-alert-sink.ts';
import type { Alert, AlertEvent } from '../../monitor/index.ts';

const step = (seq: number): AlertEvent => ({ proc: 'worker-1@7f3a', seq, action: 'Receive', params: { id: 1, note: 'x'.repeat(100) } });
const alert: Alert = {
  type: 'alert', id: 'a1', kind: 'nonconformance', verdict: 'violated', name: 'CreateContent', event: step(41),
  state: { uploads: { 1: 'y'.repeat(2000) } }, history: Array.from({ length: 40 }, (_, i) => step(i + 1)), reason: 'r',
};
const size = (text: string): number => Buffer.byteLength(text);

describe('an alert bounded to fit a Kafka message', () => {
  it('is sent whole when it fits', () => {
    expect(boundedAlert(alert, 1 << 20)).toBe(JSON.stringify(alert));
  });

  it('loses the oldest part of its causal history first, and says so', () => {
    const text = boundedAlert(alert, 5000);
    const bounded = JSON.parse(text) as Alert & { truncated: string };
    expect(size(text)).toBeLessThanOrEqual(5000);
    expect(bounded.history!.length).toBeGreaterThan(0);
    expect(bounded.history!.length).toBeLessThan(40);
    expect(bounded.history!.at(-1)!.seq).toBe(40);
    expect(bounded.state).toEqual(alert.state);
    expect(bounded.truncated).toMatch(/history shortened/);
  });

  it('leaves out history and state when even that is not enough', () => {
    const bounded = JSON.parse(boundedAlert(alert, 1000)) as Alert & { truncated: string };
    expect(bounded.history).toEqual([]);
    expect(bounded.state).toBeUndefined();
    expect(bounded.event).toEqual(alert.event);
    expect(bounded.truncated).toMatch(/history and state left out/);
  });
});
