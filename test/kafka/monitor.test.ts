import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKafkaEventSource } from '../../adapters/kafka/index.ts';
import uploader from '../../examples/uploader/spec.ts';
import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';
import { DEFAULT_LIMITS, causalOrder, checkTrace, type Alert, type CheckSummary } from '../../monitor/index.ts';
import { arriveLate, lateServiceLoad } from '../support/arrive-late.ts';
import { REPO, specwatchAsync, startSpecwatch, type RunningCli } from '../support/run-cli.ts';
import { writeIncidentTrace } from './incident-trace.ts';
import { kafkaBrokers, kafkaSkipReason } from './kafka-context.ts';

const brokers = kafkaBrokers();
if (brokers === undefined) console.warn(kafkaSkipReason() ?? 'Kafka tests skipped: no broker provided');
const SPEC = 'examples/uploader/spec.ts';
const kafka = new kafkajs.Kafka({ clientId: 'specwatch-test', brokers: [brokers ?? '127.0.0.1:1'], logLevel: kafkajs.logLevel.NOTHING });
const topicName = (what: string): string => `test-${what}-${randomUUID()}`;
const alertsOf = (stdout: string): Alert[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Alert);
const byId = (alerts: readonly Alert[]): Alert[] => [...alerts].sort((a, b) => a.id.localeCompare(b.id));
const until = async (what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, detail: () => string = () => ''): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

async function publish(path: string, topic: string): Promise<void> {
  const run = await specwatchAsync(['publish', '-q', '--kafka', brokers!, '--topic', topic, '--partitions', '6', path]);
  expect(run.status, run.stderr).toBe(0);
}

/** Every record of a topic, read with plain kafkajs. */
async function readTopic(topic: string): Promise<Array<{ partition: number; key: string; value: string }>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const records: Array<{ partition: number; key: string; value: string }> = [];
  if (total === 0) return records;
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    // Bounded, so that a stuck read fails with what it got instead of hanging the test.
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`read ${records.length} of ${total} records of ${topic} in 60 s`)), 60_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ partition, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          if (records.length >= total) resolve();
        },
      });
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return records;
}

