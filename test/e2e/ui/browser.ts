import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { RunningServer } from '../../../src/server/index.js';
import { startTestServer, type TestServer } from '../server/helpers.js';

/** Debian's Chromium, driven by playwright-core. CI installs it (`.ci/run`). */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the browser tests: ${CHROMIUM} is missing (install it: apt-get install -y chromium)`);

/** Headless Chromium with nothing of its own going on in the background. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** What {@link uiSession} gives a describe block once its `beforeAll` ran. */
export interface UiSession {
  readonly t: TestServer;
  readonly server: RunningServer;
  readonly browser: Browser;
}

/**
 * One test server (memory store, offline model taking `latencyMs` per call) listening over HTTP
 * and one browser, for the tests of the calling describe block; both closed after them.
 */
export function uiSession(options: { latencyMs: number }): UiSession {
  let t: TestServer | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    t = await startTestServer({ latencyMs: options.latencyMs });
    server = await t.listen();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the UI session is used before its beforeAll ran');
    return value;
  };
  return {
    get t() {
      return ready(t);
    },
    get server() {
      return ready(server);
    },
    get browser() {
      return ready(browser);
    },
  };
}
