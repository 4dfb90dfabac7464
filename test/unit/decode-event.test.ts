import { describe, expect, it } from 'vitest';
import { decodeEvent, DEFAULT_LIMITS, describeFound } from '../../monitor/index.ts';
import type { FormatLimits, MalformedDiagnostic, Origin, ReceivedEvent } from '../../monitor/index.ts';

const origin: Origin = { source: 'traces/worker.ndjson', line: 7 };
const PROC = 'worker-1@7f3a';

/** The example event of the README, "Event format v1". */
const example = {
  sw: 1,
  proc: PROC,
  seq: 12,
  vc: { [PROC]: 12, 'api@19c2': 40 },
  action: 'CreateContent',
  params: { id: 1, version: 1 },
  service: 'worker',
  time: 1763640000123,
  trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' },
};

/** The example with some fields replaced; a field set to `undefined` is left out of the JSON. */
const eventText = (overrides: Record<string, unknown> = {}): string => JSON.stringify({ ...example, ...overrides });
const withLimits = (overrides: Partial<FormatLimits>): FormatLimits => ({ ...DEFAULT_LIMITS, ...overrides });

function accept(text: string, limits?: FormatLimits): ReceivedEvent {
  const item = decodeEvent(text, origin, limits);
  if (item.type !== 'event') throw new Error(`expected an event, got malformed ${item.field}: expected ${item.expected}, got ${item.got}`);
  return item;
}

function reject(text: string, limits?: FormatLimits): MalformedDiagnostic {
  const item = decodeEvent(text, origin, limits);
  if (item.type !== 'diagnostic') throw new Error(`expected a malformed diagnostic, got the event ${item.event.proc}#${item.event.seq}`);
  return item;
}

describe('decodeEvent: a valid event', () => {
  it('accepts the example event of the design and keeps every field', () => {
    const item = accept(eventText());
    expect(item.type).toBe('event');
    expect(item.event).toEqual(example);
  });

  it('accepts a minimal event with only the required fields', () => {
    const item = accept('{"sw":1,"proc":"p","seq":1,"vc":{"p":1},"action":"A"}');
    expect(item.event.proc).toBe('p');
    expect(item.event.seq).toBe(1);
    expect(item.event.action).toBe('A');
  });

  it('defaults absent params to an empty object', () => {
    const item = accept(eventText({ params: undefined }));
    expect(item.event.params).toEqual({});
  });

  it('keeps unknown top-level fields on the decoded event', () => {
    const item = accept(eventText({ region: 'eu-west-1', extra: { nested: [1, 2] } }));
    expect(item.event['region']).toBe('eu-west-1');
    expect(item.event['extra']).toEqual({ nested: [1, 2] });
  });

  it('reports clockSum as the sum of the clock entries', () => {
    expect(accept(eventText()).clockSum).toBe(52);
    expect(accept(eventText({ seq: 3, vc: { [PROC]: 3, a: 0, b: 5, c: 7 } })).clockSum).toBe(15);
  });

  it('carries the origin it was given', () => {
    expect(accept(eventText()).origin).toBe(origin);
  });

  it('accepts clock entries of 0 for other processes', () => {
    expect(accept(eventText({ vc: { [PROC]: 12, other: 0 } })).event.vc).toEqual({ [PROC]: 12, other: 0 });
  });

  it('accepts a proc of exactly the 200-char limit', () => {
    const proc = 'p'.repeat(200);
    expect(accept(eventText({ proc, vc: { [proc]: 12 } })).event.proc).toBe(proc);
  });

  it('accepts exactly maxClockEntries clock entries', () => {
    const limits = withLimits({ maxClockEntries: 3 });
    expect(accept(eventText({ vc: { [PROC]: 12, a: 1, b: 2 } }), limits).clockSum).toBe(15);
  });

  it('accepts a time of 0 and a fractional time', () => {
    expect(accept(eventText({ time: 0 })).event.time).toBe(0);
    expect(accept(eventText({ time: 1763640000123.5 })).event.time).toBe(1763640000123.5);
  });
});

