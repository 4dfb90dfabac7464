// The upload API process: services.ts's UploadApi over HTTP. Users (the load generator) call
//   POST /uploads/:id   create     PUT /uploads/:id   edit     DELETE /uploads/:id   delete
// Each records Create, Edit or Delete as it writes the upload, then sends (id, op) to the queue.
// GET /uploads/:id answers {id, version, content} (null when missing) and records nothing.
// Run by the launcher as: node --import tsx --import ./telemetry.ts upload-api.ts --store URL [--port N] [queue flags]
import http, { type ServerResponse } from 'node:http';
import { CLOCK_HEADER, encodeClockHeader } from '../../../../instrumentation/index.ts';
import type { Op } from '../../spec.ts';
import { closeConnections, sendJson } from './json-http.ts';
import { QUEUE_FLAGS, queueSettings, serviceFlags, wholeNumber } from './service-args.ts';
import { announceReady, failStartup, stopOnRequest } from './service-lifecycle.ts';
import { StoreClient } from './store-client.ts';
import { recorder, stopTelemetry } from './telemetry.ts';
import { openSender } from './upload-queue.ts';

const NAME = 'upload-api';
const values = serviceFlags(NAME, { ...QUEUE_FLAGS, port: { type: 'string' } });
const settings = queueSettings(NAME, values);
const store = new StoreClient(values.store!, recorder);
const queue = await openSender(settings, recorder, recorder.proc).catch((error: unknown) => failStartup(NAME, error));

type Outcome = { readonly status: number; readonly body?: Record<string, unknown> };

/** One user request, as UploadApi: the write and its action under the upload's lock, then the send. */
async function act(id: number, op: Op): Promise<Outcome> {
  const done = await store.locked('uploads', id, async (upload): Promise<Outcome | undefined> => {
    const version = upload.read();
    if (op === 'create') {
      if (version !== undefined) return { status: 409, body: { error: `upload ${id} exists` } };
      await upload.write(1, () => recorder.record('Create', { id, version: 1 }));
      return undefined;
    }
    if (version === undefined) return { status: 404, body: { error: `no upload ${id}` } };
    if (op === 'edit') await upload.write(version + 1, () => recorder.record('Edit', { id, version: version + 1 }));
    else await upload.write(undefined, () => recorder.record('Delete', { id }));
    return undefined;
  });
  if (done !== undefined) return done;
  await queue.send({ id, op });
  return op === 'delete' ? { status: 204 } : { status: op === 'create' ? 201 : 200, body: { id } };
}

const OPS: Record<string, Op> = { POST: 'create', PUT: 'edit', DELETE: 'delete' };

/** What a user sees of an upload: reads, so they merge the writers' clocks as any read does. */
async function look(id: number): Promise<Outcome> {
  const [version, content] = await Promise.all([store.read('uploads', id), store.read('content', id)]);
  return { status: 200, body: { id, version: version ?? null, content: content ?? null } };
}

function answer(response: ServerResponse, outcome: Outcome): void {
  // The user learns what the API knew when it answered, so their next request carries it.
  sendJson(response, outcome.status, outcome.body, { [CLOCK_HEADER]: encodeClockHeader(recorder.clock()) });
}

const server = http.createServer((request, response) => {
  const match = /^\/uploads\/([1-9][0-9]{0,14})$/.exec(request.url ?? '');
  const op = OPS[request.method ?? ''];
  request.resume();
  if (match === null || (op === undefined && request.method !== 'GET')) return answer(response, { status: 404, body: { error: `no route ${request.method} ${request.url}` } });
  (op === undefined ? look(Number(match[1])) : act(Number(match[1]), op)).then(
    (outcome) => answer(response, outcome),
    (error: unknown) => answer(response, { status: 500, body: { error: error instanceof Error ? error.message : String(error) } }),
  );
});
server.listen(wholeNumber(NAME, 'port', values.port, 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  announceReady({ proc: recorder.proc, url: `http://127.0.0.1:${port}` });
});
stopOnRequest(recorder.proc, async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await queue.close();
  await stopTelemetry();
  closeConnections();
});
