import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/** A timeline page opened in Chromium, with everything it tried that it should not have. */
export interface OpenedTimeline {
  readonly page: Page;
  /** Uncaught errors and console errors (a CSP violation is one). */
  readonly errors: string[];
  /** Every URL the page requested, its own file included. */
  readonly requests: string[];
}

export interface TimelineSummary {
  readonly lanes: number;
  readonly events: number;
  readonly messages: number;
  readonly rows: number;
  readonly alerts: number;
}

export interface Highlighted {
  readonly selected: string | null;
  readonly alert: string | null;
  readonly past: string[];
  readonly future: string[];
  readonly focus: string[];
}

/** What a timeline page exposes (main.js), as seen from a test's page.evaluate. */
export interface TimelineWindow {
  readonly specwatchTimeline: {
    summary(): TimelineSummary;
    laneNames(): string[];
    visibleEvents(): string[];
    highlighted(): Highlighted;
    locate(id: string): { x: number; y: number } | null;
    frames(): { count: number; firstDrawAt: number; lastDrawMs: number; drawnRows: number; rows: number };
  };
  /** What the XSS payloads would set, if they ever ran. */
  readonly __pwned?: unknown;
}

export async function openTimeline(browser: Browser, file: string, viewport = { width: 1500, height: 900 }): Promise<OpenedTimeline> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => ((globalThis as unknown as Partial<TimelineWindow>).specwatchTimeline?.frames().count ?? 0) > 0);
  return { page, errors, requests };
}

/** Clicks an event where the page draws it, as a person would. */
export async function clickEvent(page: Page, id: string): Promise<void> {
  const point = await page.evaluate((which) => (globalThis as unknown as TimelineWindow).specwatchTimeline.locate(which), id);
  if (point === null) throw new Error(`${id} is not drawn`);
  await page.mouse.click(point.x, point.y);
}

export const summary = (page: Page): Promise<TimelineSummary> => page.evaluate(() => (globalThis as unknown as TimelineWindow).specwatchTimeline.summary());
export const highlighted = (page: Page): Promise<Highlighted> => page.evaluate(() => (globalThis as unknown as TimelineWindow).specwatchTimeline.highlighted());
