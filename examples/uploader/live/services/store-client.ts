// The services' side of the store: the talk's serverdb.get/set, with causality. Every record
// carries its writer's clock (stampWrite); a read merges it (mergeRead). What is merged when is
// exactly ClockedStore's in world.ts, so the checker sees the same happens-before as the simulator.
import { mergeRead, stampWrite, type SpecRecorder, type Stamped } from '../../../../instrumentation/index.ts';
import { callJson, type JsonReply } from './json-http.ts';

export type Table = 'uploads' | 'content';
type StoredRecord = Stamped<number | null>;

/** Long enough for any writer in a queue of writers to one record. */
const LOCK_WAIT_MS = 30_000;

/** A record held under its lock: read it, or write it once. */
export interface LockedRecord {
  /** A read under the lock: merges the record's clock (ClockedStore.read). */
  read(): number | undefined;
  /** Learns the record it replaces, runs `act` (records the action), stores the value with the clock after it (ClockedStore.write). */
  write(value: number | undefined, act: () => void): Promise<void>;
}

function expect(reply: JsonReply, status: number, what: string): JsonReply {
  if (reply.status !== status) throw new Error(`store: ${what} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

export class StoreClient {
  constructor(private readonly url: string, private readonly recorder: SpecRecorder) {}

  /** ClockedStore.read: merges the clock of the record, deleted or not. */
  async read(table: Table, id: number): Promise<number | undefined> {
    const reply = expect(await callJson('GET', `${this.url}/records/${table}/${id}`), 200, `reading ${table}/${id}`);
    const { record } = reply.body as { record: StoredRecord | null };
    return mergeRead(this.recorder, record ?? undefined) ?? undefined;
  }

  /** ClockedStore.keys: the ids of live records, merging each one's clock. */
  async keys(table: Table): Promise<number[]> {
    const reply = expect(await callJson('GET', `${this.url}/records/${table}`), 200, `listing ${table}`);
    const { records } = reply.body as { records: Array<StoredRecord & { id: number }> };
    return records.map((record) => (mergeRead(this.recorder, record), record.id));
  }

  /**
   * Runs `body` holding the record's lock, so that no other writer comes between what it reads
   * and what it writes. Nothing is merged by taking the lock: only `read` and `write` merge.
   */
  async locked<T>(table: Table, id: number, body: (record: LockedRecord) => Promise<T>): Promise<T> {
    const path = `${this.url}/records/${table}/${id}`;
    const reply = expect(await callJson('POST', `${path}/lock`, {}, LOCK_WAIT_MS), 200, `locking ${table}/${id}`);
    const { lock, record } = reply.body as { lock: string; record: StoredRecord | null };
    let written = false;
    const held: LockedRecord = {
      read: () => mergeRead(this.recorder, record ?? undefined) ?? undefined,
      write: async (value, act) => {
        if (written) throw new Error(`store: ${table}/${id} written twice under one lock`);
        written = true;
        mergeRead(this.recorder, record ?? undefined);
        act();
        const { clock } = stampWrite(this.recorder, value ?? null);
        expect(await callJson('PUT', path, { lock, value: value ?? null, clock }), 204, `writing ${table}/${id} (the lock's lease ran out?)`);
      },
    };
    try {
      return await body(held);
    } finally {
      if (!written) await callJson('POST', `${path}/unlock`, { lock }).catch(() => undefined);
    }
  }

  /** Counts one more delivery of a Kafka record (topic/partition/offset) and returns the count. */
  async countDelivery(message: string): Promise<number> {
    const reply = expect(await callJson('POST', `${this.url}/deliveries`, { message }), 200, `counting deliveries of ${message}`);
    return (reply.body as { count: number }).count;
  }
}
