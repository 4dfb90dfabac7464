// JSON over node:http, for the uploader's processes. Importing node:http (not fetch) matters: it is
// what OpenTelemetry's http instrumentation patches, so every call carries the caller's clock.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';

export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
}

// Kept-alive sockets: a worker makes several calls per message.
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const MAX_BODY_BYTES = 1 << 20;

/** One call; rejects with a message naming the URL when the server cannot be reached or times out. */
export function callJson(method: string, url: string, body?: unknown, timeoutMs = 10_000): Promise<JsonReply> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (response) => {
      readBody(response).then(
        (raw) => resolve({ status: response.statusCode ?? 0, body: raw === '' ? undefined : parseJson(raw, `${method} ${url}`), headers: response.headers }),
        reject,
      );
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => reject(new Error(`${method} ${url} failed: ${error.message}`, { cause: error })));
    request.end(text);
  });
}

/** Closes the kept-alive sockets, so that a stopping process has nothing left open. */
export function closeConnections(): void {
  agent.destroy();
}

export function readBody(message: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    message.setEncoding('utf8');
    message.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY_BYTES) message.destroy(new Error(`body over ${MAX_BODY_BYTES} bytes`));
    });
    message.on('end', () => resolve(text));
    message.on('error', reject);
  });
}

/** The request's JSON body as an object; throws a message the caller returns as a 400. */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(request);
  const parsed = raw === '' ? {} : parseJson(raw, 'the request body');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function sendJson(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${what} is not JSON: ${text.slice(0, 80)}`);
  }
}
