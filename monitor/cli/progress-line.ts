import type { TextOutput } from './cli-environment.ts';

const EVERY_MS = 250;
const FIRST_AFTER_MS = 500;

/** A self-overwriting status line on a terminal; silent elsewhere, so logs stay clean. */
export class ProgressLine {
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  private shown = false;

  constructor(private readonly output: TextOutput, enabled: boolean, private readonly status: (elapsedSeconds: number) => string) {
    if (enabled && output.isTTY === true) {
      this.timer = setInterval(() => this.draw(), EVERY_MS);
      this.timer.unref();
    }
  }

  private draw(): void {
    const elapsed = Date.now() - this.started;
    if (elapsed < FIRST_AFTER_MS) return;
    this.output.write(`\r\x1b[K${this.status(elapsed / 1000)}`);
    this.shown = true;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.shown) this.output.write('\r\x1b[K');
  }
}
