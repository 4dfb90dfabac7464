import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

export const CHROMIUM_SKIP_REASON =
  'Browser tests skipped: no Chromium found. Install it (apt-get install chromium) or set SPECWATCH_CHROMIUM=/path/to/chromium';

/**
 * The Chromium to test with: SPECWATCH_CHROMIUM when set (then a missing binary is an error, not
 * a skip: CI asked for the browser tests), else the first of the usual places; undefined when none.
 */
export function chromiumPath(): string | undefined {
  const named = process.env.SPECWATCH_CHROMIUM;
  if (named !== undefined && named.trim() !== '') return named.trim();
  return CANDIDATES.find((path) => existsSync(path));
}

export async function launchChromium(path: string): Promise<Browser> {
  if (!existsSync(path)) throw new Error(`SPECWATCH_CHROMIUM=${path}: no such file; install Chromium (apt-get install chromium) or unset it to skip the browser tests`);
  // Chromium refuses its sandbox to root (CI containers); the pages tested are our own files.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: path, args });
}