describe('decodeEvent: the record as a whole', () => {
  it('rejects text that is not JSON', () => {
    const d = reject('{"sw":1,');
    expect(d).toMatchObject({ type: 'diagnostic', kind: 'malformed', field: '(event)' });
    expect(d.expected).toMatch(/JSON object/);
    expect(d.got).toMatch(/not JSON/);
  });

  it('rejects empty text as not JSON', () => {
    const d = reject('');
    expect(d.field).toBe('(event)');
    expect(d.got).toMatch(/not JSON/);
  });

  it('rejects a JSON array', () => {
    const d = reject('[1,2]');
    expect(d.field).toBe('(event)');
    expect(d.expected).toMatch(/JSON object/);
    expect(d.got).toMatch(/array of 2 items/);
  });

  it('rejects a JSON number', () => {
    const d = reject('42');
    expect(d.field).toBe('(event)');
    expect(d.got).toMatch(/number 42/);
  });

  it('rejects JSON null', () => {
    const d = reject('null');
    expect(d.field).toBe('(event)');
    expect(d.got).toBe('null');
  });

  it('rejects a JSON string', () => {
    const d = reject('"an event"');
    expect(d.field).toBe('(event)');
    expect(d.got).toMatch(/string "an event"/);
  });

  it('carries the origin on a rejection', () => {
    expect(reject('nope').origin).toBe(origin);
  });
});

describe('decodeEvent: sw', () => {
  it('rejects a missing sw', () => {
    const d = reject(eventText({ sw: undefined }));
    expect(d.field).toBe('sw');
    expect(d.expected).toMatch(/integer 1/);
    expect(d.got).toMatch(/missing/);
  });

  it('rejects sw 2', () => {
    const d = reject(eventText({ sw: 2 }));
    expect(d.field).toBe('sw');
    expect(d.got).toMatch(/number 2/);
  });

  it('rejects sw as the string "1"', () => {
    const d = reject(eventText({ sw: '1' }));
    expect(d.field).toBe('sw');
    expect(d.got).toMatch(/string "1"/);
  });
});

describe('decodeEvent: proc', () => {
  it('rejects a missing proc', () => {
    const d = reject(eventText({ proc: undefined }));
    expect(d.field).toBe('proc');
    expect(d.expected).toMatch(/non-empty string/);
    expect(d.expected).toMatch(/200/);
    expect(d.got).toMatch(/missing/);
  });

  it('rejects an empty proc', () => {
    const d = reject(eventText({ proc: '' }));
    expect(d.field).toBe('proc');
    expect(d.got).toMatch(/string ""/);
  });

  it('rejects a proc of 201 chars', () => {
    const proc = 'p'.repeat(201);
    const d = reject(eventText({ proc, vc: { [proc]: 12 } }));
    expect(d.field).toBe('proc');
    expect(d.expected).toMatch(/at most 200 chars/);
    expect(d.got).toMatch(/string/);
    expect(d.got).toMatch(/201 chars/);
  });

  it('applies a configured maxProcLength', () => {
    const d = reject(eventText(), withLimits({ maxProcLength: 5 }));
    expect(d.field).toBe('proc');
    expect(d.expected).toMatch(/at most 5 chars/);
  });

  it('rejects a proc that is not a string', () => {
    const d = reject(eventText({ proc: 7 }));
    expect(d.field).toBe('proc');
    expect(d.got).toMatch(/number 7/);
  });
});

describe('decodeEvent: seq', () => {
  it.each([
    [0, /number 0/],
    [-1, /number -1/],
    [1.5, /number 1\.5/],
    ['3', /string "3"/],
  ])('rejects seq %j', (seq, got) => {
    const d = reject(eventText({ seq }));
    expect(d.field).toBe('seq');
    expect(d.expected).toMatch(/positive integer/);
    expect(d.got).toMatch(got);
  });

  it('rejects a missing seq', () => {
    const d = reject(eventText({ seq: undefined }));
    expect(d.field).toBe('seq');
    expect(d.got).toMatch(/missing/);
  });
});

