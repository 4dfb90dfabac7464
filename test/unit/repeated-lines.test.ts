import { describe, expect, it } from 'vitest';
import { RepeatedLines } from '../../adapters/kafka/repeated-lines.ts';

const clock = () => {
  const c = { at: 0, now: () => c.at };
  return c;
};

describe('RepeatedLines', () => {
  it('passes the first of a line, counts its repeats for quietMs, then passes it with the count', () => {
    const time = clock();
    const lines = new RepeatedLines(30_000, time.now);
    expect(lines.pass('refused')).toBe('refused');
    time.at = 1_000;
    expect(lines.pass('refused')).toBeUndefined();
    time.at = 29_999;
    expect(lines.pass('refused')).toBeUndefined();
    time.at = 45_000;
    expect(lines.pass('refused')).toBe('refused (2 more times in the last 45 s)');
    time.at = 80_000;
    expect(lines.pass('refused')).toBe('refused');
  });

  it('keeps lines apart: another line passes while one is quiet', () => {
    const time = clock();
    const lines = new RepeatedLines(30_000, time.now);
    expect(lines.pass('a')).toBe('a');
    expect(lines.pass('b')).toBe('b');
    expect(lines.pass('a')).toBeUndefined();
    time.at = 30_000;
    expect(lines.pass('a')).toBe('a (1 more time in the last 30 s)');
    expect(lines.pass('b')).toBe('b');
  });

  it('remembers at most `capacity` lines: the oldest is forgotten and passes again', () => {
    const time = clock();
    const lines = new RepeatedLines(30_000, time.now, 2);
    for (const line of ['a', 'b', 'c']) expect(lines.pass(line)).toBe(line);
    expect(lines.pass('c')).toBeUndefined();
    expect(lines.pass('a')).toBe('a');
  });
});
