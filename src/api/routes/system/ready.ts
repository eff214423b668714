import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { App } from '../../context';
import { errorResponses, json } from '../../openapi';

export const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['System'],
  summary: 'Readiness: the database answers',
  responses: { 200: json(z.object({ status: z.literal('ready') }), 'Ready'), ...errorResponses(503) },
});

export function registerReady(app: App) {
  app.openapi(readyRoute, async (c) => {
    await c.var.db.execute(sql`select 1`); // failures become 503 service_unavailable in the error handler
    return c.json({ status: 'ready' as const }, 200);
  });
}
