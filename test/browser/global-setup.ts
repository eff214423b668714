// Browser project only: chromium must be on the machine before any test launches it (CI starts clean).
// @ts-expect-error plain .mjs helper without types
import { ensureChromium } from '../../scripts/ensure-chromium.mjs';

export default function setup() {
  ensureChromium();
}
