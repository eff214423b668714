import type { App } from '../../context';
import { registerBenchBaseline } from './bench-baseline';
import { registerBenchRender } from './bench-render';

/** What bench/run.mjs measures against. Only answers when BENCH_ROUTES=on (never in production). */
export function registerBenchRoutes(app: App) {
  registerBenchRender(app);
  registerBenchBaseline(app);
}
