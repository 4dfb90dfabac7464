// `npm run -s bench:timeline`: how long `specwatch timeline` takes and how big its page is, for
// uploader traces of 10,000 and 100,000 events (with and without --spec), and how soon Chromium
// first draws the page. Medians of --runs (3) fresh processes and page loads; JSON on stdout.
// Options: see USAGE (--help).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { benchOptions, countOption } from './bench-options.ts';
import { uploaderTrace } from './bench-trace.ts';

const USAGE = `usage: npm run -s bench:timeline -- [--runs N] [--events 10000,100000]

For uploader traces of each size in --events: how long specwatch timeline takes, with and without
--spec, how big the page is, and how soon Chromium first draws it. Medians of --runs (default 3).`;
const values = benchOptions(USAGE, { runs: { type: 'string', default: '3' }, events: { type: 'string', default: '10000,100000' } });
const runs = countOption(values, 'runs', USAGE);
const sizes = String(values.events).split(',').map((size) => countOption({ events: size }, 'events', USAGE, 16));
const BIN = fileURLToPath(new URL('../../bin/specwatch.js', import.meta.url));
const SPEC = fileURLToPath(new URL('../../examples/uploader/spec.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'specwatch-timeline-bench-'));

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number): number => Math.round(x);

/** `specwatch timeline` in a fresh process, timed from launch to exit. */
function generate(trace: string, out: string, spec: boolean): number {
  const started = performance.now();
  execFileSync(process.execPath, [BIN, 'timeline', '-q', trace, '-o', out, ...(spec ? ['--spec', SPEC, '--no-typecheck'] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
  return performance.now() - started;
}

/** Opens the page in a fresh tab: time to its first drawn frame, and the cost of a frame mid-scroll. */
async function paint(browser: Browser, file: string): Promise<{ firstDrawMs: number; scrollDrawMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  type Frames = { specwatchTimeline?: { frames(): { count: number; firstDrawAt: number; lastDrawMs: number } } };
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => ((globalThis as unknown as Frames).specwatchTimeline?.frames().count ?? 0) > 0, undefined, { timeout: 120_000 });
  const first = await page.evaluate(() => (globalThis as unknown as Frames).specwatchTimeline!.frames().firstDrawAt);
  const scrolls: number[] = [];
  for (const fraction of [0.3, 0.6, 0.9]) {
    await page.$eval('#scroller', (scroller, f) => (scroller.scrollTop = f * scroller.scrollHeight), fraction);
    await page.waitForTimeout(60);
    scrolls.push(await page.evaluate(() => (globalThis as unknown as Frames).specwatchTimeline!.frames().lastDrawMs));
  }
  await page.close();
  return { firstDrawMs: first, scrollDrawMs: median(scrolls) };
}

const chromium = chromiumPath();
const browser = chromium === undefined ? undefined : await launchChromium(chromium);
const browserVersion = browser?.version() ?? 'none found (set SPECWATCH_CHROMIUM)';
const results: Record<string, unknown> = {};
try {
  for (const events of sizes) {
    const trace = await uploaderTrace({ events, uploads: Math.max(1, Math.round(events / 100)), users: 4, workers: 11, seed: 1 });
    for (const spec of [false, true]) {
      const name = `${events.toLocaleString('en-US')} events${spec ? ' with --spec' : ''}`;
      const out = join(scratch, `${events}-${spec}.html`);
      const seconds: number[] = [];
      const paints: Array<{ firstDrawMs: number; scrollDrawMs: number }> = [];
      for (let i = 0; i < runs; i++) {
        process.stderr.write(`bench: timeline ${name}, run ${i + 1}/${runs}\n`);
        seconds.push(generate(trace, out, spec) / 1000);
        if (browser !== undefined) paints.push(await paint(browser, out));
      }
      results[name] = {
        trace, events, generateSeconds: Number(median(seconds).toFixed(2)), fileMiB: Number((statSync(out).size / 2 ** 20).toFixed(2)),
        firstDrawMs: browser === undefined ? null : round(median(paints.map((p) => p.firstDrawMs))),
        scrollFrameMs: browser === undefined ? null : Number(median(paints.map((p) => p.scrollDrawMs)).toFixed(1)),
        runsGenerateSeconds: seconds.map((s) => Number(s.toFixed(2))),
      };
    }
  }
} finally {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
}

process.stdout.write(`${JSON.stringify({
  machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, chromium: browserVersion },
  runs,
  notes: 'generateSeconds: launch to exit of `specwatch timeline … -o page.html` (with --spec: --no-typecheck, the checker included); firstDrawMs: navigation start to the first drawn frame; scrollFrameMs: one frame after a jump mid-trace',
  results,
}, null, 2)}\n`);