describe('decodeEvent: vc', () => {
  it('rejects a missing vc', () => {
    const d = reject(eventText({ vc: undefined }));
    expect(d.field).toBe('vc');
    expect(d.expected).toMatch(/object/);
    expect(d.got).toMatch(/missing/);
  });

  it('rejects a vc that is an array', () => {
    const d = reject(eventText({ vc: [12] }));
    expect(d.field).toBe('vc');
    expect(d.expected).toMatch(/object/);
    expect(d.got).toMatch(/array of 1 item/);
  });

  it('rejects a negative entry, naming the entry', () => {
    const d = reject(eventText({ vc: { [PROC]: 12, 'api@19c2': -1 } }));
    expect(d.field).toBe('vc["api@19c2"]');
    expect(d.expected).toMatch(/non-negative integer/);
    expect(d.got).toMatch(/number -1/);
  });

  it('rejects a non-integer entry', () => {
    const d = reject(eventText({ vc: { [PROC]: 12, 'api@19c2': 0.5 } }));
    expect(d.field).toBe('vc["api@19c2"]');
    expect(d.got).toMatch(/number 0\.5/);
  });

  it('rejects an entry that is a string', () => {
    const d = reject(eventText({ vc: { [PROC]: 12, 'api@19c2': '40' } }));
    expect(d.field).toBe('vc["api@19c2"]');
    expect(d.got).toMatch(/string "40"/);
  });

  it('rejects an empty key', () => {
    const d = reject(eventText({ vc: { [PROC]: 12, '': 1 } }));
    expect(d.field).toBe('vc');
    expect(d.expected).toMatch(/process names/);
    expect(d.got).toBe('the key ""');
  });

  it('rejects a key longer than maxProcLength', () => {
    const d = reject(eventText({ vc: { [PROC]: 12, ['k'.repeat(201)]: 1 } }));
    expect(d.field).toBe('vc');
    expect(d.expected).toMatch(/1 to 200 chars/);
    expect(d.got).toMatch(/201 chars/);
  });

  it('rejects more than maxClockEntries entries', () => {
    const d = reject(eventText({ vc: { [PROC]: 12, a: 1, b: 2 } }), withLimits({ maxClockEntries: 2 }));
    expect(d.field).toBe('vc');
    expect(d.expected).toMatch(/at most 2 entries/);
    expect(d.got).toMatch(/more than 2 entries/);
  });

  it('rejects vc[proc] that differs from seq, naming the own entry', () => {
    const d = reject(eventText({ vc: { [PROC]: 11, 'api@19c2': 40 } }));
    expect(d.field).toBe(`vc["${PROC}"]`);
    expect(d.expected).toMatch(/12/);
    expect(d.expected).toMatch(/equal to seq/);
    expect(d.got).toMatch(/number 11/);
  });

  it('rejects a clock without its own entry', () => {
    const d = reject(eventText({ vc: { 'api@19c2': 40 } }));
    expect(d.field).toBe(`vc["${PROC}"]`);
    expect(d.expected).toMatch(/equal to seq/);
    expect(d.got).toMatch(/missing/);
  });
});

describe('decodeEvent: action', () => {
  it('rejects a missing action', () => {
    const d = reject(eventText({ action: undefined }));
    expect(d.field).toBe('action');
    expect(d.expected).toMatch(/non-empty string/);
    expect(d.got).toMatch(/missing/);
  });

  it('rejects an empty action', () => {
    const d = reject(eventText({ action: '' }));
    expect(d.field).toBe('action');
    expect(d.got).toMatch(/string ""/);
  });

  it('rejects an action longer than maxActionLength', () => {
    const d = reject(eventText({ action: 'A'.repeat(201) }));
    expect(d.field).toBe('action');
    expect(d.expected).toMatch(/at most 200 chars/);
    expect(d.got).toMatch(/201 chars/);
  });

  it('applies a configured maxActionLength', () => {
    const d = reject(eventText({ action: 'Create' }), withLimits({ maxActionLength: 5 }));
    expect(d.field).toBe('action');
    expect(d.expected).toMatch(/at most 5 chars/);
    expect(d.got).toMatch(/string "Create"/);
  });

  it('rejects an action that is not a string', () => {
    const d = reject(eventText({ action: ['CreateContent'] }));
    expect(d.field).toBe('action');
    expect(d.got).toMatch(/array/);
  });
});

