import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../examples/index.ts';
import { simulateLoad } from '../../examples/uploader/load.ts';
import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../../monitor/index.ts';
import { causalSort, happensBefore, messageArrows, projectClocks } from '../../monitor/timeline/index.ts';
import { CHROMIUM_SKIP_REASON, chromiumPath, launchChromium } from '../support/chromium.ts';
import { REPO } from '../support/run-cli.ts';
import { runTimeline } from '../support/run-timeline.ts';
import { clickEvent, highlighted, openTimeline, summary, type TimelineWindow } from './timeline-pages.ts';

const chromium = chromiumPath();
if (chromium === undefined) console.warn(CHROMIUM_SKIP_REASON);

const SPEC = 'examples/uploader/spec.ts';
const ARTIFACTS = join(REPO, 'test-artifacts');
const scratch = mkdtempSync(join(tmpdir(), 'specwatch-browser-'));
const id = (e: SpecEvent): string => `${e.proc}#${e.seq}`;
const writeTrace = (name: string, events: readonly SpecEvent[]): string => {
  const path = join(scratch, name);
  writeFileSync(path, events.map((e) => `${encodeEvent(e)}\n`).join(''));
  return path;
};

async function timeline(args: readonly string[], name: string): Promise<string> {
  const out = join(scratch, name);
  const run = await runTimeline([...args, '-o', out, '-q']);
  expect(run.status, run.stderr).toBe(0);
  return out;
}

