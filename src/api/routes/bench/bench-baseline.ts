import { sql } from 'drizzle-orm';
import { ApiError } from '../../../errors';
import { newId } from '../../../lib/ids';
import type { App } from '../../context';

/**
 * The benchmark's yardstick (bench/run.mjs): one bare INSERT through the same Neon driver path as the API, no
 * auth, no validation. The bench creates its table.
 */
export function registerBenchBaseline(app: App) {
  app.post('/bench/baseline', async (c) => {
    if (c.var.config.BENCH_ROUTES !== 'on') {
      throw new ApiError('route_not_found', `No route for ${c.req.method} ${c.req.path}`);
    }
    const id = newId('ntf');
    await c.var.db.execute(sql`INSERT INTO bench_baseline (id, payload) VALUES (${id}, ${await c.req.text()}::jsonb)`);
    return c.json({ id }, 201);
  });
}
