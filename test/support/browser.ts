// A real browser for the end-to-end tests: Debian's chromium driven by playwright-core
// (no browser download). Each test opens a new context, which is a new learner: a context
// has its own cookie jar, so its first page load gets a fresh shiplab_learner cookie.
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  // Keep the browser quiet: the only traffic is to the lab on 127.0.0.1.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface LearnerContextOptions {
  viewport?: { width: number; height: number };
  locale?: string;
}

/** A new browser context, i.e. a new learner with an empty cookie jar. */
export async function newLearnerContext(browser: Browser, opts: LearnerContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    locale: opts.locale ?? "en-US",
  });
}