describe.skipIf(chromium === undefined)('timelines in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromium!);
  }, 60_000);
  afterAll(async () => browser?.close());

  it('shows each uploader bug around its alert: the alert, its failed guard and its events (screenshots in test-artifacts/)', async () => {
    for (const name of ['edit-race', 'delete-before-create', 'worker-crash']) {
      const trace = `examples/uploader/traces/${name}.buggy.ndjson`;
      const checked = await runTimeline(['--spec', SPEC, '--no-typecheck', '--format', 'json', trace]);
      const alert = (JSON.parse(checked.stdout) as { alerts: Alert[] }).alerts[0]!;
      const { page, errors } = await openTimeline(browser, await timeline(['--spec', SPEC, '--no-typecheck', '--around', alert.id, trace], `${name}.html`));
      const shown = await summary(page);
      const expected = alert.event === undefined ? undefined : [...(alert.history ?? []), alert.event];
      if (expected !== undefined) {
        expect(shown.events).toBe(expected.length);
        expect(shown.lanes).toBe(new Set(expected.map((e) => e.proc)).size);
      }
      expect(await highlighted(page)).toMatchObject({ alert: alert.id, selected: null });
      const details = await page.textContent('#detail-body');
      expect(details).toContain(alert.guard === undefined ? alert.name : `guard "${alert.guard}" is false`);
      await page.screenshot({ path: join(ARTIFACTS, `timeline-${name}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('counts lanes, events and messages, and highlights the causal past and future of a clicked event as happens-before says', async () => {
    const events = causalSort(generateTrace({ processes: 5, events: 150, messageProbability: 0.4, seed: 11 }));
    const { page, errors } = await openTimeline(browser, await timeline([writeTrace('generated.ndjson', events)], 'generated.html'));
    const arrows = messageArrows(projectClocks(events, events.map((_, i) => i)));
    expect(await summary(page)).toMatchObject({ lanes: 5, events: 150, messages: arrows.length });
    for (const at of [0, 37, 75, 112, 149]) {
      const target = events[at]!;
      await clickEvent(page, id(target));
      const shown = await highlighted(page);
      expect(shown.selected).toBe(id(target));
      expect(shown.past.sort()).toEqual(events.filter((e) => happensBefore(e, target)).map(id).sort());
      expect(shown.future.sort()).toEqual(events.filter((e) => happensBefore(target, e)).map(id).sort());
    }
    await page.keyboard.press('Escape');
    expect((await highlighted(page)).selected).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters to one entity: only its events, and back', async () => {
    const events: SpecEvent[] = [];
    simulateLoad({ events: 3000, uploads: 30, users: 4, workers: 11, seed: 3 }, (e) => events.push(e));
    const { page, errors } = await openTimeline(browser, await timeline([writeTrace('load.ndjson', events)], 'load.html'));
    await page.fill('#filter', 'id = 7');
    await page.press('#filter', 'Enter');
    const visible = await page.evaluate(() => (globalThis as unknown as TimelineWindow).specwatchTimeline.visibleEvents());
    expect(visible.sort()).toEqual(events.filter((e) => e.params.id === 7).map(id).sort());
    expect(await page.textContent('#filter-status')).toMatch(/^id = 7: \d+ of 3,0\d\d events$/);
    await page.fill('#filter', 'no filter here');
    await page.press('#filter', 'Enter');
    expect(await page.getAttribute('#filter-status', 'class')).toBe('problem');
    await page.click('#show-all');
    expect((await summary(page)).events).toBe(events.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows markup and script in events and alerts as text: nothing runs, nothing is fetched', async () => {
    const hits: string[] = [];
    const server: Server = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.end('window.__pwned = "fetched"');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const payloads = [
      `<img src="${url}/img" onerror="window.__pwned=1">`, `</script><script>window.__pwned=2</script>`, `<script src="${url}/s.js"></script>`,
      `"><svg onload="window.__pwned=3">`, `<iframe src="javascript:window.top.__pwned=4"></iframe>`, `<link rel="stylesheet" href="${url}/c.css">`, '\u2028\u2029<!--',
    ];
    const evil = payloads.join(' ');
    const events = causalSort([
      { sw: 1, proc: `api<b>${payloads[0]}`, seq: 1, vc: { [`api<b>${payloads[0]}`]: 1 }, action: `Create${payloads[1]}`, params: { id: 1, [payloads[3]!]: evil }, service: payloads[2] },
      { sw: 1, proc: 'worker@1', seq: 1, vc: { [`api<b>${payloads[0]}`]: 1, 'worker@1': 1 }, action: 'Receive', params: { id: 1, note: evil } },
    ]);
    const alert: Alert = {
      type: 'alert', id: 'deadbeefdeadbeef', kind: 'nonconformance', verdict: 'violated', name: payloads[4]!, guard: evil, reason: evil, state: { evil },
      event: { proc: 'worker@1', seq: 1, action: 'Receive', params: { id: 1, note: evil } }, history: [{ proc: events[0]!.proc, seq: 1, action: events[0]!.action, params: events[0]!.params }],
    };
    const alerts = join(scratch, 'evil-alerts.ndjson');
    writeFileSync(alerts, `${JSON.stringify(alert)}\n`);
    try {
      const file = await timeline(['--alerts', alerts, '--max-string', '2000', writeTrace('evil.ndjson', events)], 'evil.html');
      const { page, errors, requests } = await openTimeline(browser, file);
      await clickEvent(page, id(events[0]!));
      expect(await page.textContent('#detail-body')).toContain(`Create${payloads[1]}`);
      await clickEvent(page, 'worker@1#1');
      await page.click('#alert-list button');
      await page.mouse.move(10, 10);
      await page.waitForTimeout(300);
      expect(await page.textContent('#detail-body')).toContain(`guard "${evil}" is false`);
      expect(await page.textContent('#lane-strip')).toContain(events[0]!.proc);
      expect(await page.evaluate(() => (globalThis as unknown as TimelineWindow).__pwned)).toBeUndefined();
      expect(await page.$$('#detail-body img, #detail-body script, #detail-body svg, #detail-body iframe, #lane-strip img')).toHaveLength(0);
      expect(requests).toEqual([`file://${file}`]);
      expect(hits).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      server.close();
    }
  });

  it('opens a 100,000-event timeline and scrolls it, drawing only what is in sight', async () => {
    const events: SpecEvent[] = [];
    simulateLoad({ events: 100_000, uploads: 1000, users: 4, workers: 11, seed: 1 }, (e) => events.push(e));
    const { page, errors } = await openTimeline(browser, await timeline([writeTrace('100k.ndjson', events)], '100k.html'));
    expect((await summary(page)).events).toBe(events.length);
    const frames = () => page.evaluate(() => (globalThis as unknown as TimelineWindow).specwatchTimeline.frames());
    for (const fraction of [0.25, 0.5, 0.75, 1]) {
      const before = (await frames()).count;
      await page.$eval('#scroller', (scroller, f) => {
        scroller.scrollTop = f * (scroller.scrollHeight - scroller.clientHeight);
      }, fraction);
      // Each scroll draws a new frame, and a frame draws the rows in sight, not the whole trace.
      await page.waitForFunction((n) => (globalThis as unknown as TimelineWindow).specwatchTimeline.frames().count > n, before);
      const { drawnRows, rows } = await frames();
      expect(drawnRows).toBeGreaterThan(0);
      expect(drawnRows).toBeLessThan(Math.min(200, rows / 10));
    }
    const middle = causalSort(events)[50_000]!;
    await clickEvent(page, id(middle));
    expect((await highlighted(page)).past).toHaveLength(events.filter((e) => happensBefore(e, middle)).length);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
