// Node project only: promtool must be on the machine before test/node/promtool.test.ts runs (CI starts clean, like
// chromium for the browser project). Where it cannot be installed (not root, no apt-get), the tests that need it
// are skipped with the reason; .ci/run installs it first, so CI never skips them.
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain .mjs helper without types
import { ensurePromtool } from '../../scripts/ensure-promtool.mjs';

export type PromtoolAvailability = { path: string; missing?: undefined } | { path?: undefined; missing: string };

declare module 'vitest' {
  export interface ProvidedContext {
    promtool: PromtoolAvailability;
  }
}

export default function setup(project: TestProject) {
  try {
    project.provide('promtool', { path: ensurePromtool() as string });
  } catch (err) {
    const missing = `promtool is not installed and could not be (${(err as Error).message})`;
    console.warn(`[promtool] ${missing}: the promtool checks will be skipped`);
    project.provide('promtool', { missing });
  }
}
