import { sql } from 'drizzle-orm';
import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';
import { renderTemplate } from '../../../domain/templates/render-template';
import { ApiError } from '../../../errors';
import { newId } from '../../../lib/ids';
import type { App } from '../../context';

/**
 * The benchmark's yardstick (bench/run.mjs): one bare INSERT through the same Neon driver path as the API, no
 * auth, no validation. Only answers when BENCH_ROUTES=on (never in production); the bench creates its table.
 */
export function registerBenchBaseline(app: App) {
  /** Render timings for the price-drop starter email (layout included), cached as in the consumer. */
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
    const timings: number[] = [];
    for (let i = 0; i < n; i++) {
      // performance.now() only advances on I/O in workerd; Date.now() has the same limit, so time in bulk too.
      const t0 = performance.now();
      await renderTemplate(template, 'email', 'en', { ...data, new_price: 79 + (i % 7) }, 'bench:price-drop:1');
      timings.push(performance.now() - t0);
    }
    const started = Date.now();
    for (let i = 0; i < n; i++) await renderTemplate(template, 'email', 'en', data, 'bench:price-drop:1');
    const totalMs = Date.now() - started;
    timings.sort((a, b) => a - b);
    return c.json({
      n,
      meanMs: totalMs / n,
      p50Ms: timings[Math.floor(n * 0.5)],
      p99Ms: timings[Math.floor(n * 0.99)],
    });
  });

  app.post('/bench/baseline', async (c) => {
    if (c.var.config.BENCH_ROUTES !== 'on') {
      throw new ApiError('route_not_found', `No route for ${c.req.method} ${c.req.path}`);
    }
    const id = newId('ntf');
    await c.var.db.execute(sql`INSERT INTO bench_baseline (id, payload) VALUES (${id}, ${await c.req.text()}::jsonb)`);
    return c.json({ id }, 201);
  });
}
