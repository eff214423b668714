import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';
import { renderTemplate } from '../../../domain/templates/render-template';
import { ApiError } from '../../../errors';
import type { App } from '../../context';

/** Render timings for the price-drop starter email (layout included), cached as in the consumer. */
export function registerBenchRender(app: App) {
  app.get('/bench/render', async (c) => {
    if (c.var.config.BENCH_ROUTES !== 'on') {
      throw new ApiError('route_not_found', `No route for ${c.req.method} ${c.req.path}`);
    }
    const n = Math.min(Number(c.req.query('n') ?? 1000), 20_000);
    const { name: _name, ...template } = STARTER_TEMPLATES['price-drop']!;
    const data = {
      product: { name: 'Noise-cancelling headphones', url: 'https://shop.test/p/1' },
      old_price: 99,
      new_price: 79,
      currency: 'EUR',
    };
    // Workers clocks tick in whole milliseconds, so a single render cannot be timed: time batches of 20 and take
    // percentiles of each batch's per-render mean (resolution 0.05 ms).
    const BATCH = 20;
    const timings: number[] = [];
    const started = Date.now();
    for (let b = 0; b < Math.ceil(n / BATCH); b++) {
      const t0 = Date.now();
      for (let i = 0; i < BATCH; i++) {
        await renderTemplate(template, 'email', 'en', { ...data, new_price: 79 + (i % 7) }, 'bench:price-drop:1');
      }
      timings.push((Date.now() - t0) / BATCH);
    }
    const rendered = timings.length * BATCH;
    const meanMs = (Date.now() - started) / rendered;
    timings.sort((a, b) => a - b);
    const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(timings.length * q))];
    return c.json({ n: rendered, meanMs, p50Ms: at(0.5), p99Ms: at(0.99) });
  });
}
