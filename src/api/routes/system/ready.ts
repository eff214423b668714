import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { App } from '../../context';
import { PUBLIC_ACCESS } from '../../middleware/access';
import { errorResponses, json } from '../../openapi';
import { operation } from '../../operation';

export const readyRoute = operation({
  method: 'get',
  path: '/ready',
  operationId: 'ready',
  tags: ['System'],
  summary: 'Readiness: the database answers',
  description: 'For deploy checks: answers 503 while the database cannot be reached.',
  access: PUBLIC_ACCESS,
  responses: { 200: json(z.object({ status: z.literal('ready') }), 'Ready'), ...errorResponses(503) },
});

export function registerReady(app: App) {
  app.openapi(readyRoute, async (c) => {
    await c.var.db.execute(sql`select 1`); // failures become 503 service_unavailable in the error handler
    return c.json({ status: 'ready' as const }, 200);
  });
}