describe('decodeEvent: params', () => {
  it('rejects params that are an array', () => {
    const d = reject(eventText({ params: [1] }));
    expect(d.field).toBe('params');
    expect(d.expected).toMatch(/object/);
    expect(d.got).toMatch(/array of 1 item/);
  });

  it('rejects params that are a string', () => {
    const d = reject(eventText({ params: 'id=1' }));
    expect(d.field).toBe('params');
    expect(d.got).toMatch(/string "id=1"/);
  });

  it('rejects params that are null', () => {
    const d = reject(eventText({ params: null }));
    expect(d.field).toBe('params');
    expect(d.got).toBe('null');
  });

  it('rejects an integer id beyond 2^53−1, which JSON.parse would round, naming where it is', () => {
    // Written as text: 9007199254740993 is read as …992, so two different ids would become one.
    const d = reject(eventText().replace('"params":{"id":1,', '"params":{"id":9007199254740993,'));
    expect(d.field).toBe('params.id');
    expect(d.expected).toMatch(/within ±\(2\^53−1\).*as strings/);
    expect(d.got).toBe('the number 9007199254740992 (as read)');
  });

  it('finds an inexact number nested in arrays and objects, and accepts the largest exact one', () => {
    expect(reject(eventText({ params: { batch: [{ n: 1 }, { n: -1e300 }] } })).field).toBe('params.batch[1].n');
    expect(accept(eventText({ params: { id: Number.MAX_SAFE_INTEGER, low: -Number.MAX_SAFE_INTEGER, f: 0.5 } })).event.params.id).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads a 64-bit id sent as a string exactly', () => {
    expect(accept(eventText({ params: { id: '9007199254740993' } })).event.params.id).toBe('9007199254740993');
  });
});

describe('decodeEvent: service', () => {
  it('rejects a service that is not a string', () => {
    const d = reject(eventText({ service: 5 }));
    expect(d.field).toBe('service');
    expect(d.expected).toMatch(/string/);
    expect(d.got).toMatch(/number 5/);
  });

  it('rejects a service longer than maxStringLength', () => {
    const d = reject(eventText({ service: 'a-long-service' }), withLimits({ maxStringLength: 8 }));
    expect(d.field).toBe('service');
    expect(d.expected).toMatch(/at most 8 chars/);
    expect(d.got).toMatch(/string "a-long-service"/);
  });

  it('accepts an absent service', () => {
    expect(accept(eventText({ service: undefined })).event.service).toBeUndefined();
  });
});

describe('decodeEvent: time', () => {
  it('rejects a negative time', () => {
    const d = reject(eventText({ time: -1 }));
    expect(d.field).toBe('time');
    expect(d.expected).toMatch(/non-negative number/);
    expect(d.got).toMatch(/number -1/);
  });

  it('rejects a time that is a string', () => {
    const d = reject(eventText({ time: '1763640000123' }));
    expect(d.field).toBe('time');
    expect(d.got).toMatch(/string "1763640000123"/);
  });

  it('rejects a time that parses to Infinity', () => {
    const d = reject(eventText({ time: 0 }).replace('"time":0', '"time":1e400'));
    expect(d.field).toBe('time');
    expect(d.got).toMatch(/number Infinity/);
  });

  it('rejects a time of null (what JSON.stringify makes of NaN)', () => {
    const d = reject(eventText({ time: Number.NaN }));
    expect(d.field).toBe('time');
    expect(d.got).toBe('null');
  });
});

