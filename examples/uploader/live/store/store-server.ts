// The store process: the uploads and content tables (each record with its writer's clock), and the
// embedded transport's work queue. It records no spec actions and runs no OpenTelemetry: it only
// keeps what writers stamped, so it adds no causality of its own.
//
//   GET  /records/:table               live records: {records: [{id, value, clock}]}
//   GET  /records/:table/:id           {record: {value, clock} | null}
//   POST /records/:table/:id/lock      waits for the lock: {lock, record}
//   PUT  /records/:table/:id           {lock, value, clock}: stores and unlocks
//   POST /records/:table/:id/unlock    {lock}
//   POST /queue  {id, op, clock}   POST /queue/take {waitMs}   POST /queue/ack|renew {lease}   GET /queue
//   POST /deliveries {message}     counts deliveries of a Kafka record, for the workers' dead-lettering
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { decodeClockHeader } from '../../../../instrumentation/index.ts';
import { readJsonObject, sendJson } from '../services/json-http.ts';
import { announceReady, stopOnRequest } from '../services/service-lifecycle.ts';
import { RecordTable } from './record-table.ts';
import { WorkQueue } from './work-queue.ts';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'lease-ms': { type: 'string', default: '1500' }, 'lock-lease-ms': { type: 'string', default: '5000' }, 'max-deliveries': { type: 'string', default: '3' } },
});
const whole = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`store: --${name} expects a whole number, got '${raw}'`);
  return n;
};

const tables = new Map(['uploads', 'content'].map((name) => [name, new RecordTable(name, whole('lock-lease-ms', values['lock-lease-ms']))]));
const queue = new WorkQueue(whole('lease-ms', values['lease-ms']), whole('max-deliveries', values['max-deliveries']));
const deliveries = new Map<string, number>();

class BadRequest extends Error {}

const bodyOf = (request: IncomingMessage): Promise<Record<string, unknown>> =>
  readJsonObject(request).catch((error: unknown) => {
    throw new BadRequest(error instanceof Error ? error.message : String(error));
  });

const ID = /^[1-9][0-9]{0,14}$/;
const field = (body: Record<string, unknown>, name: string, type: 'string' | 'number'): string | number => {
  const value = body[name];
  if (typeof value !== type) throw new BadRequest(`${name}: expected a ${type}, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value as string | number;
};

async function route(request: IncomingMessage, response: ServerResponse, hungUp: AbortSignal): Promise<void> {
  const { pathname } = new URL(request.url ?? '/', 'http://store');
  const [, head, name, idText, action] = pathname.split('/');
  const method = request.method ?? 'GET';
  if (head === 'records' && name !== undefined) {
    const table = tables.get(name);
    if (table === undefined) throw new BadRequest(`no table '${name}' (uploads or content)`);
    if (idText === undefined) return sendJson(response, 200, { records: table.live().map(({ id, record }) => ({ id, ...record })) });
    if (!ID.test(idText)) throw new BadRequest(`record id: expected a positive whole number, got '${idText}'`);
    const id = Number(idText);
    if (method === 'GET' && action === undefined) return sendJson(response, 200, { record: table.get(id) ?? null });
    if (method === 'POST' && action === 'lock') {
      const lock = await table.lock(id, hungUp);
      return sendJson(response, 200, { lock, record: table.get(id) ?? null });
    }
    const body = await bodyOf(request);
    const lock = String(field(body, 'lock', 'string'));
    if (method === 'POST' && action === 'unlock') return sendJson(response, table.unlock(id, lock) ? 204 : 409, undefined);
    if (method === 'PUT' && action === undefined) {
      const value = body.value === null ? null : Number(field(body, 'value', 'number'));
      const clock = body.clock;
      if (typeof clock !== 'object' || clock === null) throw new BadRequest('clock: expected the writer\'s vector clock (an object)');
      return sendJson(response, table.put(id, lock, value, clock as Record<string, number>) ? 204 : 409, undefined);
    }
  }
  if (head === 'queue') {
    if (method === 'GET' && name === undefined) return sendJson(response, 200, queue.counts());
    const body = await bodyOf(request);
    if (name === undefined) {
      const op = field(body, 'op', 'string');
      if (op !== 'create' && op !== 'edit' && op !== 'delete') throw new BadRequest(`op: expected create, edit or delete, got '${op}'`);
      const clock = String(field(body, 'clock', 'string'));
      if (decodeClockHeader(clock) === undefined) throw new BadRequest('clock: not a specwatch-clock value');
      queue.send(Number(field(body, 'id', 'number')), op, clock);
      return sendJson(response, 202, undefined);
    }
    if (name === 'take') {
      const taken = await queue.take(Math.min(Number(body.waitMs ?? 1000), 30_000), hungUp);
      return sendJson(response, 200, taken ?? { message: null });
    }
    if (name === 'ack') return sendJson(response, queue.ack(String(field(body, 'lease', 'string'))) ? 204 : 410, undefined);
    if (name === 'renew') return sendJson(response, queue.renew(String(field(body, 'lease', 'string'))) ? 204 : 410, undefined);
  }
  if (head === 'deliveries' && method === 'POST') {
    const message = String(field(await bodyOf(request), 'message', 'string'));
    const count = (deliveries.get(message) ?? 0) + 1;
    deliveries.set(message, count);
    return sendJson(response, 200, { count });
  }
  sendJson(response, 404, { error: `no route ${method} ${pathname}` });
}

const server = http.createServer((request, response) => {
  const hungUp = new AbortController();
  response.on('close', () => hungUp.abort());
  route(request, response, hungUp.signal).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    sendJson(response, error instanceof BadRequest ? 400 : 500, { error: message });
  });
});
server.keepAliveTimeout = 30_000;
server.listen(whole('port', values.port), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  announceReady({ url: `http://127.0.0.1:${port}` });
});
stopOnRequest('store', async () => {
  queue.close();
  for (const table of tables.values()) table.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
