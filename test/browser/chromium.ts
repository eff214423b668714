import { type Browser, chromium } from 'playwright-core';
// @ts-expect-error plain .mjs helper without types
import { CHROMIUM_PATH } from '../../scripts/ensure-chromium.mjs';

/** Debian's chromium (test/browser/global-setup.ts installs it), headless; playwright's own builds cannot download here. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
