import { CRASH_EXIT_STATUS } from '../services/service-lifecycle.ts';
import { ServiceProcess, describeExit, type ServiceLaunch } from './service-process.ts';

/** More than this many crashes in one run is a crash loop, not a scenario. */
const MAX_RESTARTS = 12;

/** Every child of every run in this process, killed if the launcher exits with any still running. */
const everyChild = new Set<ServiceProcess>();
process.on('exit', () => {
  for (const service of everyChild) service.child.kill('SIGKILL');
});

export interface Incarnation {
  readonly name: string;
  readonly proc: string;
}

/**
 * The processes of one run. A worker that crashes is started again (a new incarnation, as an
 * orchestrator would); any other unexpected exit fails the run through `failure`.
 */
export class ServiceGroup {
  readonly #running = new Map<string, ServiceProcess>();
  readonly #incarnations: Incarnation[] = [];
  #restarts = 0;
  #stopping = false;
  #fail: (error: Error) => void = () => undefined;
  /** Rejects when a service exits unexpectedly; never resolves. */
  readonly failure = new Promise<never>((_, reject) => (this.#fail = reject));

  constructor(private readonly log: (line: string) => void) {
    this.failure.catch(() => undefined);
  }

  get restarts(): number {
    return this.#restarts;
  }

  get incarnations(): readonly Incarnation[] {
    return this.#incarnations;
  }

  get(name: string): ServiceProcess | undefined {
    return this.#running.get(name);
  }

  /** Starts a service; `restart` starts it again after a crash, `finishes` means exiting 0 is expected. */
  start(launch: ServiceLaunch, how: { restart?: boolean; finishes?: boolean } = {}): ServiceProcess {
    const service = new ServiceProcess(launch, this.log);
    everyChild.add(service);
    this.#running.set(launch.name, service);
    void service.awaitLine('ready').then((ready) => {
      const proc = (ready as { proc?: unknown }).proc;
      if (typeof proc === 'string') this.#incarnations.push({ name: launch.name, proc });
    }, () => undefined);
    void service.exited.then((exit) => {
      everyChild.delete(service);
      if (this.#stopping || (how.finishes === true && exit.code === 0)) return;
      if (how.restart === true && exit.code === CRASH_EXIT_STATUS && this.#restarts < MAX_RESTARTS) {
        this.#restarts++;
        this.log(`${launch.name} crashed; starting a new incarnation (restart ${this.#restarts})`);
        this.start(launch, how);
        return;
      }
      this.#fail(new Error(`${launch.name} exited unexpectedly (${describeExit(exit)})${this.#restarts >= MAX_RESTARTS ? ` after ${MAX_RESTARTS} restarts` : ''}\n${service.stderrTail()}`));
    });
    return service;
  }

  /** Stops every service, each flushing its recorder; the store last, since the others may still write as they stop. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    const others = [...this.#running.values()].filter((service) => service.name !== 'store');
    await Promise.all(others.map((service) => service.stop()));
    await this.#running.get('store')?.stop();
  }
}
