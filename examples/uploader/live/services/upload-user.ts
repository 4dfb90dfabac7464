// A user of the upload API. Each request carries what this process knows (OpenTelemetry injects
// the clock); each answer's specwatch-clock header is merged, so a user's next request is known
// to come after the answers it saw.
import { CLOCK_HEADER, decodeClockHeader, type SpecRecorder } from '../../../../instrumentation/index.ts';
import { callJson } from './json-http.ts';
import { sleep } from './service-lifecycle.ts';

export interface UserTally {
  requests: number;
  failures: number;
}

export class UploadUser {
  constructor(private readonly api: string, private readonly recorder: SpecRecorder, private readonly tally: UserTally) {}

  async create(id: number): Promise<boolean> {
    return (await this.#call('POST', id, 201)) !== undefined;
  }

  async edit(id: number): Promise<boolean> {
    return (await this.#call('PUT', id, 200)) !== undefined;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.#call('DELETE', id, 204)) !== undefined;
  }

  /** Waits until the upload's content has `version` (its message was handled); false after `timeoutMs`. */
  async awaitContent(id: number, version: number, timeoutMs = 10_000): Promise<boolean> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
      const seen = await this.#call('GET', id, 200);
      if ((seen as { content?: unknown } | undefined)?.content === version) return true;
    }
    process.stderr.write(`users: the content of upload ${id} did not reach version ${version} within ${timeoutMs} ms; going on\n`);
    return false;
  }

  async #call(method: string, id: number, expected: number): Promise<unknown> {
    this.tally.requests++;
    try {
      const reply = await callJson(method, `${this.api}/uploads/${id}`);
      const header = reply.headers[CLOCK_HEADER];
      const clock = typeof header === 'string' ? decodeClockHeader(header) : undefined;
      if (clock !== undefined) this.recorder.receive(clock);
      if (reply.status === expected) return reply.body ?? true;
      this.#failed(`${method} /uploads/${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
    } catch (error) {
      this.#failed(error instanceof Error ? error.message : String(error));
    }
    return undefined;
  }

  #failed(why: string): void {
    this.tally.failures++;
    process.stderr.write(`users: ${why}\n`);
  }
}