/** What the group has committed, against the end of each partition. */
async function committedAndEnds(groupId: string, topic: string): Promise<{ committed: number; end: number }> {
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return {
    committed: (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
    end: ends.reduce((n, p) => n + Number(p.high), 0),
  };
}

async function groupState(groupId: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  const { groups } = await admin.describeGroups([groupId]);
  await admin.disconnect();
  return groups[0]?.state;
}

describe.skipIf(brokers === undefined)('specwatch and a real Kafka broker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'specwatch-kafka-'));
  let incident: { path: string; events: number };
  let checked: Alert[];
  const running: RunningCli[] = [];

  beforeAll(async () => {
    incident = writeIncidentTrace(dir, 3000);
    const check = await specwatchAsync(['check', '--no-typecheck', '--json', '-q', '--spec', SPEC, incident.path]);
    expect(check.status).toBe(1);
    checked = alertsOf(check.stdout);
    // The three spliced-in bugs: nonconformances and temporal properties, at different points.
    expect(new Set(checked.map((a) => a.kind))).toEqual(new Set(['nonconformance', 'property']));
  }, 60_000);

  afterAll(() => {
    for (const run of running) run.child.kill('SIGKILL');
  });

  it('publishes every line once, keyed by proc, spread over the partitions', async () => {
    const topic = topicName('round-trip');
    await publish(incident.path, topic);
    const records = await readTopic(topic);
    const lines = readFileSync(incident.path, 'utf8').trim().split('\n');
    expect(records.map((r) => r.value).sort()).toEqual([...lines].sort());
    for (const r of records) expect(r.key).toBe((JSON.parse(r.value) as SpecEvent).proc);
    expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1);
  }, 90_000);

  it('orders a trace spread over 6 partitions causally, and judges it as specwatch check judges the file', async () => {
    const topic = topicName('judged');
    await publish(incident.path, topic);
    // Ordered: every event after its whole causal past, each exactly once.
    const source = await openKafkaEventSource({ brokers: [brokers!], clientId: 'specwatch-test' }, {
      topic, start: { kind: 'beginning' }, end: { kind: 'now' }, limits: DEFAULT_LIMITS, maxQueuedPerPartition: 2500, log: () => undefined,
    });
    const seen = new Map<string, number>();
    const delivered = await lastValueFrom(source.items.pipe(causalOrder({ settle: 0 }), tap((item) => {
      if (item.type !== 'delivered') return;
      const e = item.event;
      expect(seen.get(e.proc) ?? 0).toBe(e.seq - 1);
      for (const [p, n] of Object.entries(e.vc)) if (p !== e.proc) expect(seen.get(p) ?? 0).toBeGreaterThanOrEqual(n);
      seen.set(e.proc, e.seq);
    }), toArray()));
    await source.stop(async () => undefined);
    expect(delivered.filter((i) => i.type === 'delivered')).toHaveLength(incident.events);
    // Judged: the bounded replay gives check's alerts, field for field.
    const replay = await specwatchAsync(['monitor', '--no-typecheck', '-q', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', topicName('alerts'), '--to', 'now']);
    expect(replay.status, replay.stderr).toBe(1);
    expect(byId(alertsOf(replay.stdout))).toEqual(byId(checked));
  }, 120_000);

  const writeEvents = (name: string, events: readonly SpecEvent[]): string => {
    const path = join(dir, name);
    writeFileSync(path, events.map((e) => `${encodeEvent(e)}\n`).join(''));
    return path;
  };

  it('puts back, by time, the events of a service that reached the topic 2,000 records late, as check does', async () => {
    const { events, late } = lateServiceLoad();
    const arrival = arriveLate(events, late, 2000);
    const topic = topicName('lagging');
    await publish(writeEvents('lagging.ndjson', arrival), topic);
    const replay = await specwatchAsync(['monitor', '--no-typecheck', '-q', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', topicName('alerts'), '--to', 'now']);
    expect(alertsOf(replay.stdout)).toEqual([]);
    expect(replay.status, replay.stderr).toBe(0);
  }, 120_000);

  it('online with --settle: a service whose events reach the topic seconds after the others\' is checked in time order', async () => {
    const { events, late } = lateServiceLoad();
    const topic = topicName('late-service');
    const group = `group-${randomUUID()}`;
    await publish(writeEvents('on-time.ndjson', events.filter((e) => e.proc !== late)), topic);
    const monitor = startSpecwatch(['monitor', '--no-typecheck', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', topicName('alerts'),
      '--group', group, '--settle', '10000', '--lateness', '300']);
    running.push(monitor);
    await until('the monitor reading', () => /checking/.test(monitor.stderr()), 60_000, () => monitor.stderr());
    await publish(writeEvents('late.ndjson', events.filter((e) => e.proc === late)), topic);
    await until('every event judged and committed', async () => {
      const { committed, end } = await committedAndEnds(group, topic);
      return committed === end;
    }, 90_000, () => `${monitor.stdout()}\n${monitor.stderr()}`);
    monitor.child.kill('SIGINT');
    expect(await monitor.exited, monitor.stderr()).toBe(0);
    expect(alertsOf(monitor.stdout()).map((a) => `${a.kind} ${a.name} ${a.verdict} ${JSON.stringify(a.event)} ${a.reason ?? a.guard}`)).toEqual([]);
  }, 150_000);

  it('replays an empty time range quietly: exit 0, no event, no kafka error line', async () => {
    const topic = topicName('empty-range');
    await publish(incident.path, topic);
    // Before every record: both ends fall on the first offset, so the range holds nothing.
    const replay = await specwatchAsync(['monitor', '--no-typecheck', '--spec', SPEC, '--kafka', brokers!, '--topic', topic,
      '--alerts-topic', topicName('alerts'), '--from', '2001-01-01T00:00:00Z', '--to', '2001-01-01T00:05:00Z']);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stderr).toMatch(/stopped: 0 events read, 0 alerts published/);
    expect(replay.stderr).not.toMatch(/kafka( error| warn)?: /);
  }, 60_000);

  it('reports records that are not events (not UTF-8, not JSON, too big, a tombstone) as malformed, at their offsets', async () => {
    const topic = topicName('bad-records');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const event = '{"sw":1,"proc":"api","seq":1,"vc":{"api":1},"action":"Create","params":{"id":"x","version":1}}';
    const latin1 = Buffer.from(event.replace('"x"', '"?"'));
    latin1[latin1.indexOf('?')] = 0xe9;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: event }, { value: latin1 }, { value: 'not json' }, { value: null }, { value: `${event}${' '.repeat(300)}` }] });
    await producer.disconnect();
    const replay = await specwatchAsync(['monitor', '--no-typecheck', '-q', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', topicName('alerts'), '--to', 'now', '--max-event-bytes', '300']);
    expect(replay.status, replay.stderr).toBe(1);
    const malformed = alertsOf(replay.stdout).filter((a) => a.kind === 'malformed').map((a) => a.reason);
    expect(malformed).toEqual([
      `${topic}[0]@1: malformed: (event): expected UTF-8 text, got bytes that are not UTF-8 (0xe9 at byte ${latin1.indexOf(0xe9)} of ${latin1.length})`,
      expect.stringContaining(`${topic}[0]@2: malformed: (event): expected one JSON object, got text that is not JSON`),
      `${topic}[0]@3: malformed: (event): expected a message value holding one JSON event, got no value (a tombstone)`,
      `${topic}[0]@4: malformed: (event): expected at most 300 bytes, got ${event.length + 300} bytes`,
    ]);
  }, 90_000);

  it('drops the duplicates of a redelivery and judges as before', async () => {
    const topic = topicName('redelivered');
    await publish(incident.path, topic);
    await publish(incident.path, topic);
    const source = await openKafkaEventSource({ brokers: [brokers!], clientId: 'specwatch-test' }, {
      topic, start: { kind: 'beginning' }, end: { kind: 'now' }, limits: DEFAULT_LIMITS, maxQueuedPerPartition: 2500, log: () => undefined,
    });
    const items = await lastValueFrom(source.items.pipe(checkTrace(uploader), toArray()));
    await source.stop(async () => undefined);
    const summary = items.find((i): i is CheckSummary => i.type === 'summary')!;
    expect(summary.events).toBe(incident.events);
    expect(summary.duplicates).toBe(incident.events);
    expect(byId(items.filter((i): i is Alert => i.type === 'alert'))).toEqual(byId(checked));
  }, 120_000);

  /** A monitor run until it has printed check's alerts online, then SIGINT: it must exit 0 with exactly those. */
  async function watchOnline(topic: string, group: string, alertsTopic: string): Promise<RunningCli> {
    const monitor = startSpecwatch(['monitor', '--no-typecheck', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', alertsTopic, '--group', group, '--lateness', '300']);
    running.push(monitor);
    const wanted = new Set(checked.map((a) => a.id));
    await until('the online alerts', () => alertsOf(monitor.stdout()).length >= wanted.size, 90_000, () => `${monitor.stdout()}\n${monitor.stderr()}`);
    monitor.child.kill('SIGINT');
    expect(await monitor.exited, monitor.stderr()).toBe(0);
    expect(new Set(alertsOf(monitor.stdout()).map((a) => a.id))).toEqual(wanted);
    return monitor;
  }

  it('online: raises check\'s alerts as the stream goes quiet, then drains, commits everything and exits 0 on SIGINT', async () => {
    const topic = topicName('live');
    const alertsTopic = topicName('alerts');
    const group = `group-${randomUUID()}`;
    await publish(incident.path, topic);
    const wanted = new Set(checked.map((a) => a.id));
    await watchOnline(topic, group, alertsTopic);
    const published = await readTopic(alertsTopic);
    expect(published.map((r) => r.key).sort()).toEqual([...wanted].sort());
    const { committed, end } = await committedAndEnds(group, topic);
    expect(committed).toBe(end);
  }, 150_000);

  it('a group that committed past the end of the topic (made again): warns, and judges online as usual', async () => {
    const topic = topicName('remade');
    const group = `group-${randomUUID()}`;
    await publish(incident.path, topic);
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId: group, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: String(Number(p.high) + 1000) })) });
    await admin.disconnect();
    // Online verdicts wait for the watermarks, which a replay that never ends would hold back.
    const monitor = await watchOnline(topic, group, topicName('alerts'));
    expect(monitor.stderr()).toMatch(/committed offset \d+ on partition \d+ of .*, past its end/);
    const { committed, end } = await committedAndEnds(group, topic);
    expect(committed).toBe(end);
  }, 150_000);

  it('rebalanced while it replays to rebuild its state: reads every event once, from where it was', async () => {
    // Large enough that the replay is still going when the group rebalances (a few seconds).
    const big = writeIncidentTrace(dir, 150_000);
    const topic = topicName('rebalance');
    const group = `group-${randomUUID()}`;
    await publish(big.path, topic);
    const args = ['monitor', '--no-typecheck', '-q', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', topicName('alerts'), '--group', group];
    const stopped = async (run: RunningCli): Promise<number> => {
      run.child.kill('SIGINT');
      expect(await run.exited, run.stderr()).toBe(0);
      return run.stderr().length;
    };
    const first = startSpecwatch(args);
    running.push(first);
    await until('the first run to commit the whole topic', async () => { const c = await committedAndEnds(group, topic); return c.committed === c.end; }, 120_000, () => first.stderr());
    await stopped(first);
    // The restart replays from the oldest record while the group's commits point at the end.
    // A second member joins and leaves: two rebalances, each a rejoin of the monitor.
    const second = startSpecwatch(args.filter((a) => a !== '-q'));
    running.push(second);
    await until('the restarted monitor to join its group', async () => {
      const admin = kafka.admin();
      await admin.connect();
      const { groups: [described] } = await admin.describeGroups([group]);
      await admin.disconnect();
      return described?.state === 'Stable' && described.members.length === 1;
    }, 60_000, () => second.stderr());
    const member = kafka.consumer({ groupId: group });
    let joined = false;
    member.on(member.events.GROUP_JOIN, () => (joined = true));
    await member.connect();
    await member.subscribe({ topics: [topic], fromBeginning: false });
    void member.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await until('the second member to join', () => joined, 60_000);
    await member.disconnect();
    // New events after the rebalances: once they are committed, the monitor has read everything before them.
    const extra = Array.from({ length: 24 }, (_, i) => JSON.stringify({ sw: 1, proc: `late-user-${i}`, seq: 1, vc: { [`late-user-${i}`]: 1 }, action: 'Create', params: { id: 9_000_000 + i, version: 1 }, time: Date.now() }));
    const extraPath = join(dir, 'extra.ndjson');
    writeFileSync(extraPath, `${extra.join('\n')}\n`);
    await publish(extraPath, topic);
    await until('the restarted monitor to commit the new events', async () => { const c = await committedAndEnds(group, topic); return c.committed === c.end; }, 120_000, () => second.stderr());
    await stopped(second);
    expect(second.stderr()).toMatch(/gave this monitor \d of 6 partitions/);
    const read = /stopped: ([\d,]+) events read/.exec(second.stderr());
    expect(read, second.stderr()).not.toBeNull();
    expect(Number(read![1]!.replaceAll(',', ''))).toBe(big.events + extra.length);
  }, 400_000);

  it('stopped while its group waits for a killed member: exits 0 without waiting out the session', async () => {
    const topic = topicName('dead-member');
    const group = `group-${randomUUID()}`;
    await publish(incident.path, topic);
    // A member of the group, killed without leaving: the broker holds every join until its 60 s session ends.
    const member = spawn(process.execPath, ['--input-type=module', '-e', `
      import kafkajs from 'kafkajs';
      const kafka = new kafkajs.Kafka({ brokers: [${JSON.stringify(brokers)}], logLevel: kafkajs.logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: ${JSON.stringify(group)}, sessionTimeout: 60000, rebalanceTimeout: 60000 });
      consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
      await consumer.connect();
      await consumer.subscribe({ topics: [${JSON.stringify(topic)}] });
      await consumer.run({ eachMessage: async () => new Promise(() => undefined) });`], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    member.stdout.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
    await until('the other member to join', () => said.includes('joined'), 60_000);
    member.kill('SIGKILL');
    const monitor = startSpecwatch(['monitor', '--no-typecheck', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', topicName('alerts'), '--group', group]);
    running.push(monitor);
    // Its JoinGroup is what starts the rebalance the broker cannot finish.
    await until('the monitor to ask to join', async () => (await groupState(group)) === 'PreparingRebalance', 60_000, () => monitor.stderr());
    monitor.child.kill('SIGINT');
    let status: number | string | undefined;
    void monitor.exited.then((s) => (status = s));
    // Well before the killed member's session ends (60 s), which is when a waiting stop would end.
    await until('the monitor to exit after SIGINT', () => status !== undefined, 30_000, () => monitor.stderr());
    expect(status, monitor.stderr()).toBe(0);
    expect(monitor.stderr()).toMatch(/stopped without leaving group .*, which was still joining/);
    expect(monitor.stderr()).not.toMatch(/kafka error/);
  }, 120_000);

  it('killed mid-stream and restarted: loses no event and publishes no alert id twice', async () => {
    const big = writeIncidentTrace(dir, 40_000);
    const check = await specwatchAsync(['check', '--no-typecheck', '--json', '-q', '--spec', SPEC, big.path]);
    const wanted = [...new Set(alertsOf(check.stdout).map((a) => a.id))].sort();
    const topic = topicName('restart');
    const alertsTopic = topicName('alerts');
    const group = `group-${randomUUID()}`;
    await publish(big.path, topic);
    const args = ['monitor', '--no-typecheck', '--spec', SPEC, '--kafka', brokers!, '--topic', topic, '--alerts-topic', alertsTopic, '--group', group, '--lateness', '300'];
    const first = startSpecwatch(args);
    running.push(first);
    // Killed without warning once it has published something and committed part of the topic.
    await until('a first alert and a commit', async () => alertsOf(first.stdout()).length > 0 && (await committedAndEnds(group, topic)).committed > 0, 90_000, () => first.stderr());
    first.child.kill('SIGKILL');
    await first.exited;
    const before = await committedAndEnds(group, topic);
    expect(before.committed).toBeLessThan(before.end);
    const second = startSpecwatch(args);
    running.push(second);
    await until('the restarted monitor to catch up', () => /checking .* until stopped/.test(second.stderr()), 60_000, () => second.stderr());
    await until('every alert', async () => new Set((await readTopic(alertsTopic)).map((r) => r.key)).size >= wanted.length, 120_000, () => second.stderr());
    // The first run may have published every alert already: wait for the restart to have finished the topic too.
    await until('the restarted monitor to commit the whole topic', async () => { const c = await committedAndEnds(group, topic); return c.committed === c.end; }, 120_000, () => second.stderr());
    second.child.kill('SIGINT');
    let status: number | string | undefined;
    void second.exited.then((s) => (status = s));
    await until('the monitor to drain, commit and exit after SIGINT', () => status !== undefined, 60_000, () => second.stderr());
    expect(status, second.stderr()).toBe(0);
    const keys = (await readTopic(alertsTopic)).map((r) => r.key).sort();
    expect(keys).toEqual(wanted);
    const after = await committedAndEnds(group, topic);
    expect(after.committed).toBe(after.end);
  }, 300_000);
});