describe('decodeEvent: trace', () => {
  it('rejects a trace that is not an object', () => {
    const d = reject(eventText({ trace: '4bf92f35/00f067aa' }));
    expect(d.field).toBe('trace');
    expect(d.expected).toMatch(/traceId and spanId/);
    expect(d.got).toMatch(/string/);
  });

  it('rejects a trace that is an array', () => {
    const d = reject(eventText({ trace: [] }));
    expect(d.field).toBe('trace');
    expect(d.got).toMatch(/array of 0 items/);
  });

  it('rejects a trace without spanId', () => {
    const d = reject(eventText({ trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' } }));
    expect(d.field).toBe('trace.spanId');
    expect(d.expected).toMatch(/non-empty string/);
    expect(d.got).toMatch(/missing/);
  });

  it('rejects an empty traceId', () => {
    const d = reject(eventText({ trace: { traceId: '', spanId: '00f067aa0ba902b7' } }));
    expect(d.field).toBe('trace.traceId');
    expect(d.got).toMatch(/string ""/);
  });
});

describe('decodeEvent: maxEventBytes', () => {
  it('accepts an event of exactly maxEventBytes bytes', () => {
    const text = eventText();
    expect(accept(text, withLimits({ maxEventBytes: Buffer.byteLength(text) })).event.proc).toBe(PROC);
  });

  it('rejects an event one byte over maxEventBytes, counting its bytes', () => {
    const text = eventText();
    const size = Buffer.byteLength(text);
    const d = reject(text, withLimits({ maxEventBytes: size - 1 }));
    expect(d.field).toBe('(event)');
    expect(d.expected).toBe(`at most ${size - 1} bytes`);
    expect(d.got).toBe(`${size} bytes`);
  });

  it.each([
    ['two-byte', 'é'],
    ['four-byte', '😀'],
  ])('rejects an event whose UTF-16 length fits but whose UTF-8 bytes do not (%s chars)', (_name, char) => {
    const text = eventText({ action: char.repeat(20) });
    const bytes = Buffer.byteLength(text);
    const limit = text.length;
    expect(bytes).toBeGreaterThan(limit);
    const d = reject(text, withLimits({ maxEventBytes: limit }));
    expect(d.field).toBe('(event)');
    expect(d.expected).toBe(`at most ${limit} bytes`);
    expect(d.got).toBe(`${bytes} bytes`);
  });

  it('accepts a multi-byte event whose UTF-8 bytes equal the limit', () => {
    const text = eventText({ action: 'é'.repeat(20) });
    expect(accept(text, withLimits({ maxEventBytes: Buffer.byteLength(text) })).event.action).toBe('é'.repeat(20));
  });

  it('checks the size before parsing', () => {
    const d = reject('x'.repeat(50), withLimits({ maxEventBytes: 10 }));
    expect(d.field).toBe('(event)');
    expect(d.got).toMatch(/bytes/);
  });
});

describe('decodeEvent: what a rejection identifies', () => {
  it('names neither proc nor seq when sw fails', () => {
    const d = reject(eventText({ sw: 2 }));
    expect(d).not.toHaveProperty('proc');
    expect(d).not.toHaveProperty('seq');
  });

  it('names proc but not seq when seq fails', () => {
    const d = reject(eventText({ seq: 0 }));
    expect(d.proc).toBe(PROC);
    expect(d).not.toHaveProperty('seq');
  });

  it('names proc and seq when the clock fails', () => {
    const d = reject(eventText({ vc: { [PROC]: 11 } }));
    expect(d.proc).toBe(PROC);
    expect(d.seq).toBe(12);
  });

  it('names proc and seq when a later field fails', () => {
    const d = reject(eventText({ trace: { traceId: 'abc' } }));
    expect(d).toMatchObject({ field: 'trace.spanId', proc: PROC, seq: 12, origin });
  });
});

describe('describeFound', () => {
  it('names a missing value', () => {
    expect(describeFound(undefined)).toBe('nothing (the field is missing)');
  });

  it('previews a long string and gives its length', () => {
    const found = describeFound('x'.repeat(50));
    expect(found).toBe(`the string "${'x'.repeat(40)}…" (50 chars)`);
  });

  it('escapes a string preview as JSON', () => {
    expect(describeFound('a"b\n')).toBe('the string "a\\"b\\n"');
  });

  it('counts the fields of an object and the items of an array', () => {
    expect(describeFound({ a: 1, b: 2 })).toBe('an object with 2 fields');
    expect(describeFound([1])).toBe('an array of 1 item');
    expect(describeFound([1, 2, 3])).toBe('an array of 3 items');
  });

  it('names booleans and numbers with their value', () => {
    expect(describeFound(false)).toBe('the boolean false');
    expect(describeFound(-2.5)).toBe('the number -2.5');
  });
});
